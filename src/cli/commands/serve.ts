/**
 * `hegui serve [--port N] [--data DIR] [--config FILE] [--host ADDR]`: the platform's HTTP server. Runs until SIGTERM
 * or SIGINT, then shuts down gracefully. Configuration problems are listed and exit with 2.
 */
import type { Command } from 'commander';

export function registerServeCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('serve')
    .description('run the platform HTTP server (default http://127.0.0.1:8080; see README "hegui serve")')
    .option('--port <n>', 'port to listen on (default $HEGUI_PORT or 8080; 0 picks a free one)')
    .option('--host <addr>', 'address to listen on (default $HEGUI_HOST or 127.0.0.1)')
    .option('--data <dir>', 'data directory (default $HEGUI_DATA_DIR or ./data)')
    .option('--config <file>', 'JSON configuration file')
    .action(async (o: { port?: string; host?: string; data?: string; config?: string }) => {
      // Loaded on demand, so the file commands do not pay for the server's modules.
      const { loadConfig } = await import('../../server/config.ts');
      const { startServer } = await import('../../server/serve.ts');
      const config = loadConfig(process.env, o);
      const running = await startServer(config, { handleSignals: true });
      await running.closed;
      setExit(0);
    });
}

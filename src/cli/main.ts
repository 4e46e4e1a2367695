import { Command, CommanderError, Option } from 'commander';
import { isHeguiError } from '../errors.ts';
import '../label/codecs/index.ts';
import { registerExportCommand } from './commands/export.ts';
import { registerHashCommand } from './commands/hash.ts';
import { registerIdCommand } from './commands/id.ts';
import { inspectCommand } from './commands/inspect.ts';
import { labelCommand } from './commands/label.ts';
import { registerLogCommand } from './commands/log.ts';
import { consoleOutput, type Output } from './output.ts';

/** Exit codes: 0 success, 1 some file failed or a check did not pass, 2 usage or unexpected error. */
export async function main(argv: string[], io: Output = consoleOutput): Promise<number> {
  let code = 0;
  const program = new Command('hegui')
    .description('GB 45438-2025 AIGC labels: write, read and check the metadata label in image, audio and video files')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });

  program
    .command('label')
    .description('write the GB 45438 metadata label into files and folders (replacing any existing label)')
    .argument('<paths...>', 'files or folders (folders are walked recursively; unsupported formats are skipped)')
    .option('--producer <code>', 'ContentProducer: your 27-character provider code (default: $HEGUI_PRODUCER)')
    .option('--produce-id <id>', 'ProduceID for a single file, or "auto" for a unique ID per file', 'auto')
    .addOption(
      new Option('--label <value>', 'Label: 1 AI-generated, 2 possibly, 3 suspected')
        .choices(['1', '2', '3'])
        .default('1'),
    )
    .option('--out <dir>', 'write labelled copies under this folder (keeping relative paths)')
    .option('--in-place', 'replace the original files (atomically)')
    .option('--jobs <n>', 'files processed at once (default: min(4, cores))')
    .option('--json', 'print a JSON report on stdout')
    .action(async (paths: string[], opts) => {
      code = await labelCommand(paths, opts, io);
    });

  program
    .command('inspect')
    .description('show the metadata label(s) of files, where they sit, and any problems found')
    .argument('<paths...>', 'files or folders')
    .option('--json', 'print JSON on stdout')
    .action(async (paths: string[], opts) => {
      code = await inspectCommand(paths, opts, io);
    });

  registerIdCommand(program, io, (c) => (code = c));
  registerHashCommand(program, io, (c) => (code = c));
  registerLogCommand(program, io, (c) => (code = c));
  registerExportCommand(program, io, (c) => (code = c));

  try {
    await program.parseAsync(argv);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (isHeguiError(e)) {
      process.stderr.write(`hegui: ${e.message}\n`);
      return e.code === 'usage' ? 2 : 1;
    }
    process.stderr.write(`hegui: unexpected error: ${(e as Error)?.stack ?? String(e)}\n`);
    return 2;
  }
}

/**
 * The gateway side of `npm run bench -- gateway`, in a process of its own and compiled by `tsc` like the `hegui serve`
 * that users run (bench/gateway.ts forks the compiled copy in .bench/js): the whole pipeline on SQLite, in front of
 * the upstream that the load process runs. Answers over the IPC channel with its URL and the API key of a verified
 * user; closes on `{ cmd: 'exit' }`.
 */
import { startGateway } from '../test/gateway/harness.ts';

export interface GatewayReady {
  url: string;
  apiKey: string;
}

if (process.send) {
  process.once('disconnect', () => process.exit(0));
  const upstreamUrl = process.argv[2];
  if (!upstreamUrl) throw new Error('usage: gateway-server UPSTREAM_URL');
  // The per-key rate limit is lifted: the bench measures the pipeline, not the limiter.
  const gw = await startGateway({
    upstreamTimeoutMs: 60_000,
    rateLimit: { perMinute: 1_000_000, burst: 100_000 },
    upstreamUrl,
  });
  process.on('message', (m: { cmd: 'exit' }) => {
    if (m.cmd === 'exit') void gw.close().then(() => process.exit(0));
  });
  process.send({ url: gw.s.url, apiKey: gw.users.verified.apiKey } satisfies GatewayReady);
}

/**
 * The gateway side of `npm run bench -- gateway`, in a process of its own and compiled by `tsc` like the `hegui serve`
 * that users run (bench/gateway.ts forks the compiled copy in .bench/js): the whole pipeline on SQLite, in front of
 * the upstream that the load process runs. Answers over the IPC channel with its URL and the API key of a verified
 * user; closes on `{ cmd: 'exit' }`.
 */
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { startGateway } from '../test/gateway/harness.ts';

export interface GatewayReady {
  url: string;
  apiKey: string;
}

/** What stalled the gateway's event loop since the last `{ cmd: 'stats' }`: its delay and the GC pauses. */
export interface GatewayStats {
  stats: true;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** Pauses of the garbage collector (ms), longest first. */
  gcPausesMs: number[];
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
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  let pauses: number[] = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) pauses.push(e.duration);
  }).observe({ entryTypes: ['gc'] });
  process.on('message', (m: { cmd: 'exit' | 'stats' }) => {
    if (m.cmd === 'exit') void gw.close().then(() => process.exit(0));
    if (m.cmd === 'stats') {
      process.send!({
        stats: true,
        loopDelayP99Ms: delay.percentile(99) / 1e6,
        loopDelayMaxMs: delay.max / 1e6,
        gcPausesMs: pauses.sort((a, b) => b - a),
      } satisfies GatewayStats);
      delay.reset();
      pauses = [];
    }
  });
  process.send({ url: gw.s.url, apiKey: gw.users.verified.apiKey } satisfies GatewayReady);
}

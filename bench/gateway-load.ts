/**
 * The clients of `npm run bench -- gateway`, in a process of their own: they call the upstream
 * (bench/gateway-upstream.ts) directly or through the gateway. Kept out of the gateway's and the upstream's processes
 * so that each event loop (and garbage collector) serves one side alone, as in a deployment, and the numbers are what
 * the gateway adds rather than what one process shared by all three can do.
 *
 * Run by bench/gateway.ts with `fork`; it answers commands over the IPC channel.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Pool } from 'undici';

export interface Target {
  url: string;
  model: string;
  key: string;
}

export type LoadCommand =
  | { id: number; cmd: 'closed'; target: Target; stream: boolean; clients: number; perClient: number }
  | { id: number; cmd: 'paced'; target: Target; clients: number; perClient: number; spanMs: number };

export interface LoadResult {
  id: number;
  times: number[];
  rps: number;
  /** This process's own event-loop delay during the run (ms): a stall here delays what it measures, both ways. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

const now = () => Number(process.hrtime.bigint()) / 1e6;

/** One keep-alive pool per origin (the upstream, the gateway, the relay), as fetch's global agent would hold. */
const pools = new Map<string, Pool>();
function poolOf(origin: string): Pool {
  let p = pools.get(origin);
  if (!p) {
    p = new Pool(origin);
    pools.set(origin, p);
  }
  return p;
}

/**
 * One chat request: the full time, or for a stream the time to the first event with content. Sent with undici's
 * `dispatch` rather than fetch: fetch's WHATWG streams cost this process about three times the CPU per request, and
 * its own stalls are noise in what it measures, both ways.
 */
function once(t: Target, stream: boolean): Promise<number> {
  const start = now();
  const url = new URL(`${t.url}/chat/completions`);
  const body = JSON.stringify({ model: t.model, messages: [{ role: 'user', content: 'Say hello' }], stream });
  return new Promise((resolve, reject) => {
    let status = 0;
    let ttft = -1;
    let seen = '';
    const dec = new TextDecoder();
    poolOf(url.origin).dispatch(
      {
        method: 'POST',
        path: url.pathname,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${t.key}` },
        body,
      },
      {
        onRequestStart() {},
        onResponseStart(_c, statusCode) {
          status = statusCode;
        },
        onResponseData(_c, chunk) {
          // Time to the first event with non-empty content (the gateway's first one is the label, as the client sees
          // it); the rest of the stream is read to its end.
          if (!stream || ttft >= 0) return;
          seen += dec.decode(chunk, { stream: true });
          if (/"content":"[^"]/.test(seen)) ttft = now() - start;
        },
        onResponseEnd() {
          if (status < 200 || status > 299) reject(new Error(`HTTP ${status}`));
          else resolve(stream ? ttft : now() - start);
        },
        onResponseError(_c, e) {
          reject(e);
        },
      },
    );
  });
}

/** `clients` closed loops of `perClient` requests each, all starting at once. */
async function closed(
  t: Target,
  stream: boolean,
  clients: number,
  perClient: number,
): Promise<Pick<LoadResult, 'times' | 'rps'>> {
  const times: number[] = [];
  const start = now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = 0; i < perClient; i++) times.push(await once(t, stream));
    }),
  );
  return { times, rps: times.length / ((now() - start) / 1000) };
}

/** Closed loops of streams whose starts are spread over `spanMs`, as requests reach a service. */
async function paced(
  t: Target,
  clients: number,
  perClient: number,
  spanMs: number,
): Promise<Pick<LoadResult, 'times' | 'rps'>> {
  const times: number[] = [];
  const start = now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      await new Promise((r) => setTimeout(r, Math.random() * spanMs));
      for (let i = 0; i < perClient; i++) times.push(await once(t, true));
    }),
  );
  return { times, rps: times.length / ((now() - start) / 1000) };
}

if (process.send) {
  // Gone with the bench, however it ends.
  process.once('disconnect', () => process.exit(0));
  process.on('message', (m: LoadCommand | { cmd: 'exit' }) => {
    if (m.cmd === 'exit') process.exit(0);
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const run =
      m.cmd === 'closed'
        ? closed(m.target, m.stream, m.clients, m.perClient)
        : paced(m.target, m.clients, m.perClient, m.spanMs);
    run.then(
      (r) => {
        delay.disable();
        process.send!({ id: m.id, ...r, loopDelayP99Ms: delay.percentile(99) / 1e6, loopDelayMaxMs: delay.max / 1e6 });
      },
      (e: unknown) => process.send!({ id: m.id, error: String(e) }),
    );
  });
  process.send({ ready: true });
}

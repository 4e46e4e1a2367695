/**
 * `npm run bench -- gateway`: what the gateway adds over calling the same upstream directly, on loopback — latency
 * (p50/p99) of non-streamed chat, time to the first content token of streamed chat, at 1, 50 and 200 concurrent
 * clients; requests per second of both; and what labelling one image costs. The gateway runs its whole pipeline on
 * every request (API key, publishing gate, input review, output review, label, a log entry in SQLite).
 * Then 200 streams at a model's pace (the load a service sees; see pacedStreams).
 * Targets: p50 added ≤ 1 ms for non-streamed text at 1 client; TTFT added ≤ 2 ms p99 at 200 streams.
 */
import sharp from 'sharp';
import { LabelPolicy } from '../src/gateway/label-policy.ts';
import { generateKeyPair, loadPrivateKey } from '../src/label/security/keys.ts';
import { type GatewayEnv, PRODUCER, startGateway } from '../test/gateway/harness.ts';
import { PACE } from '../test/gateway/upstream.ts';
import { median } from './util.ts';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const now = () => Number(process.hrtime.bigint()) / 1e6;

interface Target {
  url: string;
  model: string;
  key: string;
}

async function once(t: Target, stream: boolean, model = t.model): Promise<number> {
  const start = now();
  const res = await fetch(`${t.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${t.key}` },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Say hello' }], stream }),
  });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  if (!stream) {
    await res.arrayBuffer();
    return now() - start;
  }
  // Time to the first event with non-empty content (the gateway's first one is the label, as the client sees it).
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let seen = '';
  let ttft = -1;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (ttft < 0) {
      seen += dec.decode(value, { stream: true });
      if (/"content":"[^"]/.test(seen)) ttft = now() - start;
    }
  }
  return ttft;
}

async function load(t: Target, stream: boolean, clients: number, perClient: number) {
  const times: number[] = [];
  const start = now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = 0; i < perClient; i++) times.push(await once(t, stream));
    }),
  );
  return { times, rps: times.length / ((now() - start) / 1000) };
}

/**
 * 200 streams open at once against a model server with a model's pace (first token after 200 ms, then one every
 * 50 ms; test/gateway/upstream.ts PACE), each client starting at a random moment of the first stream's length and
 * then streaming again and again: the load of a service, where the model server, not the gateway, is the bottleneck.
 * Time to the first token, direct and through the gateway.
 */
async function pacedStreams(t: Target, model: string, clients: number, perClient: number) {
  const times: number[] = [];
  const span = PACE.firstTokenMs + 22 * PACE.tokenMs;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      await new Promise((r) => setTimeout(r, Math.random() * span));
      for (let i = 0; i < perClient; i++) times.push(await once(t, true, model));
    }),
  );
  return times;
}

export async function run(): Promise<void> {
  // The per-key rate limit is lifted: the bench measures the pipeline, not the limiter.
  const gw: GatewayEnv = await startGateway({
    upstreamTimeoutMs: 60_000,
    rateLimit: { perMinute: 1_000_000, burst: 100_000 },
  });
  try {
    const direct: Target = { url: gw.upstream.url, model: 'echo-up', key: 'x' };
    const via: Target = { url: `${gw.s.url}/v1`, model: 'chat-model', key: gw.users.verified.apiKey };
    for (const t of [direct, via]) await load(t, false, 4, 25); // warm-up
    console.log(
      'clients  mode       direct p50/p99 ms   gateway p50/p99 ms   added p50/p99 ms   req/s direct/gateway (ratio)',
    );
    for (const clients of [1, 50, 200]) {
      const per = clients === 1 ? 200 : clients === 50 ? 8 : 3;
      for (const stream of [false, true]) {
        // Interleave the two so drift on a shared machine hits both alike.
        const d = await load(direct, stream, clients, per);
        const g = await load(via, stream, clients, per);
        const f = (x: number) => x.toFixed(2);
        console.log(
          `${String(clients).padEnd(8)} ${(stream ? 'TTFT' : 'full').padEnd(10)} ` +
            `${f(pct(d.times, 50))} / ${f(pct(d.times, 99))}`.padEnd(20) +
            `${f(pct(g.times, 50))} / ${f(pct(g.times, 99))}`.padEnd(21) +
            `${f(pct(g.times, 50) - pct(d.times, 50))} / ${f(pct(g.times, 99) - pct(d.times, 99))}`.padEnd(19) +
            `${d.rps.toFixed(0)} / ${g.rps.toFixed(0)} (${(g.rps / d.rps).toFixed(2)})`,
        );
      }
    }
    {
      const clients = 200;
      const d = await pacedStreams(direct, 'paced-up', clients, 4);
      const g = await pacedStreams(via, 'paced-model', clients, 4);
      const f = (x: number) => x.toFixed(2);
      console.log(
        `${clients} paced streams (first token after ${PACE.firstTokenMs} ms, then every ${PACE.tokenMs} ms), TTFT ms: ` +
          `direct ${f(pct(d, 50))} / ${f(pct(d, 99))}, gateway ${f(pct(g, 50))} / ${f(pct(g, 99))}, ` +
          `added ${f(pct(g, 50) - pct(d, 50))} / ${f(pct(g, 99) - pct(d, 99))} (p50 / p99)`,
      );
    }
    const signer = loadPrivateKey(generateKeyPair('sm2').privatePem);
    const policy = new LabelPolicy(PRODUCER, signer);
    for (const [name, img] of [
      [
        'PNG 1024×1024',
        await sharp({ create: { width: 1024, height: 1024, channels: 3, background: '#3a7' } })
          .png()
          .toBuffer(),
      ],
      [
        'JPEG 1024×1024',
        await sharp({ create: { width: 1024, height: 1024, channels: 3, background: '#a73' } })
          .jpeg()
          .toBuffer(),
      ],
    ] as const) {
      const ms: number[] = [];
      await policy.image(img, 'warm-up');
      for (let i = 0; i < 8; i++) {
        const t = now();
        await policy.image(img, `bench-${i}`);
        ms.push(now() - t);
      }
      console.log(`image labelling (explicit + signed metadata), ${name}: median ${median(ms).toFixed(1)} ms`);
    }
  } finally {
    await gw.close();
  }
}

/**
 * A local OpenAI-compatible model server for the gateway tests: a real HTTP server with deterministic answers, whose
 * behaviour is chosen by the model name the gateway forwards — normal, failing (500), slow (no answer), cut (closes
 * mid-stream), endless (streams until aborted), flood (streams as fast as its connection takes it, until aborted),
 * runaway (one event that never ends, until aborted), bad (writes a blocked term mid-stream). It counts the requests it
 * saw aborted by the other side, and the flood's events, which is how the tests see that a client's disconnect reached the upstream.
 */
import { once } from 'node:events';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { ffmpeg } from '../support/media.ts';
import { monoWav } from '../support/wav.ts';

export const UPSTREAM_TEXT =
  'Hello from the model. This answer has several sentences, and it is long enough to stream in pieces.';
export const BLOCKED_TERM = '禁词甲';
/** What the "split-up" model streams, its bytes cut inside characters (every CJK character is three bytes in UTF-8). */
export const SPLIT_TEXT = '模型的回答：汉字在这里被切开，表情😀也是。';
/** The size of one event of the "flood-up" model, about (its JSON is within 200 bytes of it). */
export const FLOOD_EVENT_BYTES = 4096;
/** The "paced-up" model's timing: like a model server's prefill and decoding, so streams overlap as in service. */
export const PACE = { firstTokenMs: 200, tokenMs: 50 };

/**
 * A picture in the test library by its PDQ hash (action "block"). Textured, since PDQ needs structure to reach its
 * quality threshold; the "bad-img-up" model returns a resized, re-encoded copy, which PDQ still matches.
 */
export function forbiddenPicture(): Promise<Buffer> {
  const circles = Array.from({ length: 40 }, (_, i) => {
    const v = (7919 + i * 104729) % 997;
    const fill = (v * 4099).toString(16).padStart(6, '0').slice(-6);
    return `<circle cx="${v % 256}" cy="${(v * 31) % 256}" r="${8 + (v % 40)}" fill="#${fill}"/>`;
  }).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256">${circles}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** In the test library with action "review": allowed, and queued for a person to look at. */
export const REVIEW_TERM = '待审词乙';

export interface FakeUpstream {
  url: string;
  requests: { path: string; model: string; contentType: string; fields: string[] }[];
  aborted: number;
  /** Events the "flood-up" model has written so far (they go out as fast as its connection takes them). */
  flooded: number;
  /** Resolves at the next abort seen. */
  nextAbort(): Promise<void>;
  close(): Promise<void>;
}

function wav(seconds: number, rate = 16000): Buffer {
  const pcm = new Int16Array(Math.round(seconds * rate));
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate));
  return monoWav(pcm, rate);
}

async function mp3Of(w: Buffer): Promise<Buffer> {
  const dir = tmpdir();
  const i = join(dir, `hegui-up-${process.pid}-${Date.now()}.wav`);
  const o = `${i}.mp3`;
  await writeFile(i, w);
  await ffmpeg(['-i', i, '-c:a', 'libmp3lame', '-b:a', '64k', o]);
  const b = await readFile(o);
  await rm(i, { force: true });
  await rm(o, { force: true });
  return b;
}

/** The response has taken what was written, or is gone: one listener pair, removed once either comes. */
const drainOrClose = (res: ServerResponse): Promise<void> =>
  new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });

const readAll = async (req: IncomingMessage): Promise<Buffer> => {
  const parts: Buffer[] = [];
  for await (const c of req) parts.push(c as Buffer);
  return Buffer.concat(parts);
};

/** `record: false` keeps no list of the requests seen (a benchmark's tens of thousands would grow the heap). */
export async function startUpstream(o: { record?: boolean } = {}): Promise<FakeUpstream> {
  const png = await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 40, g: 120, b: 200 } } })
    .png()
    .toBuffer();
  const forbidden = await sharp(await forbiddenPicture())
    .resize(200, 200)
    .jpeg({ quality: 70 })
    .toBuffer();
  const jpeg = await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 200, g: 90, b: 40 } } })
    .jpeg()
    .toBuffer();
  const wavBytes = wav(1);
  const mp3Bytes = await mp3Of(wavBytes);
  const requests: FakeUpstream['requests'] = [];
  let aborted = 0;
  let flooded = 0;
  let waiters: (() => void)[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const raw = await readAll(req);
    const ct = req.headers['content-type'] ?? '';
    let body: Record<string, unknown> = {};
    if (ct.startsWith('application/json')) body = JSON.parse(raw.toString('utf8'));
    else if (ct.startsWith('multipart/form-data')) {
      const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': ct } }).formData();
      body = Object.fromEntries([...form.keys()].map((k) => [k, form.get(k)]));
    }
    const model = String(body.model ?? '');
    const path = req.url ?? '';
    if (o.record !== false) requests.push({ path, model, contentType: ct, fields: Object.keys(body) });
    res.once('close', () => {
      if (!res.writableFinished) {
        aborted++;
        for (const w of waiters) w();
        waiters = [];
      }
    });
    if (model === 'fail-up') {
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"boom"}}');
      return;
    }
    if (model === 'slow-up') return; // never answers; the gateway's time limit must end it
    const text = model === 'bad-up' ? `Fine words first, then ${BLOCKED_TERM} and more words after it.` : UPSTREAM_TEXT;
    if (path === '/v1/chat/completions' || path === '/v1/completions') {
      const chat = path === '/v1/chat/completions';
      const base = {
        id: 'up-1',
        created: 1_700_000_000,
        model,
        object: chat ? 'chat.completion.chunk' : 'text_completion',
      };
      if (body.stream !== true) {
        res.writeHead(200, { 'content-type': 'application/json' });
        const choice = chat
          ? { index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }
          : { index: 0, text, finish_reason: 'stop', logprobs: null };
        res.end(
          JSON.stringify({
            ...base,
            object: chat ? 'chat.completion' : 'text_completion',
            choices: [choice],
            usage: { prompt_tokens: 3, completion_tokens: 20, total_tokens: 23 },
          }),
        );
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const ev = (delta: string | null, finish: string | null) =>
        `data: ${JSON.stringify({ ...base, choices: [chat ? { index: 0, delta: delta === null ? {} : { content: delta }, finish_reason: finish } : { index: 0, text: delta ?? '', finish_reason: finish }] })}\n\n`;
      if (chat)
        res.write(
          `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] })}\n\n`,
        );
      const pieces = text.match(/.{1,6}/gsu) ?? [];
      if (model === 'paced-up') {
        // The pace of a model server under load: the first token after a prefill, then a token every 50 ms.
        await new Promise((r) => setTimeout(r, PACE.firstTokenMs));
        for (const p of pieces) {
          if (res.destroyed) return;
          res.write(ev(p, null));
          await new Promise((r) => setTimeout(r, PACE.tokenMs));
        }
        res.write(ev(null, 'stop'));
        res.end('data: [DONE]\n\n');
        return;
      }
      if (model === 'flood-up') {
        // Events of FLOOD_EVENT_BYTES that carry one character of text each (the rest is log-probability detail, passed
        // through): many bytes for the connections, little text for the reviewer.
        const logprobs = { content: [{ token: 'x'.repeat(FLOOD_EVENT_BYTES - 200), logprob: 0, top_logprobs: [] }] };
        const event = `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: 'a' }, logprobs, finish_reason: null }] })}\n\n`;
        while (!res.destroyed) {
          flooded++;
          if (!res.write(event)) await drainOrClose(res);
        }
        return;
      }
      if (model === 'runaway-up') {
        res.write(ev('Before the runaway event. ', null));
        res.write('data: {"choices":[{"index":0,"delta":{"content":"');
        const run = 'a'.repeat(64 * 1024);
        while (!res.destroyed) {
          if (!res.write(run)) await drainOrClose(res);
        }
        return;
      }
      if (model === 'split-up') {
        // Each event's bytes in two writes cut inside a character, apart in time so that they arrive as two reads.
        for (const p of SPLIT_TEXT.match(/.{1,4}/gsu) ?? []) {
          const bytes = Buffer.from(ev(p, null));
          const cut = bytes.indexOf(Buffer.from(p)) + 1;
          res.write(bytes.subarray(0, cut));
          await new Promise((r) => setTimeout(r, 5));
          res.write(bytes.subarray(cut));
        }
        res.write(ev(null, 'stop'));
        res.end('data: [DONE]\n\n');
        return;
      }
      if (model === 'endless-up') {
        for (let i = 0; !res.destroyed; i++) {
          res.write(ev(`word${i} `, null));
          await new Promise((r) => setTimeout(r, 10));
        }
        return;
      }
      for (const [i, p] of pieces.entries()) {
        if (model === 'cut-up' && i === 3) {
          // Let what was written reach the gateway, then drop the connection without ending the stream.
          await new Promise((r) => setTimeout(r, 50));
          res.socket?.destroy();
          return;
        }
        if (!res.write(ev(p, null))) await once(res, 'drain');
      }
      res.write(ev(null, 'stop'));
      res.end('data: [DONE]\n\n');
      return;
    }
    if (path === '/v1/images/generations' || path === '/v1/images/edits') {
      const img = model === 'bad-img-up' ? forbidden : path.endsWith('edits') ? jpeg : png;
      const n = Number(body.n ?? 1);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          created: 1_700_000_000,
          data: Array.from({ length: n }, () => ({ b64_json: img.toString('base64') })),
        }),
      );
      return;
    }
    if (path === '/v1/audio/speech') {
      const mp3 = (body.response_format ?? 'mp3') === 'mp3';
      res.writeHead(200, { 'content-type': mp3 ? 'audio/mpeg' : 'audio/wav' });
      res.end(mp3 ? mp3Bytes : wavBytes);
      return;
    }
    res.writeHead(404).end();
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    get aborted() {
      return aborted;
    },
    get flooded() {
      return flooded;
    },
    nextAbort: () => new Promise<void>((r) => waiters.push(r)),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  } as FakeUpstream;
}

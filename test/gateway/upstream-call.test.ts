/**
 * The upstream client's connection handling against a real local HTTP server: consecutive calls share one keep-alive
 * connection, a reused connection the server has dropped is retried once on a new one, a failure on a new connection
 * is not retried, a stream read up to its last event returns its connection to the pool, a body larger than what is
 * held for a slow reader arrives whole, and an aborted call closes its connection. Hostile answers (not HTTP, headers
 * over the parser's limit, a bad chunk size, a body cut short) are upstream errors, never a crash or a hang.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { GatewayError } from '../../src/gateway/openai-error.ts';
import { callUpstream, readBody, readJson } from '../../src/gateway/upstream-call.ts';
import type { Route } from '../../src/gateway/upstreams.ts';

interface Seen {
  connections: number;
  requests: number;
  /** Responses the server keeps open (`/endless`). */
  open: import('node:http').ServerResponse[];
}

const BIG = 1 << 20;

/** Answers `{ n }`; drops the connection without an answer when `drop(requestNumberOnItsConnection)` says so. */
async function server(drop: (nth: number) => boolean): Promise<{ s: Server; url: string; seen: Seen }> {
  const seen: Seen = { connections: 0, requests: 0, open: [] };
  const perSocket = new WeakMap<object, number>();
  const s = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.requests++;
      const nth = (perSocket.get(req.socket) ?? 0) + 1;
      perSocket.set(req.socket, nth);
      if (drop(nth)) {
        req.socket.destroy();
        return;
      }
      if (req.url?.endsWith('/big')) {
        // 1 MiB in 64 KiB writes, each byte its offset's low 8 bits, so a reordered or lost piece shows.
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const piece = Buffer.alloc(BIG / 16, 0).map((_, i) => i & 255);
        for (let i = 0; i < 16; i++) res.write(piece);
        res.end();
        return;
      }
      if (req.url?.endsWith('/endless')) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: 1\n\n');
        seen.open.push(res);
        return;
      }
      if (req.url?.endsWith('/fail')) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"error":"no"}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ n: seen.requests }));
    });
  });
  s.on('connection', () => seen.connections++);
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  return { s, url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/v1`, seen };
}

const routeTo = (url: string): Route => ({ upstream: { name: 'local', baseUrl: url, models: {} }, model: 'm' });
const call = (url: string, path = '/chat/completions') =>
  callUpstream(
    routeTo(url),
    path,
    { body: '{"model":"m"}', contentType: 'application/json' },
    { timeoutMs: 5000, clientGone: new AbortController().signal },
  );

describe('upstream connections', () => {
  let keep: Awaited<ReturnType<typeof server>>;
  let dropSecond: Awaited<ReturnType<typeof server>>;
  let dropAll: Awaited<ReturnType<typeof server>>;
  before(async () => {
    keep = await server(() => false);
    dropSecond = await server((nth) => nth === 2);
    dropAll = await server(() => true);
  });
  after(() => {
    for (const x of [keep, dropSecond, dropAll]) x.s.close();
  });

  it('consecutive calls share one keep-alive connection', async () => {
    for (let i = 0; i < 3; i++) await readJson(await call(keep.url), 1 << 20);
    assert.deepEqual(keep.seen, { connections: 1, requests: 3, open: [] });
  });

  it('a reused connection dropped by the server is retried once, on a new connection', async () => {
    assert.deepEqual(await readJson(await call(dropSecond.url), 1 << 20), { n: 1 });
    assert.deepEqual(await readJson(await call(dropSecond.url), 1 << 20), { n: 3 });
    assert.deepEqual(dropSecond.seen, { connections: 2, requests: 3, open: [] });
  });

  it('a failure on a new connection is not retried', async () => {
    await assert.rejects(call(dropAll.url), (e) => e instanceof GatewayError && e.code === 'upstream_error');
    assert.deepEqual(dropAll.seen, { connections: 1, requests: 1, open: [] });
  });

  it('a body cancelled once it has all arrived returns the connection to the pool', async () => {
    const before = keep.seen.connections;
    const c = await call(keep.url);
    const r = c.reader();
    // The small body arrives in one piece; stop reading there, as a stream does at [DONE].
    const first = await r.read();
    assert.equal(first.done, false);
    await r.cancel();
    c.done();
    await readJson(await call(keep.url), 1 << 20);
    assert.equal(keep.seen.connections, before);
  });

  it('a body larger than what is held for a slow reader arrives whole, in order', async () => {
    const c = await call(keep.url, '/big');
    const r = c.reader();
    // Nothing is read for a while: the client stops reading the connection instead of buffering without bound.
    await new Promise((res) => setTimeout(res, 50));
    const parts: Uint8Array[] = [];
    for (;;) {
      const x = await r.read();
      if (x.done) break;
      parts.push(x.value);
      await new Promise((res) => setImmediate(res));
    }
    c.done();
    const all = Buffer.concat(parts);
    assert.equal(all.length, BIG);
    for (let i = 0; i < all.length; i += 4093) assert.equal(all[i], i & 255, `byte ${i}`);
  });

  it('readBody refuses a body over its limit', async () => {
    await assert.rejects(
      readBody(await call(keep.url, '/big'), BIG - 1),
      (e) => e instanceof GatewayError && e.code === 'upstream_error' && /larger than allowed/.test(e.message),
    );
  });

  it('an aborted call fails its read and closes its connection', async () => {
    const c = await call(keep.url, '/endless');
    const r = c.reader();
    assert.equal((await r.read()).done, false);
    const res = keep.seen.open.shift()!;
    const closed = once(res, 'close');
    c.abort('client disconnected');
    await assert.rejects(r.read());
    await closed;
    c.done();
  });

  it('an error answer is refused, and the next call still gets an answer', async () => {
    await assert.rejects(call(keep.url, '/fail'), (e) => e instanceof GatewayError && e.code === 'upstream_error');
    assert.deepEqual(Object.keys(await readJson(await call(keep.url), 1 << 20)), ['n']);
  });
});

/** A TCP server that answers every connection with `answer` (raw bytes) and closes it. */
async function rawServer(answer: string): Promise<{ close(): void; url: string }> {
  const s = createTcpServer((socket) => {
    socket.once('data', () => socket.end(answer));
    socket.on('error', () => {});
  });
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  return { close: () => s.close(), url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/v1` };
}

describe('hostile upstream answers', () => {
  const cases: [string, string][] = [
    ['a status line that is not HTTP', 'SSH-2.0-OpenSSH_9.6\r\n\r\n'],
    ['headers larger than the parser accepts', `HTTP/1.1 200 OK\r\nx-big: ${'a'.repeat(64 * 1024)}\r\n\r\n`],
    [
      'a chunk size that is not hexadecimal',
      'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n',
    ],
    ['a body shorter than its content-length', 'HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{"a":1}'],
  ];
  for (const [name, answer] of cases) {
    it(`${name}: an upstream error, not a crash or a hang`, async () => {
      const s = await rawServer(answer);
      try {
        await assert.rejects(
          (async () => readJson(await call(s.url), 1 << 20))(),
          (e) => e instanceof GatewayError && e.code === 'upstream_error',
        );
      } finally {
        s.close();
      }
    });
  }
});

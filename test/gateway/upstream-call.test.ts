/**
 * The upstream client's connection handling against a real local HTTP server: consecutive calls share one keep-alive
 * connection, a reused connection the server has dropped is retried once on a new one, a failure on a new connection
 * is not retried, and a stream read up to its last event returns its connection to the pool.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { GatewayError } from '../../src/gateway/openai-error.ts';
import { callUpstream, readJson } from '../../src/gateway/upstream-call.ts';
import type { Route } from '../../src/gateway/upstreams.ts';

interface Seen {
  connections: number;
  requests: number;
}

/** Answers `{ n }`; drops the connection without an answer when `drop(requestNumberOnItsConnection)` says so. */
async function server(drop: (nth: number) => boolean): Promise<{ s: Server; url: string; seen: Seen }> {
  const seen: Seen = { connections: 0, requests: 0 };
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
const call = (url: string) =>
  callUpstream(
    routeTo(url),
    '/chat/completions',
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
    assert.deepEqual(keep.seen, { connections: 1, requests: 3 });
  });

  it('a reused connection dropped by the server is retried once, on a new connection', async () => {
    assert.deepEqual(await readJson(await call(dropSecond.url), 1 << 20), { n: 1 });
    assert.deepEqual(await readJson(await call(dropSecond.url), 1 << 20), { n: 3 });
    assert.deepEqual(dropSecond.seen, { connections: 2, requests: 3 });
  });

  it('a failure on a new connection is not retried', async () => {
    await assert.rejects(call(dropAll.url), (e) => e instanceof GatewayError && e.code === 'upstream_error');
    assert.deepEqual(dropAll.seen, { connections: 1, requests: 1 });
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
});

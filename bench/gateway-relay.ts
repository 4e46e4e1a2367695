/**
 * The reference of `npm run bench -- gateway`: a bare relay, one more Node.js process between the clients and the
 * upstream with the same HTTP libraries as the gateway (node:http towards the clients, undici towards the upstream)
 * and nothing else — no key, no gate, no review, no label, no log. What it adds to a first token is what one more
 * Node.js process on the way adds on this machine, whatever it does; the gateway's figure beside it shows what the
 * gateway adds with its compliance work.
 *
 * It passes each request's path, body and content type to the upstream and streams the answer back as it comes
 * (writes without waiting for the client: the bench's clients read everything at once).
 * Run by bench/gateway.ts with `fork`; it sends its URL when ready and closes on `{ cmd: 'exit' }`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, createServer as createNetServer, type Server } from 'node:net';
import { type Dispatcher, Pool } from 'undici';

/** A bounded request body: the bench's requests are a few hundred bytes. */
const MAX_BODY = 1024 * 1024;

async function relay(pool: Pool, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of req as AsyncIterable<Buffer>) {
    size += part.length;
    if (size > MAX_BODY) throw new Error('request too large');
    parts.push(part);
  }
  // undici's dispatch with a handler, each piece written as it comes: the leanest use of the library, as the gateway
  // makes of it (src/gateway/upstream-call.ts).
  const handler: Dispatcher.DispatchHandler = {
    // Present so that undici takes this for a handler of its current interface.
    onRequestStart() {},
    onResponseStart(_c, status, headers) {
      res.writeHead(status, { 'content-type': String(headers['content-type'] ?? 'application/octet-stream') });
      res.flushHeaders();
    },
    onResponseData(_c, chunk) {
      res.write(chunk);
    },
    onResponseEnd() {
      res.end();
    },
    onResponseError(_c, e) {
      res.destroy(e);
    },
  };
  pool.dispatch(
    {
      method: 'POST',
      path: req.url ?? '/',
      headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
      body: Buffer.concat(parts),
    },
    handler,
  );
}

/**
 * `HEGUI_BENCH_RELAY=tcp`: a relay below HTTP, one upstream connection per client connection and the bytes piped both
 * ways unparsed — what the hop costs without Node's HTTP stack.
 */
function tcpRelay(upstream: URL): Server {
  return createNetServer((c) => {
    const u = connect(Number(upstream.port), upstream.hostname);
    c.setNoDelay(true);
    u.setNoDelay(true);
    c.pipe(u).on('error', () => c.destroy());
    u.pipe(c).on('error', () => u.destroy());
    c.on('error', () => u.destroy());
    u.on('error', () => c.destroy());
  });
}

if (process.send) {
  process.once('disconnect', () => process.exit(0));
  const upstream = process.argv[2];
  if (!upstream) throw new Error('usage: gateway-relay UPSTREAM_URL');
  const up = new URL(upstream);
  let server: Server;
  if (process.env['HEGUI_BENCH_RELAY'] === 'tcp') server = tcpRelay(up);
  else {
    const pool = new Pool(up.origin, { keepAliveTimeout: 4000 });
    server = createServer((req, res) => {
      relay(pool, req, res).catch(() => res.destroy());
    });
  }
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    process.on('message', (m: { cmd: 'exit' }) => {
      if (m.cmd === 'exit') process.exit(0);
    });
    process.send!({ ready: `http://127.0.0.1:${port}${up.pathname.replace(/\/$/, '')}` });
  });
}

/**
 * Streamed answers on the wire, read byte by byte from a raw socket: the gateway writes a stream's events straight to
 * the client's socket with its own HTTP/1.1 chunk framing, so the framing is checked here strictly (RFC 9112 §7.1:
 * each size equals the bytes that follow it), for requests pipelined on one connection and for an HTTP/1.0 client,
 * whose answer is not chunked and ends with the connection.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type GatewayEnv, startGateway } from './harness.ts';
import { UPSTREAM_TEXT } from './upstream.ts';

let gw: GatewayEnv;
before(async () => {
  gw = await startGateway({});
});
after(() => gw.close());

function request(version: '1.0' | '1.1', model = 'chat-model'): string {
  const body = JSON.stringify({ model, messages: [{ role: 'user', content: 'x' }], stream: true });
  const url = new URL(gw.s.url);
  return (
    `POST /v1/chat/completions HTTP/${version}\r\nHost: ${url.host}\r\nAuthorization: Bearer ${gw.users.verified.apiKey}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

/** Sends `raw` on a new connection; resolves with every byte received once `enough` says so, or the peer closes. */
function exchange(raw: string, enough: (got: Buffer) => boolean): Promise<Buffer> {
  const url = new URL(gw.s.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const parts: Buffer[] = [];
    const finish = () => {
      socket.destroy();
      resolve(Buffer.concat(parts));
    };
    socket.on('data', (b: Buffer) => {
      parts.push(b);
      if (enough(Buffer.concat(parts))) finish();
    });
    socket.on('end', finish);
    socket.on('error', reject);
    socket.setTimeout(10_000, () => reject(new Error('no complete answer within 10 s')));
    socket.write(raw);
  });
}

interface Answer {
  head: string;
  body: string;
  /** Bytes after this answer (the next pipelined one). */
  rest: Buffer;
}

/** One chunked response from the start of `b`, strictly; undefined while incomplete. Throws on a framing error. */
function chunkedAnswer(b: Buffer): Answer | undefined {
  const headEnd = b.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const head = b.subarray(0, headEnd).toString('latin1');
  assert.match(head, /\r\ntransfer-encoding: chunked/i);
  const body: Buffer[] = [];
  let at = headEnd + 4;
  for (;;) {
    const lineEnd = b.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const sizeText = b.subarray(at, lineEnd).toString('latin1');
    assert.match(sizeText, /^[0-9a-f]+$/, `a chunk size line: ${JSON.stringify(sizeText)}`);
    const size = Number.parseInt(sizeText, 16);
    at = lineEnd + 2;
    if (size === 0) {
      if (b.length < at + 2) return undefined;
      assert.equal(b.subarray(at, at + 2).toString('latin1'), '\r\n', 'no trailers, then the end');
      return { head, body: Buffer.concat(body).toString('utf8'), rest: b.subarray(at + 2) };
    }
    if (b.length < at + size + 2) return undefined;
    body.push(b.subarray(at, at + size));
    assert.equal(b.subarray(at + size, at + size + 2).toString('latin1'), '\r\n', 'a chunk ends with CRLF');
    at += size + 2;
  }
}

/** The text of a stream's content deltas, which must end with [DONE]. */
function contentOf(body: string): string {
  const events = body.split('\n\n').filter(Boolean);
  assert.equal(events.at(-1), 'data: [DONE]');
  let text = '';
  for (const e of events.slice(0, -1)) {
    const chunk = JSON.parse(e.replace(/^data: /, '')) as { choices: { delta: { content?: string } }[] };
    text += chunk.choices[0]?.delta.content ?? '';
  }
  return text;
}

const produceId = (head: string) => /\r\nx-hegui-produce-id: (\S+)/i.exec(head)?.[1];

describe('streamed answers on the wire', () => {
  it('two streamed requests pipelined on one connection get two whole, correctly framed answers in order', async () => {
    const both = (b: Buffer) => {
      const first = chunkedAnswer(b);
      return first !== undefined && chunkedAnswer(first.rest) !== undefined;
    };
    const got = await exchange(request('1.1') + request('1.1'), both);
    const first = chunkedAnswer(got)!;
    const second = chunkedAnswer(first.rest)!;
    assert.equal(second.rest.length, 0);
    for (const a of [first, second]) {
      assert.match(a.head, /^HTTP\/1\.1 200 /);
      const text = contentOf(a.body);
      assert.ok(text.endsWith(UPSTREAM_TEXT), text);
      assert.ok(text.length > UPSTREAM_TEXT.length, 'the explicit label comes first');
    }
    assert.ok(produceId(first.head) && produceId(first.head) !== produceId(second.head));
  });

  it('an HTTP/1.0 client gets the events unframed, ended by closing the connection', async () => {
    const got = (await exchange(request('1.0'), () => false)).toString('utf8');
    const headEnd = got.indexOf('\r\n\r\n');
    const head = got.slice(0, headEnd);
    assert.match(head, /^HTTP\/1\.1 200 /);
    assert.doesNotMatch(head, /transfer-encoding/i);
    assert.ok(contentOf(got.slice(headEnd + 4)).endsWith(UPSTREAM_TEXT));
  });
});

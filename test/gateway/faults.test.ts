/**
 * Faults between the client, the gateway and the upstream: a failing upstream, a silent one (the time limit), one
 * that closes mid-stream, a client that goes away mid-stream (the upstream request must be aborted — seen on the
 * upstream's side), a client that stops reading (the gateway must stop reading the upstream), and a request body over
 * the limit.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { events } from './audit-support.ts';
import { type GatewayEnv, startGateway } from './harness.ts';
import { FLOOD_EVENT_BYTES } from './upstream.ts';

let gw: GatewayEnv;
before(async () => {
  gw = await startGateway({ upstreamTimeoutMs: 400 });
});
after(() => gw.close());

async function refusal(p: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const e = await p.then(
    () => assert.fail('the request did not fail'),
    (x: unknown) => x,
  );
  assert.ok(e instanceof OpenAI.APIError, String(e));
  return e;
}

/** Streams a chat from `model` to its end, which must be an error: that error, and the text delivered before it. */
async function streamUntilError(model: string): Promise<{ e: InstanceType<typeof OpenAI.APIError>; text: string }> {
  const stream = await gw.client(gw.users.verified).chat.completions.create({
    model,
    messages: [{ role: 'user', content: 'x' }],
    stream: true,
  });
  let text = '';
  const e = await (async () => {
    for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
  })().then(
    () => assert.fail('the stream ended as if complete'),
    (x: unknown) => x,
  );
  assert.ok(e instanceof OpenAI.APIError, String(e));
  return { e, text };
}

describe('gateway faults', () => {
  it('maps an upstream 500 to a 502 in the OpenAI shape', async () => {
    const e = await refusal(
      gw
        .client(gw.users.verified)
        .chat.completions.create({ model: 'failing-model', messages: [{ role: 'user', content: 'x' }] }),
    );
    assert.equal(e.status, 502);
    assert.equal(e.code, 'upstream_error');
    assert.ok(!e.message.includes('boom'), 'the upstream body is not passed on');
  });

  it('ends a request to a silent upstream at the configured time limit with a 504', async () => {
    const aborted = gw.upstream.nextAbort();
    const e = await refusal(
      gw
        .client(gw.users.verified)
        .chat.completions.create({ model: 'slow-model', messages: [{ role: 'user', content: 'x' }] }),
    );
    assert.equal(e.status, 504);
    assert.equal(e.code, 'upstream_timeout');
    await aborted; // the gateway gave up on the upstream request too
  });

  it('an upstream that closes mid-stream ends the stream with an error event, not a hang', async () => {
    const { text } = await streamUntilError('cut-model');
    assert.ok(text.length > 0, 'what was generated before the cut was delivered');
    const last = (await events(gw, 'gateway.generated')).at(-1)!;
    assert.equal(last.payload.ended, 'upstream_closed');
  });

  it('an upstream event that never ends is cut at 1 MiB: an error event, the upstream request aborted', {
    timeout: 20_000,
  }, async () => {
    const aborted = gw.upstream.nextAbort();
    const { e, text } = await streamUntilError('runaway-model');
    assert.match(e.message, /over 1 MiB/);
    assert.ok(text.includes('Before the runaway event.'), 'what came before it was delivered');
    await aborted;
    const last = (await events(gw, 'gateway.generated')).at(-1)!;
    assert.equal(last.payload.ended, 'upstream_invalid');
  });

  it('a client that goes away mid-stream aborts the upstream request', async () => {
    const abortedBefore = gw.upstream.aborted;
    const aborted = gw.upstream.nextAbort();
    const stream = await gw.client(gw.users.verified).chat.completions.create({
      model: 'endless-model',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    let n = 0;
    for await (const _ of stream) {
      if (++n === 5) break; // leaving the loop aborts the client's request
    }
    await aborted;
    assert.equal(gw.upstream.aborted, abortedBefore + 1);
    // The generation is still recorded, as ended by the client.
    for (const end = Date.now() + 10_000; Date.now() < end; ) {
      const last = (await events(gw, 'gateway.generated')).at(-1);
      if (last?.payload.ended === 'client_closed') return;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.fail('the generation ended by the client was not recorded');
  });

  it('a client that stops reading holds the upstream back; the stream goes on when it reads again', {
    timeout: 60_000,
  }, async () => {
    const flooded = () => gw.upstream.flooded;
    // Between the upstream and a paused client sit the kernel's socket buffers (tens of MB on loopback) and the
    // gateway's 64 KiB; a gateway that kept reading regardless would pass this long before the flood stopped.
    const bound = 256 * 1024 * 1024;
    /** The flood's count once it has not moved for 500 ms; undefined if it passed `bound` bytes or 20 s first. */
    const settled = async (): Promise<number | undefined> => {
      let [last, since] = [flooded(), Date.now()];
      for (const end = Date.now() + 20_000; Date.now() < end && flooded() * FLOOD_EVENT_BYTES < bound; ) {
        await new Promise((r) => setTimeout(r, 50));
        if (flooded() !== last) [last, since] = [flooded(), Date.now()];
        else if (Date.now() - since >= 500) return last;
      }
      return undefined;
    };
    const body = JSON.stringify({ model: 'flood-model', messages: [{ role: 'user', content: 'x' }], stream: true });
    const url = new URL(gw.s.url);
    const socket = connect(Number(url.port), url.hostname);
    socket.write(
      `POST /v1/chat/completions HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${gw.users.verified.apiKey}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    let received = 0;
    let head = '';
    socket.on('data', (b: Buffer) => {
      if (received === 0) head = b.toString('latin1');
      received += b.length;
    });
    const aborted = gw.upstream.nextAbort();
    try {
      while (received < 64 * 1024) await new Promise((r) => setTimeout(r, 10));
      assert.match(head, /^HTTP\/1\.1 200 /);
      socket.pause(); // reads nothing more from here on
      const held = await settled();
      assert.ok(held !== undefined, `the upstream went on writing while the client read nothing (${flooded()} events)`);
      const before = received;
      socket.resume();
      for (const end = Date.now() + 20_000; flooded() < held + 1000 && Date.now() < end; )
        await new Promise((r) => setTimeout(r, 20));
      assert.ok(flooded() >= held + 1000, 'the stream went on once the client read again');
      assert.ok(received > before);
    } finally {
      socket.destroy();
    }
    await aborted; // the client's going away still ends the upstream request
  });

  it('the emergency switch also ends streams in flight, and their upstream requests', async () => {
    const aborted = gw.upstream.nextAbort();
    const stream = await gw.client(gw.users.verified).chat.completions.create({
      model: 'endless-model',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    let n = 0;
    let end: (() => Promise<void>) | undefined;
    const e = await (async () => {
      for await (const _ of stream) {
        if (++n === 3) end = await gw.stop({ kind: 'model', value: 'endless-model' });
      }
    })().then(
      () => assert.fail('the stream ended as if complete'),
      (x: unknown) => x,
    );
    await end?.();
    assert.ok(e instanceof OpenAI.APIError, String(e));
    assert.equal(e.code, 'publishing_stopped');
    await aborted;
    const last = (await events(gw, 'gateway.generated')).at(-1)!;
    assert.equal(last.payload.ended, 'publishing_stopped');
  });

  it('refuses a body over the size limit with 413', async () => {
    const big = 'x'.repeat(1024 * 1024 + 10);
    const res = await fetch(`${gw.s.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${gw.users.verified.apiKey}` },
      body: JSON.stringify({ model: 'chat-model', messages: [{ role: 'user', content: big }] }),
    });
    assert.equal(res.status, 413);
    const body = (await res.json()) as { error: { code: string; type: string; message: string } };
    assert.equal(body.error.code, 'request_too_large');
  });

  it('answers an unknown model with 404 model_not_found', async () => {
    const e = await refusal(
      gw
        .client(gw.users.verified)
        .chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }),
    );
    assert.equal(e.status, 404);
    assert.equal(e.code, 'model_not_found');
  });
});

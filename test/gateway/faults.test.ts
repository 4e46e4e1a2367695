/**
 * Faults between the client, the gateway and the upstream: a failing upstream, a silent one (the time limit), one
 * that closes mid-stream, a client that goes away mid-stream (the upstream request must be aborted — seen on the
 * upstream's side), and a request body over the limit.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { events } from './audit-support.ts';
import { type GatewayEnv, startGateway } from './harness.ts';

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
    const stream = await gw.client(gw.users.verified).chat.completions.create({
      model: 'cut-model',
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
    assert.ok(text.length > 0, 'what was generated before the cut was delivered');
    const last = (await events(gw, 'gateway.generated')).at(-1)!;
    assert.equal(last.payload.ended, 'upstream_closed');
  });

  it('an upstream event that never ends is cut at 1 MiB: an error event, the upstream request aborted', {
    timeout: 20_000,
  }, async () => {
    const aborted = gw.upstream.nextAbort();
    const stream = await gw.client(gw.users.verified).chat.completions.create({
      model: 'runaway-model',
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
    for (let i = 0; i < 50; i++) {
      const last = (await events(gw, 'gateway.generated')).at(-1);
      if (last?.payload.ended === 'client_closed') return;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.fail('the generation ended by the client was not recorded');
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

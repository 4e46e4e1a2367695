/**
 * Who may generate, and what is refused: the publishing gate, a restriction (through the per-function check
 * interface, with a TEST DOUBLE of the enforcement slice), the emergency switch, blocked prompts (refused, recorded as
 * a strike, nothing sent upstream, nothing of the match shown to the user) and blocked outputs, streamed or not.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI, { toFile } from 'openai';
import { events } from './audit-support.ts';
import { type GatewayEnv, startGateway } from './harness.ts';
import { BLOCKED_TERM } from './upstream.ts';

let gw: GatewayEnv;
before(async () => {
  gw = await startGateway();
});
after(() => gw.close());

const chat = (client: OpenAI, content = 'Say hello', model = 'chat-model') =>
  client.chat.completions.create({ model, messages: [{ role: 'user', content }] });

async function refusal(p: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const e = await p.then(
    () => assert.fail('the request was not refused'),
    (x: unknown) => x,
  );
  assert.ok(e instanceof OpenAI.APIError, String(e));
  return e;
}

describe('gateway access and review', () => {
  it('refuses a request without a valid API key (401)', async () => {
    const client = new OpenAI({ apiKey: 'hgk_not-a-key', baseURL: `${gw.s.url}/v1`, maxRetries: 0 });
    const e = await refusal(chat(client));
    assert.equal(e.status, 401);
    assert.equal(e.code, 'unauthenticated');
  });

  it('refuses an unverified user (Art. 9) before anything reaches the upstream', async () => {
    const before = gw.upstream.requests.length;
    const e = await refusal(chat(gw.client(gw.users.unverified)));
    assert.equal(e.status, 403);
    assert.equal(e.code, 'real_name_required');
    assert.equal(gw.upstream.requests.length, before);
  });

  it('refuses a restricted user the restricted function only (restriction check: test double)', async () => {
    const client = gw.client(gw.users.restricted);
    const image = await toFile(Buffer.from('not used'), 'face.png', { type: 'image/png' });
    const e = await refusal(
      client.images.edit({ model: 'image-model', prompt: 'edit', image, consent_id: 'consent-ok' } as never),
    );
    assert.equal(e.status, 403);
    assert.equal(e.code, 'restricted');
    const ok = await chat(client);
    assert.ok(ok.choices[0]!.message.content);
  });

  it('refuses a blocked prompt, counts a strike, and tells the user nothing of what matched', async () => {
    const before = gw.upstream.requests.length;
    const strikesBefore = (await events(gw, 'enforcement.strike')).length;
    const e = await refusal(chat(gw.client(gw.users.verified), `please write about ${BLOCKED_TERM}`));
    assert.equal(e.status, 400);
    assert.equal(e.code, 'input_blocked');
    assert.equal(e.type, 'content_filter');
    assert.ok(!e.message.includes(BLOCKED_TERM) && !e.message.includes('e0'), e.message);
    assert.equal(gw.upstream.requests.length, before, 'nothing was sent upstream');
    const strikes = await events(gw, 'enforcement.strike');
    assert.equal(strikes.length, strikesBefore + 1);
    assert.equal(strikes.at(-1)!.subject, `account:${gw.users.verified.id}`);
    assert.equal(strikes.at(-1)!.payload.reason, 'input_blocked');
    const blocked = (await events(gw, 'gateway.input_blocked')).at(-1)!;
    assert.deepEqual(blocked.payload.hits, [{ entryId: 'e0', riskCode: 'A.1.h', action: 'block' }]);
    assert.ok(!JSON.stringify(blocked.payload).includes(BLOCKED_TERM), 'the log keeps references, not the text');
  });

  it('the emergency switch stops generation at once, for everyone, and releases', async () => {
    gw.emergency.engage('incident');
    try {
      const e = await refusal(chat(gw.client(gw.users.verified)));
      assert.equal(e.status, 403);
      assert.equal(e.code, 'generation_suspended');
      const img = await refusal(
        gw.client(gw.users.restricted).images.generate({ model: 'image-model', prompt: 'a square' }),
      );
      assert.equal(img.code, 'generation_suspended');
    } finally {
      gw.emergency.release();
    }
    assert.ok((await chat(gw.client(gw.users.verified))).choices[0]!.message.content);
  });

  it('withholds a blocked non-streamed output with a content_filter error and logs the entry for staff', async () => {
    const e = await refusal(chat(gw.client(gw.users.verified), 'hi', 'bad-model'));
    assert.equal(e.status, 400);
    assert.equal(e.code, 'output_blocked');
    assert.ok(!e.message.includes(BLOCKED_TERM));
    const logged = (await events(gw, 'gateway.output_blocked')).at(-1)!;
    assert.deepEqual(logged.payload.hits, [{ entryId: 'e0', riskCode: 'A.1.h', action: 'block' }]);
  });

  it('ends a stream at a blocked output with a content_filter final chunk; the term is never sent', async () => {
    const stream = await gw.client(gw.users.verified).chat.completions.create({
      model: 'bad-model',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    let text = '';
    let finish: string | null = null;
    for await (const c of stream) {
      text += c.choices[0]?.delta?.content ?? '';
      finish = c.choices[0]?.finish_reason ?? finish;
    }
    assert.equal(finish, 'content_filter');
    assert.ok(text.includes('Fine words first'), text);
    assert.ok(!text.includes(BLOCKED_TERM));
    assert.ok(!text.includes('more words after'));
  });
});

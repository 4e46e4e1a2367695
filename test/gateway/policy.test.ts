/**
 * Who may generate, and what is refused or recorded, with the duties the server runs (on SQLite and PostgreSQL):
 * the publishing gate, an enforcement restriction, emergency stops (everything, a model, a capability), blocked
 * prompts as strikes climbing the enforcement ladder, "review" decisions in the review queue, the generation log read
 * by rumour refutation, a library version published through governance taking effect, blocked outputs (streamed or
 * not), and the per-key rate limit.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import OpenAI, { toFile } from 'openai';
import { forEachDialect } from '../store/dialects.ts';
import { events } from './audit-support.ts';
import { type GatewayEnv, startGateway } from './harness.ts';
import { BLOCKED_TERM, REVIEW_TERM } from './upstream.ts';

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

forEachDialect('gateway access, review and duties', (ctx) => {
  let gw: GatewayEnv;
  before(async () => {
    gw = await startGateway({ db: ctx.db });
  });
  after(() => gw.close());

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

  it('refuses a user restricted from face editing that function only (enforcement action)', async () => {
    const client = gw.client(gw.users.restricted);
    const image = await toFile(Buffer.from('not used'), 'face.png', { type: 'image/png' });
    const e = await refusal(
      client.images.edit({ model: 'image-model', prompt: 'edit', image, consent_subject: 'person:x' } as never),
    );
    assert.equal(e.status, 403);
    assert.equal(e.code, 'function_restricted');
    const ok = await chat(client);
    assert.ok(ok.choices[0]!.message.content);
  });

  it('a blocked prompt is refused, tells the user nothing of the match, and is a strike that climbs the ladder', async () => {
    const dave = await gw.user('dave');
    const client = gw.client(dave);
    const before = gw.upstream.requests.length;
    const e = await refusal(chat(client, `please write about ${BLOCKED_TERM}`));
    assert.equal(e.status, 400);
    assert.equal(e.code, 'input_blocked');
    assert.equal(e.type, 'content_filter');
    assert.ok(!e.message.includes(BLOCKED_TERM) && !e.message.includes('e0'), e.message);
    assert.equal(gw.upstream.requests.length, before, 'nothing was sent upstream');
    const blocked = (await events(gw, 'gateway.input_blocked')).at(-1)!;
    assert.deepEqual(blocked.payload.hits, [{ entryId: 'e0', riskCode: 'A.1.h', action: 'block', count: 1 }]);
    assert.ok(!JSON.stringify(blocked.payload).includes(BLOCKED_TERM), 'the log keeps references, not the text');

    const standing = async () =>
      (await gw.s.call('GET', `/api/enforcement/accounts/${dave.id}`, { token: gw.admin })).body;
    // TC260 default policy: 1 point → warning; a clean request ends the run but keeps the points; 2 points →
    // restriction of the function used (publish), which the gate then enforces.
    let s = await standing();
    assert.equal(s.standing.points, 1, JSON.stringify(s));
    assert.equal(s.standing.streak, 1);
    assert.deepEqual(
      s.actions.map((a: { level: string }) => a.level),
      ['warning'],
    );
    assert.ok((await chat(client)).choices[0]);
    s = await standing();
    assert.equal(s.standing.streak, 0, 'the clean request ended the run');
    await refusal(chat(client, `again ${BLOCKED_TERM}`));
    s = await standing();
    assert.deepEqual(s.actions.map((a: { level: string }) => a.level).sort(), ['restriction', 'warning']);
    assert.deepEqual(s.standing.restrictedFunctions, ['publish']);
    const r = await refusal(chat(client));
    assert.equal(r.code, 'function_restricted');
    const strikes = (await events(gw, 'enforcement.request.blocked')).filter((x) => x.subject === `account:${dave.id}`);
    assert.equal(strikes.length, 2);
    assert.equal(strikes[0]!.actor, 'system:gateway');
  });

  it('emergency stops: everything at once, then one model, then one capability; each ends cleanly', async () => {
    const client = gw.client(gw.users.verified);
    let end = await gw.stop({ kind: 'all' });
    let e = await refusal(chat(client));
    assert.deepEqual([e.status, e.code], [403, 'publishing_stopped']);
    e = await refusal(client.images.generate({ model: 'image-model', prompt: 'a square' }));
    assert.equal(e.code, 'publishing_stopped');
    await end();
    assert.ok((await chat(client)).choices[0]!.message.content);

    end = await gw.stop({ kind: 'model', value: 'chat-model' });
    assert.equal((await refusal(chat(client))).code, 'publishing_stopped');
    assert.ok((await client.images.generate({ model: 'image-model', prompt: 'a square' })).data);
    await end();

    end = await gw.stop({ kind: 'capability', value: 'images.generations' });
    assert.equal(
      (await refusal(client.images.generate({ model: 'image-model', prompt: 'a square' }))).code,
      'publishing_stopped',
    );
    assert.ok((await chat(client)).choices[0]);
    await end();
  });

  it('a "review" decision is delivered and put on the review queue with the evidence', async () => {
    const { data, response } = await gw
      .client(gw.users.verified)
      .chat.completions.create({
        model: 'chat-model',
        messages: [{ role: 'user', content: `tell me of ${REVIEW_TERM}` }],
      })
      .withResponse();
    assert.ok(data.choices[0]!.message.content);
    const produceId = response.headers.get('x-hegui-produce-id')!;
    const items = await gw.s.call('GET', '/api/review-queue/items?queue=engine', { token: gw.admin });
    assert.equal(items.status, 200, JSON.stringify(items.body));
    const item = items.body.items.find((i: { subject: string }) => i.subject === `produce:${produceId}`);
    assert.ok(item, JSON.stringify(items.body).slice(0, 500));
    assert.equal(item.severity, 2);
    const generated = (await events(gw, 'gateway.generated')).find((x) => x.payload.produceId === produceId)!;
    assert.equal(generated.payload.decision, 'review');
  });

  it('a prompt repeating a "review" term 12,000 times is queued with 10,000 hits listed and the rest counted', async () => {
    const { response } = await gw
      .client(gw.users.verified)
      .chat.completions.create({
        model: 'chat-model',
        messages: [{ role: 'user', content: `${REVIEW_TERM}，`.repeat(12_000) }],
      })
      .withResponse();
    const produceId = response.headers.get('x-hegui-produce-id')!;
    const items = await gw.s.call('GET', '/api/review-queue/items?queue=engine&limit=100', { token: gw.admin });
    const listed = items.body.items.find((i: { subject: string }) => i.subject === `produce:${produceId}`);
    assert.ok(listed, JSON.stringify(items.body).slice(0, 500));
    const one = await gw.s.call('GET', `/api/review-queue/items/${listed.id}`, { token: gw.admin });
    const evidence = (one.body.item ?? one.body).evidence;
    assert.equal(evidence.hits.length, 10_000);
    assert.deepEqual(evidence.omitted, { hits: 2_000, suppressed: 0 });
    assert.equal(evidence.decision, 'review');
  });

  it('records every output in the generation log: a rumour case on it finds who received it', async () => {
    const alice = gw.users.verified;
    const { response } = await gw
      .client(alice)
      .chat.completions.create({ model: 'chat-model', messages: [{ role: 'user', content: 'news' }] })
      .withResponse();
    const produceId = response.headers.get('x-hegui-produce-id')!;
    const opened = await gw.s.call('POST', '/api/rumours', {
      token: gw.admin,
      body: {
        title: '关于某段生成文字的辟谣',
        summary: 'A generated text passed off as news',
        links: [{ kind: 'produce_id', value: produceId }],
      },
    });
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    const exp = await gw.s.call('GET', `/api/rumours/${opened.body.case.id}/export`, { token: gw.admin });
    assert.equal(exp.status, 200, JSON.stringify(exp.body));
    assert.deepEqual(
      exp.body.recipients.map((r: { accountId: string }) => r.accountId),
      [alice.id],
    );
  });

  it('a prompt holding a term thousands of times is recorded with one reference per entry and its count', async () => {
    const e = await refusal(chat(gw.client(await gw.user('erin')), `${BLOCKED_TERM}，`.repeat(5000)));
    assert.equal(e.code, 'input_blocked');
    const blocked = (await events(gw, 'gateway.input_blocked')).at(-1)!;
    assert.deepEqual(blocked.payload.hits, [{ entryId: 'e0', riskCode: 'A.1.h', action: 'block', count: 5000 }]);
  });

  it('withholds a blocked non-streamed output with a content_filter error and logs the entry for staff', async () => {
    const e = await refusal(chat(gw.client(gw.users.verified), 'hi', 'bad-model'));
    assert.equal(e.status, 400);
    assert.equal(e.code, 'output_blocked');
    assert.ok(!e.message.includes(BLOCKED_TERM));
    const logged = (await events(gw, 'gateway.output_blocked')).at(-1)!;
    assert.equal((logged.payload.hits as unknown[]).length, 1);
  });

  it('withholds a generated image that matches a picture of the library (PDQ near-duplicate)', async () => {
    const e = await refusal(
      gw.client(gw.users.verified).images.generate({ model: 'bad-image-model', prompt: 'anything' }),
    );
    assert.deepEqual([e.status, e.code], [400, 'output_blocked']);
    const logged = (await events(gw, 'gateway.output_blocked')).at(-1)!;
    assert.equal(logged.payload.endpoint, 'images.generations');
    assert.deepEqual(
      (logged.payload.hits as { riskCode: string; action: string }[]).map((h) => [h.riskCode, h.action]),
      [['A.1.f', 'block']],
    );
  });

  // Last: from here on the published version serves, without the file's terms.
  it('serves the library version published through governance (four eyes) instead of the file', async () => {
    const client = gw.client(gw.users.verified);
    const term = '新规定词丙';
    assert.ok((await chat(client, `a story of ${term}`)).choices[0], 'not in the file library');
    const officer = await gw.s.call('POST', '/api/staff', {
      token: gw.admin,
      body: { username: `officer-${ctx.dialect}`, role: 'compliance_officer', password: 'Correct-Horse-9-Battery' },
    });
    assert.equal(officer.status, 201, JSON.stringify(officer.body));
    const officerToken = await gw.s.login(`officer-${ctx.dialect}`, 'Correct-Horse-9-Battery');
    const p = await gw.s.call('POST', '/api/feature-library/proposals', {
      token: gw.admin,
      body: { upsert: [{ pattern: term, riskCode: 'A.1.h', action: 'block', severity: 1 }], note: 'new rule' },
    });
    assert.equal(p.status, 201, JSON.stringify(p.body));
    const ok = await gw.s.call('POST', `/api/feature-library/proposals/${p.body.id}/approve`, { token: officerToken });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal((await refusal(chat(client, `a story of ${term}`))).code, 'input_blocked');
    const blocked = (await events(gw, 'gateway.input_blocked')).at(-1)!;
    assert.deepEqual(blocked.payload.library, { version: ok.body.version, contentHash: ok.body.contentHash });
    // The file's term is not in the published version: the published version alone serves now.
    assert.ok((await chat(client, `about ${BLOCKED_TERM}`)).choices[0]);
  });
});

it('limits requests per API key: over the bucket, 429 rate_limited with Retry-After; other keys unaffected', async () => {
  const gw = await startGateway({ rateLimit: { perMinute: 6, burst: 2 } });
  try {
    const a = gw.client(gw.users.verified);
    await chat(a);
    await chat(a);
    const e = await refusal(chat(a));
    assert.equal(e.status, 429);
    assert.equal(e.code, 'rate_limited');
    assert.ok(Number(e.headers?.get('retry-after')) >= 1);
    assert.ok((await chat(gw.client(gw.users.restricted))).choices[0], 'another key has its own bucket');
  } finally {
    await gw.close();
  }
});

it('ends a stream at a blocked output with a content_filter final chunk; the term is never sent', async () => {
  const gw = await startGateway();
  try {
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
  } finally {
    await gw.close();
  }
});

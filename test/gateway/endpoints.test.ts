/**
 * Every gateway endpoint through the official `openai` client (unmodified), against a local OpenAI-compatible
 * upstream: text carries the explicit label exactly once, images and audio carry a signed metadata label that
 * `verify` accepts with the configured key's trust list, and every output is in the log with a verifying proof.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import OpenAI, { toFile } from 'openai';
import sharp from 'sharp';
import { verify } from '../../src/label/verify/verify.ts';
import { assertIncluded, events, generationOf } from './audit-support.ts';
import { type GatewayEnv, PRODUCER, startGateway } from './harness.ts';
import { SPLIT_TEXT, UPSTREAM_TEXT } from './upstream.ts';

const LABEL = '以下内容由人工智能生成';
const count = (s: string, sub: string) => s.split(sub).length - 1;
const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

let gw: GatewayEnv;
before(async () => {
  gw = await startGateway();
});
after(() => gw.close());

async function assertMediaLabel(bytes: Uint8Array, produceId: string) {
  const v = await verify(bytes, { trust: gw.trust });
  assert.equal(v.label?.ContentProducer, PRODUCER);
  assert.equal(v.label?.ProduceID, produceId);
  assert.equal(v.label?.Label, '1');
  const producer = v.signatures.find((x) => x.role === 'producer');
  assert.equal(producer?.status, 'valid', JSON.stringify(v.signatures));
  assert.equal(producer?.keySource, 'trust_list');
  assert.equal(v.passed, true, JSON.stringify(v.findings));
}

describe('gateway endpoints with the official openai client', () => {
  it('lists the configured models of every upstream', async () => {
    const list = await gw.client(gw.users.verified).models.list();
    const ids = list.data.map((m) => m.id).sort();
    assert.ok(ids.includes('chat-model') && ids.includes('image-model') && ids.includes('tts-model'));
  });

  it('chat completion: labelled once, the upstream model name mapped, logged with a verifying proof', async () => {
    const { data, response } = await gw
      .client(gw.users.verified)
      .chat.completions.create({ model: 'chat-model', messages: [{ role: 'user', content: 'Say hello' }] })
      .withResponse();
    const text = data.choices[0]!.message.content ?? '';
    assert.equal(count(text, LABEL), 1);
    assert.ok(text.includes(UPSTREAM_TEXT));
    assert.equal(data.model, 'chat-model');
    const produceId = response.headers.get('x-hegui-produce-id');
    assert.ok(produceId);
    const up = gw.upstream.requests.at(-1)!;
    assert.equal(up.model, 'echo-up');
    const e = await generationOf(gw, produceId);
    assert.equal(e.payload.accountId, gw.users.verified.id);
    assert.deepEqual(e.payload.contentSha256, [sha(text)]);
    assert.equal(e.payload.decision, 'pass');
    await assertIncluded(gw, e.idx);
  });

  it('streamed chat: the label exactly once, the whole text, one ProduceID per request', async () => {
    const client = gw.client(gw.users.verified);
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'chat-model', messages: [{ role: 'user', content: 'Say hello' }], stream: true })
      .withResponse();
    let text = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    assert.equal(count(text, LABEL), 1);
    assert.ok(text.includes(UPSTREAM_TEXT));
    assert.equal(finish, 'stop');
    const produceId = response.headers.get('x-hegui-produce-id')!;
    const e = await generationOf(gw, produceId);
    assert.deepEqual(e.payload.contentSha256, [sha(text)]);
    await assertIncluded(gw, e.idx);
    const again = await client.chat.completions
      .create({ model: 'chat-model', messages: [{ role: 'user', content: 'x' }] })
      .withResponse();
    assert.notEqual(again.response.headers.get('x-hegui-produce-id'), produceId);
  });

  it('streamed chat: characters the upstream cut between two reads arrive whole', async () => {
    const stream = await gw
      .client(gw.users.verified)
      .chat.completions.create({ model: 'split-model', messages: [{ role: 'user', content: 'x' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    assert.equal(count(text, LABEL), 1);
    assert.equal(text.replace(LABEL, '').trimStart(), SPLIT_TEXT);
  });

  it('legacy completions, streamed and not, carry the label once', async () => {
    const client = gw.client(gw.users.verified);
    const plain = await client.completions.create({ model: 'chat-model', prompt: 'Say hello' });
    assert.equal(count(plain.choices[0]!.text, LABEL), 1);
    const stream = await client.completions.create({ model: 'chat-model', prompt: 'Say hello', stream: true });
    let text = '';
    for await (const c of stream) text += c.choices[0]?.text ?? '';
    assert.equal(count(text, LABEL), 1);
    assert.ok(text.includes(UPSTREAM_TEXT));
  });

  it('image generation (b64_json): explicit mark drawn, signed metadata label verifies', async () => {
    const { data, response } = await gw
      .client(gw.users.verified)
      .images.generate({ model: 'image-model', prompt: 'a blue square', response_format: 'b64_json' })
      .withResponse();
    const bytes = Buffer.from(data.data![0]!.b64_json!, 'base64');
    const produceId = response.headers.get('x-hegui-produce-id')!;
    await assertMediaLabel(bytes, produceId);
    // The explicit mark changed the pixels of the plain blue upstream picture.
    const stats = await sharp(bytes).stats();
    assert.ok(stats.channels[0]!.max > 40, 'label pixels were drawn');
    const e = await generationOf(gw, produceId);
    assert.deepEqual(e.payload.contentSha256, [sha(bytes)]);
    assert.deepEqual(e.payload.labels, { explicit: true, metadata: true, signed: true });
    await assertIncluded(gw, e.idx);
  });

  it('image generation (url): a short-lived URL on the gateway serves the labelled image', async () => {
    const { data, response } = await gw
      .client(gw.users.verified)
      .images.generate({ model: 'image-model', prompt: 'a blue square', response_format: 'url', n: 2 })
      .withResponse();
    assert.equal(data.data!.length, 2);
    const url = data.data![0]!.url!;
    assert.ok(url.startsWith(gw.s.url), url);
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/png');
    await assertMediaLabel(new Uint8Array(await res.arrayBuffer()), response.headers.get('x-hegui-produce-id')!);
    assert.equal((await fetch(`${url}x`)).status, 404);
  });

  it('image edit (multipart) with recorded consent: labelled JPEG; without consent refused', async () => {
    const client = gw.client(gw.users.verified);
    const input = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#888' } })
      .png()
      .toBuffer();
    // consent_subject (and consent_use) are the gateway's extension fields; the client passes them through.
    const edit = async (extra: Record<string, string>) =>
      client.images
        .edit({
          model: 'image-model',
          prompt: 'make it red',
          image: await toFile(input, 'face.png', { type: 'image/png' }),
          ...extra,
        } as never)
        .withResponse();
    const refusedCode = async (extra: Record<string, string>) => {
      const e = await edit(extra).then(
        () => assert.fail('the edit was not refused'),
        (x: unknown) => x,
      );
      assert.ok(e instanceof OpenAI.APIError, String(e));
      assert.equal(e.status, 403);
      return { code: e.code, message: e.message };
    };
    assert.equal((await refusedCode({})).code, 'consent_required', 'no person named');
    const none = await refusedCode({ consent_subject: 'person:wang' });
    assert.match(none.message, /no consent/);

    const recorded = await gw.s.call('POST', '/api/consents', {
      token: gw.admin,
      body: {
        subjectRef: 'person:wang',
        grantee: gw.users.verified.id,
        modalities: ['face'],
        uses: ['image_edit'],
        evidenceSha256: 'a'.repeat(64),
        evidenceRef: 'vault://consent/wang',
      },
    });
    assert.equal(recorded.status, 201, JSON.stringify(recorded.body));
    assert.match((await refusedCode({ consent_subject: 'person:wang', consent_use: 'face_swap' })).message, /cover/);

    const { data, response } = await edit({ consent_subject: 'person:wang' });
    const bytes = Buffer.from(data.data![0]!.b64_json!, 'base64');
    assert.equal(bytes[0], 0xff, 'the upstream JPEG stays a JPEG');
    await assertMediaLabel(bytes, response.headers.get('x-hegui-produce-id')!);
    const sent = gw.upstream.requests.at(-1)!;
    assert.ok(sent.contentType.startsWith('multipart/form-data'));
    assert.ok(!sent.fields.some((f) => f.startsWith('consent_')), 'the consent fields stay with the gateway');
    const checks = await events(gw, 'consent.check.allowed');
    assert.equal(checks.at(-1)!.subject, `consent:${recorded.body.id}`);
  });

  it("speech in the voice of a real person needs that person's consent (voice editing)", async () => {
    const speak = () =>
      gw.client(gw.users.verified).audio.speech.create({
        model: 'tts-model',
        input: 'Hello there',
        voice: 'voice-of-li',
        response_format: 'wav',
      });
    const e = await speak().then(
      () => assert.fail('not refused'),
      (x: unknown) => x,
    );
    assert.ok(e instanceof OpenAI.APIError, String(e));
    assert.equal(e.code, 'consent_required');
    const recorded = await gw.s.call('POST', '/api/consents', {
      token: gw.admin,
      body: {
        subjectRef: 'person:li',
        grantee: '*',
        modalities: ['voice'],
        uses: ['speech'],
        evidenceSha256: 'b'.repeat(64),
        evidenceRef: 'vault://consent/li',
      },
    });
    assert.equal(recorded.status, 201, JSON.stringify(recorded.body));
    const audio = await speak();
    assert.equal(audio.status, 200);
  });

  for (const format of ['wav', 'mp3'] as const) {
    it(`speech (${format}): audio label before the content, signed metadata label verifies`, async () => {
      const { data, response } = await gw
        .client(gw.users.verified)
        .audio.speech.create({ model: 'tts-model', input: 'Hello there', voice: 'alloy', response_format: format })
        .withResponse();
      const bytes = new Uint8Array(await data.arrayBuffer());
      const produceId = response.headers.get('x-hegui-produce-id')!;
      await assertMediaLabel(bytes, produceId);
      const e = await generationOf(gw, produceId);
      assert.equal(e.payload.kind, 'audio');
      await assertIncluded(gw, e.idx);
    });
  }
});

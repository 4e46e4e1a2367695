/**
 * The propagation platform's flow (Labelling Measures Art. 6, labeling.md §6): the four cases and the refusal, the
 * notice to show, the producer's fields kept, exactly one label, the platform's signature in ReservedCode2.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  createLabel,
  DECLARATION_REMINDER,
  generateKeyPair,
  isHeguiError,
  labelBytes,
  labelBytesResult,
  loadPrivateKey,
  parseTrustList,
  propagate,
  readLabel,
  type TrustList,
  verify,
} from '../../src/index.ts';
import { aigcText, pngWith } from '../support/png-text.ts';

const PRODUCER = '001191440300708461136T1XGW3';
const PLATFORM = '001191440300708461136T2XGW3';
const producerKeys = generateKeyPair('sm2');
const platformKeys = generateKeyPair('sm2');
const producer = loadPrivateKey(producerKeys.privatePem);
const platform = loadPrivateKey(platformKeys.privatePem);
const base = { platform: PLATFORM, propagateId: 'upload-7' };

let trust: TrustList;
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-propagate-'));
  trust = await parseTrustList(
    {
      providers: {
        [PRODUCER]: { keys: [{ publicKey: producerKeys.publicPem }] },
        [PLATFORM]: { keys: [{ publicKey: platformKeys.publicPem }] },
      },
    },
    dir,
  );
});
after(() => rm(dir, { recursive: true, force: true }));

const signedUpload = async (label = createLabel({ producer: PRODUCER, produceId: 'gen-1' })) =>
  labelBytesResult(await pngWith(), label, { sign: { signer: producer } });

describe('propagate', () => {
  it('case 1, a valid label: 属于, the producer fields and signature kept, the platform fields and signature added', async () => {
    const { bytes, label } = await signedUpload();
    const r = await propagate(bytes, { ...base, signer: platform, trust });
    assert.equal(r.decision.case, 'labelled');
    assert.equal(r.decision.label, '1');
    assert.equal(r.decision.display, '属于AI生成合成内容');
    assert.equal(r.reminder, DECLARATION_REMINDER);
    const out = r.written!.bytes!;
    const reading = await readLabel(out);
    assert.equal(reading.sites.length, 1, 'exactly one label');
    const l = reading.label!;
    assert.deepEqual(
      [l.Label, l.ContentProducer, l.ProduceID, l.ReservedCode1],
      [label.Label, label.ContentProducer, label.ProduceID, label.ReservedCode1],
    );
    assert.deepEqual([l.ContentPropagator, l.PropagateID], [PLATFORM, 'upload-7']);
    const v = await verify(out, { trust });
    assert.equal(v.passed, true);
    assert.deepEqual(
      v.signatures.map((s) => [s.role, s.status, s.binding?.status]),
      [
        ['producer', 'valid', 'match'],
        ['propagator', 'valid', 'match'],
      ],
    );
  });

  it("case 1 keeps a producer's Label 2 (signed, not to be altered) and still shows 属于 (Art. 6(1))", async () => {
    const { bytes } = await signedUpload(createLabel({ producer: PRODUCER, produceId: 'gen-2', label: '2' }));
    const r = await propagate(bytes, { ...base, trust });
    assert.equal(r.decision.case, 'labelled');
    assert.equal(r.decision.label, '2');
    assert.equal(r.decision.display, '属于AI生成合成内容');
    assert.match(r.decision.reason, /Label is "2"/);
    assert.equal((await readLabel(r.written!.bytes!)).label?.ReservedCode2, '', 'not signed without a signer');
  });

  it('case 1 with an unsigned vendor label (no trust entry for the producer): allowed, the label kept', async () => {
    const vendor = createLabel({ producer: '001191110102MACQD9K64010000', produceId: 'cc75f5e9' });
    const bytes = await labelBytes(await pngWith(), { ...vendor, ContentPropagator: '', PropagateID: '' });
    const r = await propagate(bytes, { ...base, signer: platform, trust });
    assert.equal(r.decision.case, 'labelled');
    const v = await verify(r.written!.bytes!, { trust });
    assert.equal(v.passed, true);
    assert.equal(v.label?.ContentProducer, '001191110102MACQD9K64010000');
  });

  it('case 2, declared by the user: Label 2, 可能为; the platform stands as the producer and signs both fields', async () => {
    const r = await propagate(await pngWith(), { ...base, declaredAi: true, signer: platform, trust });
    assert.equal(r.decision.case, 'declared');
    assert.equal(r.decision.display, '可能为AI生成合成内容');
    const l = r.written!.label;
    assert.deepEqual(
      [l.Label, l.ContentProducer, l.ProduceID, l.ContentPropagator, l.PropagateID],
      ['2', PLATFORM, 'upload-7', PLATFORM, 'upload-7'],
    );
    const v = await verify(r.written!.bytes!, { trust });
    assert.equal(v.passed, true);
    assert.deepEqual(
      v.signatures.map((s) => s.status),
      ['valid', 'valid'],
    );
  });

  it('case 3, detected: Label 3, 疑似; a configured producer is written and not signed for', async () => {
    const r = await propagate(await pngWith(), {
      ...base,
      detected: { kind: 'watermark', detail: 'detector X, score 0.97' },
      producer: 'UNKNOWN',
      produceId: 'none',
      signer: platform,
    });
    assert.equal(r.decision.case, 'detected');
    assert.equal(r.decision.display, '疑似AI生成合成内容');
    assert.match(r.decision.reason, /watermark/);
    const l = r.written!.label;
    assert.deepEqual([l.Label, l.ContentProducer, l.ProduceID, l.ReservedCode1], ['3', 'UNKNOWN', 'none', '']);
    assert.ok(l.ReservedCode2.startsWith('{"SecurityData"'));
    assert.equal(r.written!.label.ReservedCode2.includes('detector X'), false, 'evidence is not written into the file');
  });

  it('a declaration outranks detection; a label outranks both', async () => {
    const both = await propagate(await pngWith(), { ...base, declaredAi: true, detected: { kind: 'traces' } });
    assert.equal(both.decision.case, 'declared');
    const { bytes } = await signedUpload();
    const labelled = await propagate(bytes, { ...base, declaredAi: true, detected: { kind: 'traces' }, trust });
    assert.equal(labelled.decision.case, 'labelled');
  });

  it('case none: nothing written, no notice, the reminder still given', async () => {
    const r = await propagate(await pngWith(), base);
    assert.equal(r.decision.case, 'none');
    assert.equal(r.decision.display, null);
    assert.match(r.decision.reason, /not AI-generated as far as known/);
    assert.equal(r.written, undefined);
    assert.equal(r.reminder, DECLARATION_REMINDER);
  });

  it('refused: an invalid label is reported and the file left untouched, even with a declaration', async () => {
    const two = await pngWith(
      aigcText(JSON.stringify(createLabel({ producer: PRODUCER, produceId: 'a' }))),
      aigcText(JSON.stringify(createLabel({ producer: PRODUCER, produceId: 'b' }))),
    );
    const path = join(dir, 'two-labels.png');
    await writeFile(path, two);
    const r = await propagate(path, { ...base, declaredAi: true });
    assert.equal(r.decision.case, 'refused');
    assert.match(r.decision.reason, /multiple_labels/);
    assert.equal(r.written, undefined);
    assert.ok((await readFile(path)).equals(two), 'the file was changed');

    const { bytes, label } = await signedUpload();
    const forged = await labelBytes(bytes, { ...label, ProduceID: 'gen-999' });
    const f = await propagate(forged, { ...base, trust });
    assert.equal(f.decision.case, 'refused');
    assert.match(f.decision.reason, /signature_invalid/);
  });

  it('writes a path in place or to --out; refuses unusable IDs', async () => {
    const { bytes } = await signedUpload();
    const path = join(dir, 'upload.png');
    await writeFile(path, bytes);
    const out = join(dir, 'published.png');
    const r = await propagate(path, { ...base, trust, out });
    assert.equal(r.written?.path, out);
    assert.ok((await readFile(path)).equals(Buffer.from(bytes)), 'the input changed');
    assert.equal((await readLabel(out)).label?.ContentPropagator, PLATFORM);
    await propagate(path, { ...base, trust });
    assert.equal((await readLabel(path)).label?.PropagateID, 'upload-7');
    await assert.rejects(
      propagate(path, { ...base, propagateId: 'has space' }),
      (e: unknown) => isHeguiError(e) && e.code === 'usage',
    );
    const named = await propagate(await pngWith(), { ...base, platform: 'SomePlatform', declaredAi: true });
    assert.match(named.warnings.join(), /not a valid TC260-PG-20252A provider code/);
  });
});

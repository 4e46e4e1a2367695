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
    assert.equal(r.decision.producerLabel, '1');
    assert.equal(r.decision.display, '属于AI生成合成内容');
    assert.equal(r.notWritten, undefined);
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

  it("case 1 with a producer's Label 2: decided Label 1, 属于 (§6 step 1); the file keeps the signed 2 (step 5)", async () => {
    const { bytes } = await signedUpload(createLabel({ producer: PRODUCER, produceId: 'gen-2', label: '2' }));
    const r = await propagate(bytes, { ...base, trust });
    assert.equal(r.decision.case, 'labelled');
    assert.equal(r.decision.label, '1', 'the decision states what the notice shows');
    assert.equal(r.decision.display, '属于AI生成合成内容');
    assert.equal(r.decision.producerLabel, '2');
    assert.match(r.decision.reason, /producer's own Label "2" stays in the file unchanged/);
    const written = (await readLabel(r.written!.bytes!)).label!;
    assert.equal(written.Label, '2', 'the producer field is not altered');
    assert.equal(written.ReservedCode2, '', 'not signed without a signer');
    const v = await verify(r.written!.bytes!, { trust });
    assert.deepEqual(
      [v.signatures[0]!.role, v.signatures[0]!.status, v.signatures[0]!.binding?.status],
      ['producer', 'valid', 'match'],
      'the producer signature still holds',
    );
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
    assert.equal(r.notWritten?.code, 'nothing_to_write');
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
    assert.equal(r.notWritten?.code, 'refused');
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

describe('propagate: text (labeling.md §6 step 3, an explicit label is evidence)', () => {
  const PROMPT = '本内容由人工智能生成。\n\n今天天气很好。\n';
  const PLAIN = '今天天气很好。\n';
  const txt = async (name: string, text: string) => {
    const p = join(dir, name);
    await writeFile(p, text);
    return p;
  };

  it('plain text with an explicit label: 疑似, Label 3, the evidence named; nothing written (no container)', async () => {
    const p = await txt('answer.txt', PROMPT);
    const r = await propagate(p, { ...base, out: join(dir, 'answer-out.txt') });
    assert.equal(r.decision.case, 'detected');
    assert.equal(r.decision.label, '3');
    assert.equal(r.decision.display, '疑似AI生成合成内容');
    assert.equal(r.decision.evidence?.kind, 'explicit_label');
    assert.match(r.decision.reason, /explicit label in the text \(prompt "人工智能生成" at the prefix/);
    assert.equal(r.written, undefined);
    assert.equal(r.notWritten?.code, 'no_container');
    assert.match(r.notWritten!.reason, /plain text has no metadata container/);
    assert.equal(await readFile(p, 'utf8'), PROMPT, 'the text is untouched');
    await assert.rejects(readFile(join(dir, 'answer-out.txt')), 'nothing is written to --out');
  });

  it('plain text: a declaration gives 可能为, the platform detection 疑似, nothing at all none; never written', async () => {
    const p = await txt('plain.txt', PLAIN);
    const declared = await propagate(p, { ...base, declaredAi: true });
    assert.deepEqual(
      [declared.decision.case, declared.decision.label, declared.decision.display, declared.notWritten?.code],
      ['declared', '2', '可能为AI生成合成内容', 'no_container'],
    );
    const detected = await propagate(p, { ...base, detected: { kind: 'watermark' } });
    assert.deepEqual(
      [detected.decision.case, detected.decision.evidence?.kind, detected.notWritten?.code],
      ['detected', 'watermark', 'no_container'],
    );
    const none = await propagate(await readFile(p), base);
    assert.deepEqual([none.decision.case, none.notWritten?.code], ['none', 'nothing_to_write']);
    // A declaration outranks the explicit label found in the text, as it outranks detection.
    const both = await propagate(await txt('both.txt', PROMPT), { ...base, declaredAi: true });
    assert.equal(both.decision.case, 'declared');
    assert.equal(await readFile(p, 'utf8'), PLAIN);
  });

  it('Markdown named .md without front matter: the explicit label is evidence, the label goes into a new block', async () => {
    const p = await txt('answer.md', PROMPT);
    const r = await propagate(p, { ...base, signer: platform });
    assert.equal(r.decision.case, 'detected');
    assert.equal(r.decision.evidence?.kind, 'explicit_label');
    assert.equal(r.written?.label.Label, '3');
    const text = await readFile(p, 'utf8');
    assert.ok(text.startsWith('---\nAIGC:\n') && text.endsWith(`---\n${PROMPT}`), text);
    const v = await verify(p, { trust });
    assert.equal(v.passed, true);
    assert.equal(v.format?.codec, 'markdown');
    // The same as bytes, named.
    const bytes = await propagate(Buffer.from(PROMPT), { ...base, name: 'answer.md' });
    assert.equal((await readLabel(bytes.written!.bytes!)).label?.Label, '3');
    const unnamed = await propagate(Buffer.from(PROMPT), base);
    assert.equal(unnamed.notWritten?.code, 'no_container');
  });

  it('Markdown and HTML with a container but no label: an explicit label in the body is case 3 evidence', async () => {
    const md = await txt('fm.md', `---\ntitle: x\n---\n${PROMPT}`);
    const html = await txt(
      'page.html',
      `<!doctype html><html><head><title>t</title></head><body><p>${PROMPT}</p></body></html>`,
    );
    for (const p of [md, html]) {
      const r = await propagate(p, base);
      assert.equal(r.decision.case, 'detected', p);
      assert.equal(r.written?.label.Label, '3');
      assert.equal((await readLabel(p)).label?.Label, '3');
    }
    // Only the document's text counts: a prompt in the head's title is not a label shown with the content.
    const head = await txt(
      'head.html',
      '<!doctype html><html><head><title>AI生成</title></head><body><p>x</p></body></html>',
    );
    assert.equal((await propagate(head, base)).decision.case, 'none');
  });
});

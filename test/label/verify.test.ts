/**
 * The verifier: every finding code triggered by a file made for it (PNG, and the document codecs: PDF, DOCX, HTML,
 * Markdown), the verdict model, and tampering — a changed pixel, sample or byte of text, an edited label, a label
 * stripped by another tool, expired and unknown keys. One real producer's signed label (StepFun, ReservedCode1 over the
 * SM3 digest of the App. A.1 message) is checked as found.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import sharp from 'sharp';
import {
  type AigcRecord,
  createLabel,
  generateKeyPair,
  labelBytes,
  labelBytesResult,
  loadPrivateKey,
  parseTrustList,
  serializeBare,
  type TrustList,
  type VerifyResult,
  verify,
} from '../../src/index.ts';
import { checkSignature } from '../../src/label/security/check.ts';
import { customProp, customXml, ooxmlParts, zipParts } from '../conformance/fixtures/ooxml-build.ts';
import { handPdf } from '../conformance/fixtures/pdf-build.ts';
import { toolOk } from '../conformance/fixtures/tools.ts';
import { exiftool, ffmpeg } from '../support/media.ts';
import { aigcText, pngWith } from '../support/png-text.ts';

const P = '001191440300708461136T1XGW3';
const keys = generateKeyPair('sm2');
const signer = loadPrivateKey(keys.privatePem);
const label = createLabel({ producer: P, produceId: 'order-42' });
const full = (over: Partial<AigcRecord> = {}) => serializeBare({ ...label, ...over });

const trustFor = (entry: Record<string, unknown>): Promise<TrustList> =>
  parseTrustList({ providers: { [P]: { keys: [{ publicKey: keys.publicPem, ...entry }] } } }, '.');

const codes = (r: VerifyResult, severity?: string) =>
  r.findings.filter((f) => !severity || f.severity === severity).map((f) => f.code);

function has(r: VerifyResult, code: string, severity: string): void {
  const f = r.findings.find((x) => x.code === code);
  assert.ok(f, `no ${code} among ${codes(r).join(', ')}`);
  assert.equal(f.severity, severity, `${code} has severity ${f.severity}`);
}

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-verify-'));
});
after(async () => {
  await exiftool.end();
  await rm(dir, { recursive: true, force: true });
});

const png = () => pngWith();
const pngLabel = async (text: string) => pngWith(aigcText(text));
const signedPng = async () => (await labelBytesResult(await png(), label, { sign: { signer } })).bytes;

describe('verify: where the label is and how many', () => {
  it('format_unknown: bytes no codec recognises → inconclusive', async () => {
    const r = await verify(Buffer.from([0x00, 0x01, 0x02, 0xfe, 0xff, 0x00, 0x13, 0x37]));
    has(r, 'format_unknown', 'error');
    assert.equal(r.outcome, 'inconclusive');
    assert.equal(r.format, null);
  });

  it('structure_error: a TIFF whose first directory lies past the end', async () => {
    const r = await verify(Buffer.from('49492a00ffffff0000000000', 'hex'));
    has(r, 'structure_error', 'error');
    assert.equal(r.outcome, 'inconclusive');
  });

  it('structure_damaged and structure_warning: a cut PNG, bytes after IEND', async () => {
    const p = await png();
    const cut = await verify(p.subarray(0, p.length - 6));
    has(cut, 'structure_damaged', 'error');
    assert.equal(cut.outcome, 'inconclusive');
    const trailing = await verify(Buffer.concat([await signedPng(), Buffer.from('appended')]));
    has(trailing, 'structure_warning', 'warning');
  });

  it('no_label: the unlabelled original (a stripped label) → not_found', async () => {
    const r = await verify(await png());
    has(r, 'no_label', 'error');
    assert.equal(r.outcome, 'not_found');
    assert.equal(r.passed, false);
    assert.equal(r.verdict.label, null);
  });

  it('multiple_labels and labels_disagree (GB 45438 6.1 c)', async () => {
    const same = await verify(await pngWith(aigcText(full()), aigcText(full())));
    has(same, 'multiple_labels', 'error');
    assert.ok(!codes(same).includes('labels_disagree'));
    const differ = await verify(await pngWith(aigcText(full()), aigcText(full({ Label: '2' }))));
    has(differ, 'labels_disagree', 'error');
    assert.equal(differ.outcome, 'noncompliant');
    assert.equal(differ.sites.length, 2);
  });

  it('label_shell_empty: an AIGC text chunk with nothing in it → inconclusive', async () => {
    const r = await verify(await pngLabel(''));
    has(r, 'label_shell_empty', 'error');
    assert.equal(r.outcome, 'inconclusive');
  });
});

describe('verify: explicit labels in text', () => {
  const prompt = '本内容由人工智能生成。\n\n正文。\n';
  it('plain text: the explicit label is the label (compliant); none → not_found', async () => {
    const r = await verify(Buffer.from(prompt));
    assert.equal(r.format?.codec, 'text');
    assert.equal(r.outcome, 'compliant');
    assert.deepEqual(
      r.explicit.map((e) => [e.kind, e.position, e.text]),
      [['prompt', 'prefix', '人工智能生成']],
    );
    const none = await verify(Buffer.from('正文。\n'));
    assert.equal(none.outcome, 'not_found');
    has(none, 'no_label', 'error');
  });

  it('Markdown and HTML: an explicit label is recorded as evidence; the metadata label is still required', async () => {
    const md = await verify(Buffer.from(`---\ntitle: x\n---\n${prompt}`));
    const html = await verify(Buffer.from(`<!doctype html><html><head></head><body><p>${prompt}</p></body></html>`));
    for (const r of [md, html]) {
      assert.equal(r.outcome, 'not_found', r.format?.codec);
      has(r, 'no_label', 'error');
      assert.equal(r.explicit.length, 1);
    }
  });
});

describe('verify: the label values', () => {
  const cases: [string, string, string][] = [
    ['malformed_json', '{"Label":"1",', 'error'],
    ['not_object', '["Label","1"]', 'error'],
    ['missing_field', '{"Label":"1","ContentProducer":"x"}', 'error'],
    ['extra_field', full().replace('}', ',"Extra":"x"}'), 'error'],
    ['non_string_value', full().replace('"Label":"1"', '"Label":1'), 'error'],
    ['label_value_invalid', full({ Label: '4' }), 'error'],
    ['charset_violation', full({ ProduceID: 'order 42' }), 'error'],
    ['oversize', full({ ReservedCode1: 'x'.repeat(70_000) }), 'error'],
    ['provider_code_invalid', full({ ContentProducer: '001191440300708461136X1XGW3' }), 'error'],
    ['producer_not_code', full({ ContentProducer: 'CorpusStudio' }), 'warning'],
    ['propagator_not_code', full({ ContentPropagator: 'SomePlatform', PropagateID: 'p-1' }), 'warning'],
  ];
  for (const [code, text, severity] of cases) {
    it(`${code} (${severity})`, async () => {
      const r = await verify(await pngLabel(text));
      has(r, code, severity);
      assert.equal(r.outcome, severity === 'error' ? 'noncompliant' : 'compliant');
    });
  }

  it('missing_field: an empty ContentProducer or ProduceID is an error too', async () => {
    const r = await verify(await pngLabel(full({ ContentProducer: '', ProduceID: '' })));
    assert.deepEqual(
      r.findings.filter((f) => f.code === 'missing_field').map((f) => f.field),
      ['ContentProducer', 'ProduceID'],
    );
  });

  it('a valid label with a provider code: compliant, Label 1, the evidence recorded', async () => {
    const r = await verify(await pngLabel(full()));
    assert.equal(r.outcome, 'compliant');
    assert.deepEqual(r.verdict, { label: '1', meaning: '属于AI生成合成内容' });
    assert.equal(r.sites[0]!.placement, 'png.text-aigc');
    assert.equal(r.sites[0]!.fields['ProduceID'], 'order-42');
    has(r, 'signature_missing', 'info');
  });
});

describe('verify: signatures and the content binding', () => {
  it('valid: the trusted key, the binding matches', async () => {
    const r = await verify(await signedPng(), { trust: await trustFor({}) });
    assert.deepEqual(codes(r, 'error'), []);
    assert.deepEqual(codes(r, 'warning'), []);
    const s = r.signatures[0]!;
    assert.equal(s.status, 'valid');
    assert.equal(s.keySource, 'trust_list');
    assert.equal(s.binding?.status, 'match');
  });

  it('without a trust list the signature verifies with the key the label carries: info, passes', async () => {
    const r = await verify(await signedPng());
    has(r, 'signature_unknown_key', 'info');
    assert.equal(r.passed, true);
  });

  it('signature_missing is an error when the trust list names the producer', async () => {
    const r = await verify(await pngLabel(full()), { trust: await trustFor({}) });
    has(r, 'signature_missing', 'error');
    assert.equal(r.passed, false);
  });

  it('signature_invalid: the label JSON edited after signing (ProduceID changed, signature kept)', async () => {
    const { bytes, label: signed } = await labelBytesResult(await png(), label, { sign: { signer } });
    const edited = await labelBytes(bytes, { ...signed, ProduceID: 'order-43' });
    const r = await verify(edited, { trust: await trustFor({}) });
    has(r, 'signature_invalid', 'error');
    const flipped = await labelBytes(bytes, { ...signed, Label: '3' });
    has(await verify(flipped), 'signature_invalid', 'error');
  });

  it('signature_invalid: the content binding hash edited in the label', async () => {
    const { bytes, label: signed } = await labelBytesResult(await png(), label, { sign: { signer } });
    const rc1 = signed.ReservedCode1.replace(/"Hash":"(.)/, (_m, c: string) => `"Hash":"${c === 'A' ? 'B' : 'A'}`);
    const r = await verify(await labelBytes(bytes, { ...signed, ReservedCode1: rc1 }));
    has(r, 'signature_invalid', 'error');
  });

  it('signature_unknown_key: the trust list names the producer with another key', async () => {
    const other = generateKeyPair('sm2');
    const trust = await parseTrustList({ providers: { [P]: { keys: [{ publicKey: other.publicPem }] } } }, '.');
    const r = await verify(await signedPng(), { trust });
    has(r, 'signature_unknown_key', 'error');
    assert.equal(r.signatures[0]!.status, 'unknown_key');
  });

  it('signature_unknown_key is a warning when the trust list does not name the producer', async () => {
    const trust = await parseTrustList(
      { providers: { '001191440300708461136T1XGW9': { keys: [{ publicKey: keys.publicPem }] } } },
      '.',
    );
    has(await verify(await signedPng(), { trust }), 'signature_unknown_key', 'warning');
  });

  it('signature_key_expired and signature_key_not_yet_valid', async () => {
    const expired = await verify(await signedPng(), { trust: await trustFor({ validUntil: '2024-01-01' }) });
    has(expired, 'signature_key_expired', 'error');
    assert.equal(expired.signatures[0]!.status, 'key_expired');
    const early = await verify(await signedPng(), { trust: await trustFor({ validFrom: '2999-01-01' }) });
    has(early, 'signature_key_not_yet_valid', 'error');
    const inside = await verify(await signedPng(), {
      trust: await trustFor({ validFrom: '2020-01-01', validUntil: '2030-01-01' }),
      now: new Date('2026-06-01'),
    });
    assert.equal(inside.signatures[0]!.status, 'valid');
  });

  it('content_changed: one pixel changed, the signed label copied onto the new picture', async () => {
    const { bytes, label: signed } = await labelBytesResult(await png(), label, { sign: { signer } });
    const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
    data[0]! ^= 0x01;
    const changed = await sharp(data, { raw: info }).png().toBuffer();
    const r = await verify(await labelBytes(changed, signed), { trust: await trustFor({}) });
    has(r, 'content_changed', 'error');
    assert.equal(r.signatures[0]!.status, 'valid', 'the label itself is intact');
    assert.equal(r.signatures[0]!.binding?.status, 'mismatch');
  });

  it('content_changed: one audio sample changed in a WAV', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'hegui-wav-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const path = join(dir, 'tone.wav');
    await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=0.2:sample_rate=8000', '-c:a', 'pcm_s16le', path]);
    const { bytes } = await labelBytesResult(await readFile(path), label, { sign: { signer } });
    const changed = Buffer.from(bytes);
    changed[changed.indexOf('data') + 8 + 400]! ^= 0x01;
    const r = await verify(changed, { trust: await trustFor({}) });
    has(r, 'content_changed', 'error');
    assert.equal(r.signatures[0]!.status, 'valid');
  });

  it('signature_unsupported: an RSA signature; security_data_unrecognised: a vendor string', async () => {
    const rsa = JSON.stringify({
      SecurityData: {
        Type: 'TC260PG',
        Version: 1,
        PubSD: [{ Type: 'DS', AlgID: '1.2.840.113549.1.1.11', TBSData: { Type: 'Md' }, Signature: 'AB' }],
      },
    });
    has(await verify(await pngLabel(full({ ReservedCode1: rsa }))), 'signature_unsupported', 'warning');
    const vendor = await verify(await pngLabel(full({ ReservedCode1: 'L-3f9a2c' })));
    has(vendor, 'security_data_unrecognised', 'info');
    assert.equal(vendor.passed, true);
  });

  it('binding_absent and binding_unsupported: a label signature without (or with a foreign) content binding', async () => {
    const { label: signed } = await labelBytesResult(await png(), label, { sign: { signer } });
    const sd = JSON.parse(signed.ReservedCode1) as { SecurityData: { PubSD: Record<string, unknown>[] } };
    const [ds, bnd, , pub] = sd.SecurityData.PubSD;
    const labelOnly = JSON.stringify({ SecurityData: { ...sd.SecurityData, PubSD: [ds, pub] } });
    has(await verify(await pngLabel(full({ ReservedCode1: labelOnly }))), 'binding_absent', 'info');
    const foreign = JSON.stringify({
      SecurityData: { ...sd.SecurityData, PubSD: [ds, { ...bnd, CntSel: 'whole-file' }, pub] },
    });
    has(await verify(await pngLabel(full({ ReservedCode1: foreign }))), 'binding_unsupported', 'info');
  });

  it('binding_unverifiable: a format without a canonical form (checked on the record)', async () => {
    const { label: signed } = await labelBytesResult(await png(), label, { sign: { signer } });
    const { findings, report } = await checkSignature(signed, 'producer', {
      now: new Date(),
      digest: async () => null,
    });
    assert.deepEqual(
      findings.map((f) => [f.code, f.severity]),
      [
        ['signature_unknown_key', 'info'],
        ['binding_unverifiable', 'warning'],
      ],
    );
    assert.equal(report.binding?.status, 'unverifiable');
  });
});

describe('verify: hostile security data', () => {
  it('any JSON or text in the reserved fields ends in findings, never an exception', async () => {
    const hex = fc.uint8Array({ maxLength: 80 }).map((b) => Buffer.from(b).toString('hex').toUpperCase());
    const entry = fc.record(
      {
        Type: fc.constantFrom('DS', 'PubKey', 'Bnd', 'X'),
        AlgID: fc.constantFrom('1.2.156.10197.1.501', '1.3.101.112', '1.2.156.10197.1.401', 'x'),
        TBSData: fc.oneof(fc.record({ Type: fc.constantFrom('Md', 'Bnd', 'LabelMataData') }), fc.string()),
        Signature: fc.oneof(hex, fc.string()),
        KeyValue: fc.oneof(hex, fc.constant(Buffer.from(signer.publicKey.spki).toString('hex'))),
        CntSel: fc.constantFrom('hegui-canonical-1', 'other'),
        Hash: hex,
      },
      { requiredKeys: ['Type'] },
    );
    const value = fc.oneof(
      fc.string(),
      fc.json(),
      fc.array(entry, { maxLength: 8 }).map((PubSD) => JSON.stringify({ SecurityData: { Type: 'TC260PG', PubSD } })),
    );
    const trust = await trustFor({});
    await fc.assert(
      fc.asyncProperty(value, value, async (rc1, rc2) => {
        const text = JSON.stringify({ ...label, ReservedCode1: rc1, ReservedCode2: rc2, ContentPropagator: 'Other' });
        const r = await verify(await pngLabel(text), { trust });
        assert.ok(['compliant', 'noncompliant', 'inconclusive'].includes(r.outcome));
        assert.equal(r.signatures.length, 2);
      }),
      { numRuns: 60 },
    );
  });
});

describe("verify: a real producer's signature (StepFun Markdown export, SM3withSM2)", () => {
  // Label of a Markdown report exported by StepFun's assistant (阶跃AI), as published on GitHub: the producer signs
  // the SM3 digest of the App. A.1 message.
  const stepfun: AigcRecord = {
    Label: '1',
    ContentProducer: '001191310104MACE0YX63918020',
    ProduceID: '142569260085903360',
    ReservedCode1:
      '{"SecurityData":{"Type":"TC260PG","Version":1,"PubSD":[{"Type":"DS","AlgID":"1.2.156.10197.1.501","TBSData":{"Type":"LabelMataData"},"Signature":"3046022100AE6B84B3342128AE301A597596FCD9EECF3EA0FC2DB6C250BAF234E167298E9002210097223ABB647B786A90D0A1B93CB9382EA879563B2C7F025FA006BE16AE926C14"},{"Type":"PubKey","AlgID":"1.2.156.10197.1.501","KeyValue":"3059301306072A8648CE3D020106082A811CCF5501822D034200045728F08C58D9C72150A705693EF7337859F8FF216E802630041AFAE5C036F0A67CB1FDF8C57F5F8B623284AE09E4E545464B7140B26BBDA51BAE965F854C57AA"}]}}',
    ContentPropagator: '001191310104MACE0YX63918020',
    PropagateID: '142569260085903360',
    ReservedCode2: '',
  };
  const ctx = { now: new Date(), digest: async () => null };

  it('verifies with the key it carries (over the SM3 digest), and fails when ProduceID changes', async () => {
    const ok = await checkSignature(stepfun, 'producer', ctx);
    assert.equal(ok.report.status, 'unknown_key');
    assert.equal(ok.report.message, 'sm3_digest');
    assert.equal(ok.report.binding?.status, 'absent');
    const bad = await checkSignature({ ...stepfun, ProduceID: '142569260085903361' }, 'producer', ctx);
    assert.equal(bad.report.status, 'invalid');
  });
});

/** A signed document (or any file) and the trust list for its producer. */
async function signedFile(bytes: Uint8Array, name?: string): Promise<Buffer> {
  return Buffer.from((await labelBytesResult(bytes, label, { sign: { signer }, ...(name ? { name } : {}) })).bytes);
}

/** Replace `from` by `to` (same length) in the bytes, once, where `from` occurs after `after`. */
function replaceOnce(b: Buffer, from: string, to: string, after = 0): Buffer {
  assert.equal(Buffer.byteLength(from), Buffer.byteLength(to));
  const at = b.indexOf(from, after);
  assert.ok(at >= 0, `${from} not found`);
  return Buffer.concat([b.subarray(0, at), Buffer.from(to), b.subarray(at + Buffer.byteLength(from))]);
}

const MARKDOWN = '---\ntitle: "Report"\n---\n# 报告\n\nThe quarterly numbers rose.\n';
const HTML =
  '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Report</title></head><body><p>The quarterly numbers rose.</p></body></html>\n';

describe('tampering with a signed document: one byte of text changed → content_changed', () => {
  const cases: [string, () => Promise<Buffer>, string, string][] = [
    ['Markdown', async () => Buffer.from(MARKDOWN), 'numbers rose', 'numbers rosf'],
    ['HTML', async () => Buffer.from(HTML), 'numbers rose', 'numbers rosf'],
    // The page's text is in an uncompressed content stream: one letter changed, every offset the same.
    ['PDF', async () => handPdf(), '(Hegui page 1)', '(Hegui page 7)'],
  ];
  for (const [name, make, from, to] of cases) {
    it(name, async () => {
      const signed = await signedFile(await make());
      const trust = await trustFor({});
      assert.equal((await verify(signed, { trust })).outcome, 'compliant');
      const changed = replaceOnce(signed, from, to);
      const r = await verify(changed, { trust });
      assert.equal(r.outcome, 'noncompliant');
      assert.deepEqual(codes(r, 'error'), ['content_changed']);
      assert.equal(r.signatures[0]!.status, 'valid', 'the label itself is intact');
      assert.equal(r.signatures[0]!.binding?.status, 'mismatch');
    });
  }
});

describe('verifier findings through the document codecs', () => {
  const json = (over: Partial<AigcRecord> = {}) => full(over);

  it('PDF: malformed JSON in the Info dictionary → malformed_json', async () => {
    const r = await verify(handPdf({ info: '<< /Title (Report) /AIGC ({"Label":"1",) >>' }));
    assert.equal(r.format?.codec, 'pdf');
    has(r, 'malformed_json', 'error');
    assert.equal(r.sites[0]!.placement, 'pdf.info');
    assert.equal(r.outcome, 'noncompliant');
  });

  it('DOCX: two AIGC custom properties that disagree → multiple_labels, labels_disagree', async () => {
    const props = customProp(2, 'AIGC', json()) + customProp(3, 'AIGC', json({ ProduceID: 'order-43' }));
    const path = await zipParts(join(dir, 'two.docx'), ooxmlParts('docx', customXml(props)));
    const r = await verify(path);
    assert.equal(r.format?.codec, 'ooxml');
    has(r, 'multiple_labels', 'error');
    has(r, 'labels_disagree', 'error');
    assert.equal(r.sites.length, 2);
  });

  it('HTML: a meta with two of the seven fields → missing_field for each of the other five', async () => {
    const content = JSON.stringify({ Label: '1', ContentProducer: P }).replace(/"/g, '&quot;');
    const r = await verify(Buffer.from(HTML.replace('</title>', `</title><meta name="AIGC" content="${content}">`)));
    assert.equal(r.format?.codec, 'html');
    assert.deepEqual(
      r.findings.filter((f) => f.code === 'missing_field').map((f) => f.field),
      ['ProduceID', 'ReservedCode1', 'ContentPropagator', 'PropagateID', 'ReservedCode2'],
    );
    assert.equal(r.outcome, 'noncompliant');
  });

  it('Markdown: Label "4" and a space in ProduceID → label_value_invalid, charset_violation', async () => {
    const entry = `AIGC: ${json({ Label: '4', ProduceID: 'order 42' })}`;
    const r = await verify(Buffer.from(MARKDOWN.replace('---\n#', `${entry}\n---\n#`)));
    assert.equal(r.format?.codec, 'markdown');
    has(r, 'label_value_invalid', 'error');
    has(r, 'charset_violation', 'error');
  });
});

describe('tampering: the label stripped by another tool → no label', () => {
  /** Verify `signed` passes, strip it with `strip`, verify again: no label, and no signature left to check. */
  async function stripped(signed: Uint8Array, strip: (path: string) => Promise<void>, name: string) {
    const trust = await trustFor({});
    assert.equal((await verify(signed, { trust })).outcome, 'compliant', 'the signed file passes first');
    const path = join(dir, name);
    await writeFile(path, signed);
    await strip(path);
    const r = await verify(path, { trust });
    assert.equal(r.outcome, 'not_found');
    assert.deepEqual(codes(r, 'error'), ['no_label']);
    assert.deepEqual(r.sites, []);
    assert.deepEqual(r.signatures, []);
    return r;
  }

  it('PNG: exiftool deletes the metadata (the XMP chunk holding the label)', async () => {
    const r = await stripped(await signedPng(), async (p) => void (await exiftool.deleteAllTags(p)), 'stripped.png');
    assert.equal(r.format?.codec, 'png');
  });

  it('Markdown: the AIGC entry cut out of the front matter with a text edit', async () => {
    const strip = async (p: string) => {
      const text = await readFile(p, 'utf8');
      const cut = text.replace(/^AIGC:[^\n]*\n(?:[ \t]+[^\n]*\n)*/m, '');
      assert.notEqual(cut, text);
      await writeFile(p, cut);
    };
    const r = await stripped(await signedFile(Buffer.from(MARKDOWN)), strip, 'stripped.md');
    assert.equal(r.format?.codec, 'markdown');
    assert.equal(await readFile(join(dir, 'stripped.md'), 'utf8'), MARKDOWN);
  });

  it('PDF: the incremental update holding the label cut off at the previous %%EOF', async () => {
    const strip = async (p: string) => {
      const b = await readFile(p);
      const previous = b.lastIndexOf('%%EOF', b.lastIndexOf('%%EOF') - 1);
      assert.ok(previous > 0);
      await writeFile(p, b.subarray(0, b.indexOf('\n', previous) + 1));
    };
    const r = await stripped(await signedFile(handPdf()), strip, 'stripped.pdf');
    assert.equal(r.format?.codec, 'pdf');
    await toolOk('qpdf', ['--check', join(dir, 'stripped.pdf')]);
  });

  it('WAV: the AIGC chunk removed by a RIFF walk in Python, the RIFF size fixed', async () => {
    const src = join(dir, 'tone-src.wav');
    await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=0.2:sample_rate=8000', '-c:a', 'pcm_s16le', src]);
    const riffStrip = `
import struct, sys
b = open(sys.argv[1], 'rb').read()
out, p = [b[:12]], 12
while p + 8 <= len(b):
    cid, size = b[p:p+4], struct.unpack('<I', b[p+4:p+8])[0]
    end = p + 8 + size + (size & 1)
    if cid != b'AIGC': out.append(b[p:end])
    p = end
body = b''.join(out)
open(sys.argv[1], 'wb').write(body[:4] + struct.pack('<I', len(body) - 8) + body[8:])
`;
    const strip = async (p: string) => void (await toolOk('python3', ['-c', riffStrip, p]));
    const r = await stripped(await signedFile(await readFile(src)), strip, 'stripped.wav');
    assert.equal(r.format?.codec, 'wav');
    assert.ok((await readFile(join(dir, 'stripped.wav'))).equals(await readFile(src)), 'exactly the label removed');
  });
});

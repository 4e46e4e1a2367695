/**
 * applyPolicy on real files: for every service type, the defaults on an image, a video, an audio file and text files
 * — the explicit label measured back (pixels, tones, the text finder), the metadata label read back — then the
 * signature a policy names (verified against a trust list made from the key), and the Labelling Measures Art. 9 path.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  applyPolicy,
  defaultPolicy,
  generateKeyPair,
  isHeguiError,
  measureAudioLabel,
  measureExplicitLabel,
  measureTextLabel,
  parsePolicy,
  parseTrustList,
  readLabel,
  SERVICE_TYPES,
  verify,
} from '../../src/index.ts';
import { sha256File } from '../support/media.ts';
import { FIXTURES, makeFixtures, PRODUCER, TEXT } from './support.ts';

let dir: string;
const inp = (f: string) => join(dir, 'in', f);
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-apply-'));
  await makeFixtures(join(dir, 'in'));
});
after(() => rm(dir, { recursive: true, force: true }));

const opts = (out: string, produceId = 'id-1') => ({ producer: PRODUCER, produceId, out });

describe('applyPolicy: the defaults of every service type', () => {
  for (const t of SERVICE_TYPES) {
    it(`${t}: ${t === 'other' ? 'metadata label only' : 'explicit and metadata label'} on image, video, audio and text`, async () => {
      const policy = defaultPolicy();
      const out = join(dir, 'out', t);
      const explicit = t !== 'other';
      for (const medium of ['image', 'video', 'audio'] as const) {
        const file = FIXTURES[medium];
        const r = await applyPolicy(inp(file), policy, t, opts(join(out, file), `${t}-${medium}`));
        assert.equal(r.medium, medium);
        assert.equal(r.serviceType, t);
        assert.equal(r.explicit.applied, explicit);
        assert.equal(r.sha256, await sha256File(join(out, file)));
        const label = (await readLabel(join(out, file))).label;
        assert.equal(label?.ContentProducer, PRODUCER, `${medium}: metadata label read back`);
        assert.equal(label?.ProduceID, `${t}-${medium}`);
        assert.deepEqual(r.watermark.applied, false);
        if (medium === 'audio') {
          const m = await measureAudioLabel(join(out, file));
          assert.equal(m.pass, explicit, `${t} audio: rhythm measured`);
          if (explicit) assert.equal(m.position, 'before');
        } else {
          const m = await measureExplicitLabel(join(out, file));
          assert.equal(m.pass, explicit, `${t} ${medium}: ${JSON.stringify(m.criteria)}`);
          if (explicit) assert.equal(m.label?.position, 'bottom-right');
        }
      }
      // Markdown with front matter and HTML: explicit text label and metadata label.
      for (const f of [FIXTURES.markdown, FIXTURES.html]) {
        const r = await applyPolicy(inp(f), policy, t, opts(join(out, f)));
        assert.equal(r.medium, 'text');
        assert.equal(r.metadata.written, true);
        assert.equal((await readLabel(join(out, f))).label?.ProduceID, 'id-1');
        const m = await measureTextLabel(join(out, f));
        assert.equal(m.pass, explicit, `${t} ${f}`);
        if (explicit) assert.equal(m.labels[0]?.position, 'prefix');
      }
      // Plain text has no metadata container: the explicit label only, and nothing to do without it.
      const txt = join(out, FIXTURES.text);
      if (explicit) {
        const r = await applyPolicy(inp(FIXTURES.text), policy, t, opts(txt));
        assert.deepEqual(r.metadata, { written: false, reason: 'the format has no metadata container (plain text)' });
        assert.equal(await readFile(txt, 'utf8'), `以下内容由人工智能生成\n\n${TEXT}`);
        assert.equal((await measureTextLabel(txt)).labels[0]?.position, 'prefix');
      } else {
        await assert.rejects(
          applyPolicy(inp(FIXTURES.text), policy, t, opts(txt)),
          (e: unknown) =>
            isHeguiError(e) && e.code === 'format_unsupported' && /nothing to label it with/.test(e.message),
        );
      }
    });
  }

  it('other: the explicit label when the user asks for it (Provisions Art. 17 ¶2)', async () => {
    const out = join(dir, 'out/other-asked.png');
    const r = await applyPolicy(inp(FIXTURES.image), defaultPolicy(), 'other', { ...opts(out), explicit: true });
    assert.equal(r.explicit.applied, true);
    assert.equal((await measureExplicitLabel(out)).pass, true);
  });

  it('a policy chooses the look per medium; the metadata label stays; nothing is left behind', async () => {
    const policy = parsePolicy(
      {
        version: 1,
        services: {
          'face-generation': {
            explicit: {
              image: { text: '人脸由AI合成', position: 'top-left' },
              audio: { position: 'after', rhythm: { unitMs: 100 } },
              text: { mode: 'suffix', text: '（本回答由AI生成）' },
            },
          },
        },
      },
      dir,
    );
    const out = join(dir, 'look');
    const img = await applyPolicy(inp(FIXTURES.image), policy, 'face-generation', opts(join(out, 'a.png')));
    assert.ok(img.explicit.applied && img.explicit.medium === 'image' && img.explicit.text === '人脸由AI合成');
    assert.equal((await measureExplicitLabel(join(out, 'a.png'))).label?.position, 'top-left');
    await applyPolicy(inp(FIXTURES.audio), policy, 'face-generation', opts(join(out, 'a.wav')));
    const m = await measureAudioLabel(join(out, 'a.wav'));
    assert.equal(m.position, 'after');
    assert.ok(Math.abs(m.rhythms[0]!.unitMs - 100) < 5);
    await applyPolicy(inp(FIXTURES.text), policy, 'face-generation', opts(join(out, 'a.txt')));
    assert.equal(await readFile(join(out, 'a.txt'), 'utf8'), `${TEXT}\n（本回答由AI生成）\n`);
    assert.deepEqual((await readdir(out)).sort(), ['a.png', 'a.txt', 'a.wav'], 'no temporary files left');
  });

  it('a document has no explicit renderer: refused when the policy asks for one, metadata only when not', async () => {
    const pdf = join(dir, 'in/doc.pdf');
    const body =
      '%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n';
    const xref = body.length;
    await writeFile(
      pdf,
      `${body}xref\n0 3\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \ntrailer <</Size 3 /Root 1 0 R>>\nstartxref\n${xref}\n%%EOF\n`,
    );
    await assert.rejects(
      applyPolicy(pdf, defaultPolicy(), 'face-generation', opts(join(dir, 'doc/a.pdf'))),
      (e: unknown) =>
        isHeguiError(e) && e.code === 'format_unsupported' && /explicit labels are not added to PDF/.test(e.message),
    );
    const r = await applyPolicy(pdf, defaultPolicy(), 'other', opts(join(dir, 'doc/b.pdf')));
    assert.equal(r.medium, 'document');
    assert.equal((await readLabel(join(dir, 'doc/b.pdf'))).label?.ProduceID, 'id-1');
  });

  it('in place: the file is replaced atomically; a failure leaves it untouched', async () => {
    const copy = join(dir, 'inplace.png');
    await writeFile(copy, await readFile(inp(FIXTURES.image)));
    const r = await applyPolicy(copy, defaultPolicy(), 'face-generation', {
      producer: PRODUCER,
      produceId: 'ip',
      inPlace: true,
    });
    assert.equal(r.output, copy);
    assert.equal((await measureExplicitLabel(copy)).pass, true);
    const broken = join(dir, 'broken.png');
    await writeFile(broken, (await readFile(inp(FIXTURES.image))).subarray(0, 100));
    const hash = await sha256File(broken);
    await assert.rejects(
      applyPolicy(broken, defaultPolicy(), 'face-generation', { ...opts(''), out: undefined, inPlace: true }),
    );
    assert.equal(await sha256File(broken), hash);
    await assert.rejects(
      applyPolicy(copy, defaultPolicy(), 'other', { producer: PRODUCER, produceId: 'x' }),
      (e: unknown) => isHeguiError(e) && e.code === 'usage',
    );
    await assert.rejects(
      applyPolicy(copy, defaultPolicy(), 'chat' as never, opts(join(dir, 'x.png'))),
      (e: unknown) => isHeguiError(e) && e.code === 'usage' && /service type must be one of/.test(e.message),
    );
  });
});

describe('applyPolicy: signature', () => {
  it('signs with the key the policy names; the files verify against a trust list made from it', async () => {
    const keys = join(dir, 'keys');
    await mkdir(keys, { recursive: true });
    const pair = generateKeyPair('sm2');
    await writeFile(join(keys, 'private.pem'), pair.privatePem, { mode: 0o600 });
    await writeFile(join(keys, 'public.pem'), pair.publicPem);
    const policy = parsePolicy(
      { version: 1, defaults: { signature: { key: 'keys/private.pem', algorithm: 'sm2' } } },
      dir,
    );
    const trust = await parseTrustList(
      { version: 1, providers: { [PRODUCER]: { name: 'Test', keys: [{ alg: 'sm2', publicKey: 'keys/public.pem' }] } } },
      dir,
    );
    for (const f of [FIXTURES.image, FIXTURES.video, FIXTURES.audio, FIXTURES.markdown]) {
      const out = join(dir, 'signed', f);
      const r = await applyPolicy(inp(f), policy, 'synthetic-voice', opts(out));
      assert.ok(r.signature.signed && r.signature.algorithm === 'sm2');
      const v = await verify(out, { trust });
      assert.equal(v.outcome, 'compliant', `${f}: ${JSON.stringify(v.findings)}`);
      assert.equal(v.signatures[0]?.status, 'valid');
      assert.equal(v.signatures[0]?.keySource, 'trust_list');
      assert.equal(v.signatures[0]?.binding?.status, 'match');
    }
    const wrongAlg = parsePolicy(
      { version: 1, defaults: { signature: { key: 'keys/private.pem', algorithm: 'ed25519' } } },
      dir,
    );
    await assert.rejects(
      applyPolicy(inp(FIXTURES.image), wrongAlg, 'other', opts(join(dir, 'signed/x.png'))),
      (e: unknown) => isHeguiError(e) && e.code === 'policy_invalid' && /is an sm2 key/.test(e.message),
    );
  });
});

describe('applyPolicy: content without its explicit label on the user request (Labelling Measures Art. 9)', () => {
  const allowing = () =>
    parsePolicy(
      {
        version: 1,
        services: { 'face-generation': { withoutExplicitOnRequest: { allowed: true, agreement: 'UA v3 §7' } } },
      },
      dir,
    );

  it('writes the metadata label, no explicit label, and appends a record before the file appears', async () => {
    const log = join(dir, 'art9/records.jsonl');
    const out = join(dir, 'art9/photo.png');
    const key = { id: 'k1', key: new Uint8Array(32).fill(1) };
    let seen = '';
    const r = await applyPolicy(inp(FIXTURES.image), allowing(), 'face-generation', {
      ...opts(out, 'art9-1'),
      withoutExplicit: { recipient: 'user-42', recordLog: log, recipientKey: key },
      beforeCommit: async () => {
        seen = await readFile(log, 'utf8');
      },
    });
    assert.deepEqual(r.explicit, { applied: false, reason: 'user-request' });
    assert.equal((await measureExplicitLabel(out)).pass, false);
    assert.equal((await readLabel(out)).label?.ProduceID, 'art9-1');
    const lines = (await readFile(log, 'utf8')).trimEnd().split('\n');
    assert.equal(lines.length, 1);
    assert.equal(seen, `${lines[0]}\n`, 'the record was on disk before the output was committed');
    const rec = JSON.parse(lines[0]!);
    assert.deepEqual(Object.keys(rec), [
      'type',
      'version',
      'id',
      'time',
      'recipient',
      'file',
      'producer',
      'produceId',
      'serviceType',
      'reason',
      'basis',
      'agreement',
      'metadataLabel',
      'policy',
    ]);
    assert.equal(rec.type, 'hegui.unlabelled-delivery');
    assert.match(rec.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(rec.recipient.form, 'hmac-sha256');
    assert.equal(rec.recipient.keyId, 'k1');
    assert.ok(!lines[0]!.includes('user-42'), 'the identifier is not in the record');
    assert.deepEqual(rec.file, { sha256: await sha256File(out), size: r.size });
    assert.equal(rec.produceId, 'art9-1');
    assert.equal(rec.serviceType, 'face-generation');
    assert.equal(rec.reason, 'user_request');
    assert.equal(rec.agreement, 'UA v3 §7');
    assert.equal(rec.metadataLabel, true);
    assert.equal(rec.policy, r.policy);
    assert.ok(Math.abs(Date.parse(rec.time) - Date.now()) < 60_000);
    assert.deepEqual(r.record, rec);
  });

  it('plain text goes out unlabelled (no container), still recorded', async () => {
    const log = join(dir, 'art9/text.jsonl');
    const out = join(dir, 'art9/a.txt');
    const r = await applyPolicy(inp(FIXTURES.text), allowing(), 'face-generation', {
      ...opts(out),
      withoutExplicit: { recipient: 'user-7', recordLog: log },
    });
    assert.equal(await readFile(out, 'utf8'), TEXT);
    const rec = JSON.parse(await readFile(log, 'utf8'));
    assert.deepEqual(rec.recipient, { form: 'plain', value: 'user-7' });
    assert.equal(rec.metadataLabel, false);
    assert.equal(r.metadata.written, false);
  });

  it('refuses without a recipient, or when the policy does not permit it, writing nothing', async () => {
    const log = join(dir, 'art9/refused.jsonl');
    const out = join(dir, 'art9/refused.png');
    await assert.rejects(
      applyPolicy(inp(FIXTURES.image), allowing(), 'face-generation', {
        ...opts(out),
        withoutExplicit: { recipient: ' ', recordLog: log },
      }),
      (e: unknown) => isHeguiError(e) && e.code === 'usage' && /needs the recipient/.test(e.message),
    );
    for (const t of ['synthetic-voice', 'other'] as const) {
      await assert.rejects(
        applyPolicy(inp(FIXTURES.image), allowing(), t, {
          ...opts(out),
          withoutExplicit: { recipient: 'u', recordLog: log },
        }),
        (e: unknown) => isHeguiError(e) && e.code === 'not_permitted' && /does not permit/.test(e.message),
      );
    }
    await assert.rejects(
      applyPolicy(inp(FIXTURES.image), allowing(), 'face-generation', {
        ...opts(out),
        explicit: true,
        withoutExplicit: { recipient: 'u', recordLog: log },
      }),
      (e: unknown) => isHeguiError(e) && e.code === 'usage',
    );
    const names = await readdir(join(dir, 'art9'));
    assert.ok(!names.includes('refused.png') && !names.includes('refused.jsonl'), names.join(', '));
  });
});

describe('applyPolicy: Markdown without front matter', () => {
  it('named .md: the explicit label in the text, the metadata label in a new front matter block', async () => {
    const body = '# Notes\n\nA paragraph of generated text.\n';
    await writeFile(inp('bare.md'), body);
    const out = join(dir, 'out/bare.md');
    const r = await applyPolicy(inp('bare.md'), defaultPolicy(), 'text-dialogue-writing', opts(out, 'md-1'));
    assert.equal(r.medium, 'text');
    assert.equal(r.metadata.written, true);
    const text = await readFile(out, 'utf8');
    assert.match(text, /^---\nAIGC:\n/);
    assert.equal((await readLabel(out)).label?.ProduceID, 'md-1');
    const m = await measureTextLabel(out);
    assert.equal(m.labels[0]?.position, 'prefix', 'the explicit label opens the body, after the front matter');
    assert.ok(text.endsWith(body.slice(body.indexOf('\n'))), 'the rest of the body is kept');
  });
});

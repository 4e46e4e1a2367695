/**
 * The content binding (docs/signature-scheme.md) over every codec's conformance fixtures: the canonical form is the
 * same before labelling, after labelling and after relabelling by a platform, so a signature made while labelling
 * stays valid through propagation; one changed media byte breaks it, and is reported as exactly that.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  contentDigest,
  createLabel,
  generateKeyPair,
  loadPrivateKey,
  parseTrustList,
  propagate,
  readLabel,
  recordsEqual,
  type TrustList,
  verify,
  writeLabel,
} from '../../src/index.ts';
import { BufferSource } from '../../src/label/io/source.ts';
import type { CodecFixture } from '../conformance/fixture.ts';
import { allFixtures } from '../conformance/fixtures/index.ts';
import { exiftool, packetHashes, pixelHash } from '../support/media.ts';

const PRODUCER = '001191440300708461136T1XGW3';
const PLATFORM = '001191440300708461136T2XGW3';
const producerKeys = generateKeyPair('sm2');
const platformKeys = generateKeyPair('ed25519');
const producer = loadPrivateKey(producerKeys.privatePem);
const platform = loadPrivateKey(platformKeys.privatePem);

let root: string;
let trust: TrustList;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'hegui-binding-'));
  trust = await parseTrustList(
    {
      providers: {
        [PRODUCER]: { keys: [{ publicKey: producerKeys.publicPem }] },
        [PLATFORM]: { keys: [{ publicKey: platformKeys.publicPem }] },
      },
    },
    root,
  );
});
after(async () => {
  await exiftool.end();
  await rm(root, { recursive: true, force: true });
});

/** Does the decoded media of `b` differ from `a`'s, by the fixture's own payload check? A decoder error counts. */
async function mediaDiffers(f: CodecFixture, a: string, b: string): Promise<boolean> {
  try {
    if (f.payload === 'pixels') return (await pixelHash(a)) !== (await pixelHash(b));
    if (f.payload === 'packets') return JSON.stringify(await packetHashes(a)) !== JSON.stringify(await packetHashes(b));
    await f.payload(a, b);
    return false;
  } catch {
    return true;
  }
}

/** Can the codec still put `bytes` into its canonical form (is the container intact around the change)? */
async function containerIntact(bytes: Uint8Array): Promise<boolean> {
  try {
    await contentDigest(new BufferSource(bytes), 'sm3');
    return true;
  } catch {
    return false;
  }
}

/**
 * Write `good` with one byte of its content changed to a new file in `dir`: a byte where the label reads back the
 * same, the container is still intact (a flip that breaks a block introducer, a ZIP header or an EBML ID is damage,
 * which the conformance suite's hostile cases cover, not a change of content), and the decoded media differs by the
 * fixture's own check. A container that checksums its payload (Ogg) has the checksum recomputed, as someone altering
 * the content would. Offsets are tried from the middle outwards. Each attempt gets its own file name (sharp caches
 * decodes by name).
 */
async function mediaByte(
  f: CodecFixture,
  goodPath: string,
  good: Uint8Array,
  dir: string,
): Promise<{ at: number; path: string }> {
  const label = (await readLabel(good)).label;
  const n = 256;
  const offsets = Array.from({ length: n - 1 }, (_, k) => Math.floor((good.length * (k + 1)) / n)).sort(
    (a, b) => Math.abs(a - good.length / 2) - Math.abs(b - good.length / 2),
  );
  for (const at of offsets) {
    const copy = Buffer.from(good);
    copy[at]! ^= 0x01;
    if (f.repair && !f.repair(copy, at)) continue;
    const again = await readLabel(copy).catch(() => null);
    if (!again?.label || !label || !recordsEqual(again.label, label)) continue;
    if (!(await containerIntact(copy))) continue;
    const bad = join(dir, `flipped-${at}.bin`);
    await writeFile(bad, copy);
    if (await mediaDiffers(f, goodPath, bad)) return { at, path: bad };
  }
  throw new Error('no offset found where one changed byte changes the media in an intact container, not the label');
}

// The name counts for a `.md` file without front matter, whose canonical form is that of the Markdown it becomes.
const digestOf = async (path: string) =>
  Buffer.from(await contentDigest(new BufferSource(await readFile(path)), 'sm3', path)).toString('hex');
const codes = (r: { findings: { code: string; severity: string }[] }) =>
  r.findings.filter((f) => f.severity === 'error').map((f) => f.code);

for (const f of allFixtures) {
  describe(`content binding: ${f.name}`, { skip: f.skip ?? false, timeout: 300_000 }, () => {
    let dir: string;
    let original: string;
    const signed = () => join(dir, 'signed.bin');
    const propagated = () => join(dir, 'propagated.bin');

    before(async () => {
      dir = await mkdtemp(join(root, `${f.name}-`));
      original = await f.make(dir);
    });

    it('label and sign → the signature and the content binding verify', async () => {
      const label = createLabel({ producer: PRODUCER, produceId: `${f.name}-1` });
      await writeLabel(original, label, { out: signed(), sign: { signer: producer } });
      const r = await verify(signed(), { trust });
      assert.deepEqual(codes(r), []);
      assert.equal(r.outcome, 'compliant');
      const p = r.signatures.find((s) => s.role === 'producer')!;
      assert.equal(p.status, 'valid');
      assert.equal(p.binding?.status, 'match');
      assert.equal(await digestOf(signed()), await digestOf(original), 'canonical form changed by labelling');
    });

    it('relabel with the propagator fields → both signatures still valid, the binding unchanged', async () => {
      const res = await propagate(signed(), {
        platform: PLATFORM,
        propagateId: `${f.name}-p`,
        signer: platform,
        trust,
        out: propagated(),
      });
      assert.equal(res.decision.case, 'labelled');
      const r = await verify(propagated(), { trust });
      assert.deepEqual(codes(r), []);
      assert.deepEqual(
        r.signatures.map((s) => [s.role, s.status, s.binding?.status]),
        [
          ['producer', 'valid', 'match'],
          ['propagator', 'valid', 'match'],
        ],
      );
      assert.equal(r.sites.length, 1);
      assert.equal(r.label?.ProduceID, `${f.name}-1`);
      assert.equal(await digestOf(propagated()), await digestOf(original), 'canonical form changed by relabelling');
    });

    let flipped = -1;
    it('one changed media byte → content_changed, and nothing else', async () => {
      const good = await readFile(propagated());
      const { at, path: bad } = await mediaByte(f, propagated(), good, dir);
      flipped = at;
      const r = await verify(bad, { trust });
      assert.equal(r.outcome, 'noncompliant', `byte ${at}`);
      assert.deepEqual([...new Set(codes(r))], ['content_changed'], `byte ${at}`);
      assert.deepEqual(
        r.signatures.map((s) => [s.role, s.status, s.binding?.status]),
        [
          ['producer', 'valid', 'mismatch'],
          ['propagator', 'valid', 'mismatch'],
        ],
        'the label and its signatures are intact; only the content binding fails',
      );
    });

    // Ogg pages carry a CRC: the same change without the CRC recomputed is damage, found before any binding.
    it('the same byte changed without its checksum recomputed → structure_damaged (CRC), inconclusive', {
      skip: f.repair ? false : 'the container has no checksum over its payload',
    }, async () => {
      assert.ok(flipped >= 0, 'the previous case found no byte');
      const copy = Buffer.from(await readFile(propagated()));
      copy[flipped]! ^= 0x01;
      const r = await verify(copy, { trust });
      assert.equal(r.outcome, 'inconclusive');
      assert.deepEqual([...new Set(codes(r))], ['structure_damaged']);
      assert.ok(
        r.findings.some((x) => /CRC/.test(x.message)),
        r.findings.map((x) => x.message).join('; '),
      );
    });
  });
}

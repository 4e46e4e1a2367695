/**
 * One conformance suite over every codec (GB 45438 App. E placements, TC260 guides): round trip, replace-not-append,
 * payload unchanged, other metadata kept, an independent reader sees the label, hostile input never crashes or
 * corrupts, and failed writes leave the input untouched.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type AigcRecord,
  allCodecs,
  createLabel,
  detectFormat,
  isHeguiError,
  labelBytes,
  parseLabelText,
  readLabel,
  writeLabel,
} from '../../src/index.ts';
import { exiftool, exiftoolAigc, ffprobeAigc, packetHashes, pixelHash, sha256File } from '../support/media.ts';
import type { CodecFixture } from './fixture.ts';
import { allFixtures } from './fixtures/index.ts';

const PRODUCER = '001191440300708461136T1XGW3';
const first: AigcRecord = createLabel({ producer: PRODUCER, produceId: 'first-0001' });
const second: AigcRecord = {
  ...createLabel({ producer: PRODUCER, produceId: 'second-0002', label: '2' }),
  ReservedCode1: 'x"y',
};

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'hegui-conf-'));
});
after(async () => {
  await exiftool.end();
  await rm(root, { recursive: true, force: true });
});

async function independentRead(f: CodecFixture, path: string): Promise<string | undefined> {
  if (f.reader === 'exiftool') return exiftoolAigc(path);
  if (f.reader === 'ffprobe') return ffprobeAigc(path);
  return f.reader(path);
}

async function assertPayload(f: CodecFixture, a: string, b: string): Promise<void> {
  if (f.payload === 'pixels') assert.equal(await pixelHash(b), await pixelHash(a), 'decoded pixels changed');
  else if (f.payload === 'packets')
    assert.deepEqual(await packetHashes(b), await packetHashes(a), 'stream packets changed');
  else await f.payload(a, b);
}

/**
 * Truncation points: every byte of the first 64, 48 spread over the file, and the fixture's own boundaries (±1). Each
 * cut is both read and written (the write at every cut, not every third, adds about a quarter to this case's time).
 */
async function cutPoints(f: CodecFixture, path: string, size: number): Promise<number[]> {
  const pts = new Set<number>();
  for (let i = 0; i < Math.min(64, size); i++) pts.add(i);
  for (let k = 1; k < 48; k++) pts.add(Math.floor((size * k) / 48));
  for (const b of (await f.boundaries?.(path)) ?? [])
    for (const d of [-1, 0, 1]) if (b + d > 0 && b + d < size) pts.add(b + d);
  return [...pts].sort((x, y) => x - y);
}

/** A hostile input must end in a HeguiError or a result, never another exception. */
async function expectCleanOutcome(what: string, fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    assert.ok(isHeguiError(e), `${what}: threw ${(e as Error)?.stack ?? e} instead of a HeguiError`);
  }
}

describe('codec conformance: coverage', () => {
  it('every registered codec has at least one fixture (plain text, which has no container, aside)', () => {
    const covered = new Set(allFixtures.map((f) => f.codec));
    const missing = allCodecs()
      .map((c) => c.id)
      .filter((id) => id !== 'text' && !covered.has(id));
    assert.deepEqual(missing, [], `codecs without a conformance fixture: ${missing.join(', ')}`);
    for (const id of covered)
      assert.ok(
        allCodecs().some((c) => c.id === id),
        `a fixture names unknown codec ${id}`,
      );
    const names = allFixtures.map((f) => f.name);
    assert.equal(new Set(names).size, names.length, 'two fixtures share a name');
  });
});

for (const f of allFixtures) {
  describe(`codec conformance: ${f.name}`, { skip: f.skip ?? false, timeout: 300_000 }, () => {
    let dir: string;
    let original: string;
    let labelled: string;

    before(async () => {
      dir = await mkdtemp(join(root, `${f.name}-`));
      original = await f.make(dir);
      labelled = join(dir, 'labelled.bin');
    });

    it('sniffs by magic bytes and starts without a label', async () => {
      const r = await readLabel(original);
      assert.equal(r.format.codec, f.startsAs ?? f.codec);
      assert.equal((await detectFormat(original, original))?.codec, f.codec, 'with its name');
      assert.equal(r.sites.length, 0);
      assert.deepEqual(
        r.findings.map((x) => x.code),
        ['no_label'],
      );
    });

    it('round trip: the label written reads back, exactly one, in the normative placement', async () => {
      const before = await sha256File(original);
      const res = await writeLabel(original, first, { out: labelled });
      assert.equal(res.replaced, 0);
      assert.equal(await sha256File(original), before, 'input changed when writing to --out');
      const r = await readLabel(labelled);
      assert.equal(r.sites.length, 1);
      assert.equal(r.sites[0]!.normative, true);
      assert.deepEqual(r.label, first);
      assert.deepEqual(r.findings, []);
    });

    it('write twice (in place) → exactly one label, the second', async () => {
      const res = await writeLabel(labelled, second);
      assert.equal(res.replaced, 1);
      const r = await readLabel(labelled);
      assert.equal(r.sites.length, 1);
      assert.deepEqual(r.label, second);
      assert.equal((await readdir(dir)).filter((n) => n.endsWith('.tmp')).length, 0, 'temporary file left behind');
    });

    it("labelBytes gives the same bytes as writeLabel, and leaves the caller's Buffer as it was", async () => {
      const input = await readFile(original);
      const copy = Buffer.from(input);
      const viaBytes = await labelBytes(input, first, { name: original });
      assert.ok(input.equals(copy), 'labelBytes changed the bytes it was given');
      const out = join(dir, 'again.bin');
      await writeLabel(original, first, { out });
      assert.ok(Buffer.from(viaBytes).equals(await readFile(out)));
    });

    it('media payload is unchanged', async () => {
      await assertPayload(f, original, labelled);
    });

    it('other metadata is kept', { skip: f.preserved ? false : 'no other metadata in this fixture' }, async () => {
      await f.preserved!(original, labelled);
    });

    it('an independent reader sees the label', async () => {
      const text = await independentRead(f, labelled);
      assert.ok(text, 'the independent reader found no AIGC label');
      assert.deepEqual(parseLabelText(text).record, second);
    });

    it('hostile: truncated at structural boundaries → named error or finding, input untouched', async () => {
      const full = await readFile(labelled);
      const cut = join(dir, 'cut.bin');
      const points = await cutPoints(f, labelled, full.length);
      const out = join(dir, 'cut-out.bin');
      for (const n of points) {
        await writeFile(cut, full.subarray(0, n));
        await expectCleanOutcome(`read cut at ${n}`, () => readLabel(cut));
        await expectCleanOutcome(`write cut at ${n}`, () => writeLabel(cut, first, { out }));
        assert.ok(Buffer.from(full.subarray(0, n)).equals(await readFile(cut)), `input changed at cut ${n}`);
      }
      assert.equal((await readdir(dir)).filter((n) => n.endsWith('.tmp')).length, 0, 'temporary file left behind');
    });

    it('hostile: corrupted bytes after the magic → named error or finding, in-place write leaves input untouched', async () => {
      const full = await readFile(labelled);
      const bad = join(dir, 'bad.bin');
      let seed = 7;
      for (let round = 0; round < 24; round++) {
        const copy = Buffer.from(full);
        for (let k = 0; k < 8; k++) {
          seed = (seed * 1103515245 + 12345) >>> 0;
          const at = 12 + (seed % Math.max(1, copy.length - 12));
          copy[at] = round % 2 ? 0xff : (seed >>> 8) & 0xff;
        }
        await writeFile(bad, copy);
        await expectCleanOutcome(`read corrupted round ${round}`, () => readLabel(bad));
        const hash = await sha256File(bad);
        try {
          await writeLabel(bad, first);
        } catch (e) {
          assert.ok(isHeguiError(e), `write corrupted round ${round}: ${(e as Error).stack}`);
          assert.equal(await sha256File(bad), hash, 'a failed in-place write changed the input');
        }
      }
    });

    it('an invalid label is refused before anything is written', async () => {
      const copy = join(dir, 'copy.bin');
      await copyFile(original, copy);
      const hash = await sha256File(copy);
      await assert.rejects(
        writeLabel(copy, { ...first, ContentProducer: '中文名' }),
        (e: unknown) => isHeguiError(e) && e.code === 'label_invalid',
      );
      assert.equal(await sha256File(copy), hash);
    });
  });
}

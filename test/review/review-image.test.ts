/** reviewImage against an image library: exact digests, PDQ with rotations and flips, low quality, bad input. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import sharp from 'sharp';
import { sha256Hex } from '../../src/digest.ts';
import { hash256ToHex } from '../../src/review/image/hash256.ts';
import { hashImage } from '../../src/review/image/hasher.ts';
import { ImageLibrary } from '../../src/review/image/library.ts';
import { reviewImage } from '../../src/review/image/review-image.ts';
import { Sha256Bank } from '../../src/review/image/sha256-bank.ts';
import type { ImageLibraryEntry } from '../../src/review/image/types.ts';
import { SKIP_PDQ, TESTDATA } from './pdq-fixtures.ts';

const base = { riskCode: 'A.1.f', action: 'block', severity: 3 } as const;

describe('ImageLibrary.build', () => {
  const ok: ImageLibraryEntry = { id: 'e1', pdq: 'ab'.repeat(32), ...base };
  it('refuses bad entries, naming the entry and field but not the value', () => {
    const bad: [Partial<ImageLibraryEntry>, RegExp][] = [
      [{ id: '' }, /entry 2: id is missing/],
      [{ id: 'e1' }, /entry 2: id repeats/],
      [{ id: 'e2', pdq: undefined }, /pdq\/sha256 is missing/],
      [{ id: 'e2', pdq: 'xyz' }, /pdq must be 64 hex/],
      [{ id: 'e2', pdq: undefined, sha256: '00' }, /sha256 must be 64 hex/],
      [{ id: 'e2', riskCode: 'B.1.a' as never }, /riskCode is not one of the 31 TC260-003 risk codes/],
      [{ id: 'e2', riskCode: 'A.1.z' as never }, /riskCode is not one of the 31 TC260-003 risk codes/],
      [{ id: 'e2', action: 'delete' as never }, /action must be/],
      [{ id: 'e2', severity: Number.NaN as never }, /severity must be 1 to 5/],
      [{ id: 'e2', severity: 9 as never }, /severity must be 1 to 5/],
      [{ id: 'e2', quality: 20 }, /quality is below the minimum of 50/],
    ];
    for (const [change, message] of bad) {
      assert.throws(
        () => ImageLibrary.build([ok, { ...ok, ...change } as ImageLibraryEntry]),
        (e: Error) => {
          assert.equal((e as { code?: string }).code, 'usage');
          assert.match(e.message, message);
          assert.doesNotMatch(e.message, /abab|xyz/);
          return true;
        },
      );
    }
    assert.equal(ImageLibrary.build([ok, { ...ok, id: 'e2', quality: 20 }], { minQuality: 10 }).pdqCount, 2);
  });
});

describe('Sha256Bank', () => {
  it('finds digests case-insensitively and keeps every entry that shares one', () => {
    const bank = new Sha256Bank();
    const d = sha256Hex(new TextEncoder().encode('x'));
    bank.add(d.toUpperCase(), 3);
    bank.add(d, 7);
    assert.equal(bank.size, 1);
    assert.deepEqual(bank.lookup(d), [3, 7]);
    assert.equal(bank.has('0'.repeat(64)), false);
    assert.deepEqual(bank.lookup('0'.repeat(64)), []);
    assert.throws(() => bank.add('nope', 1), RangeError);
  });
});

describe('reviewImage', { skip: SKIP_PDQ }, () => {
  let photo: Buffer;
  let library: ImageLibrary;
  before(async () => {
    photo = await readFile(join(TESTDATA, 'images/kodak/kodim19.png'));
    const other = await hashImage(join(TESTDATA, 'images/kodak/kodim01.png'));
    const mine = await hashImage(photo);
    library = ImageLibrary.build([
      { id: 'kodim19-pdq', pdq: hash256ToHex(mine.hash), quality: mine.quality, ...base },
      { id: 'kodim01-pdq', pdq: hash256ToHex(other.hash), riskCode: 'A.4.b', action: 'review', severity: 1 },
      { id: 'kodim19-file', sha256: sha256Hex(photo), riskCode: 'A.1.f', action: 'block', severity: 5 },
    ]);
  });

  it('reports an exact copy by SHA-256 first, then the PDQ match of the same image', async () => {
    const r = await reviewImage(photo, library);
    assert.equal(r.sha256, sha256Hex(photo));
    assert.deepEqual(
      r.hits.map((h) => [h.entryId, h.method, h.distance]),
      [
        ['kodim19-file', 'sha256', undefined],
        ['kodim19-pdq', 'pdq', 0],
      ],
    );
    assert.deepEqual(r.hits[1], {
      kind: 'image',
      entryId: 'kodim19-pdq',
      riskCode: 'A.1.f',
      action: 'block',
      severity: 3,
      method: 'pdq',
      distance: 0,
      quality: 100,
    });
  });

  it('matches a re-encoded, resized, rotated or mirrored copy through PDQ and its dihedral hashes', async () => {
    const copies = [
      sharp(photo).jpeg({ quality: 70 }),
      sharp(photo).resize(300),
      sharp(photo).rotate(90),
      sharp(photo).flop(),
      sharp(photo).rotate(180).jpeg({ quality: 80 }),
    ];
    for (const c of copies) {
      const r = await reviewImage(await c.toBuffer(), library);
      assert.deepEqual(
        r.hits.map((h) => h.entryId),
        ['kodim19-pdq'],
      );
      assert.ok(r.hits[0]!.distance! <= 31);
    }
  });

  it('honours a tighter distance threshold', async () => {
    const rotated = await sharp(photo).rotate(90).toBuffer();
    const loose = await reviewImage(rotated, library);
    const d = loose.hits[0]!.distance!;
    const tight = await reviewImage(rotated, library, { maxDistance: d - 1 });
    assert.deepEqual(tight.hits, []);
  });

  it('gives a featureless image no PDQ hits, but says so and still checks its digest', async () => {
    const flat = await sharp({ create: { width: 200, height: 200, channels: 3, background: '#808080' } })
      .png()
      .toBuffer();
    const lib = ImageLibrary.build([
      { id: 'flat-file', sha256: sha256Hex(flat), ...base },
      { id: 'any-pdq', pdq: '0'.repeat(64), ...base },
    ]);
    const r = await reviewImage(flat, lib);
    assert.equal(r.pdqSkipped, 'low_quality');
    assert.equal(r.pdq?.quality, 0);
    assert.deepEqual(
      r.hits.map((h) => h.entryId),
      ['flat-file'],
    );
  });

  it('still checks the digest of bytes that are not an image', async () => {
    const bytes = new TextEncoder().encode('not an image');
    const lib = ImageLibrary.build([
      { id: 'blob', sha256: sha256Hex(bytes), ...base },
      { id: 'p', pdq: 'f'.repeat(64), ...base },
    ]);
    const r = await reviewImage(bytes, lib);
    assert.equal(r.pdqSkipped, 'undecodable');
    assert.deepEqual(
      r.hits.map((h) => [h.entryId, h.method]),
      [['blob', 'sha256']],
    );
  });

  it('reads a path, and reports an unreadable one as an io error', async () => {
    const r = await reviewImage(join(TESTDATA, 'images/kodak/kodim01.png'), library);
    assert.deepEqual(
      r.hits.map((h) => [h.entryId, h.action]),
      [['kodim01-pdq', 'review']],
    );
    await assert.rejects(reviewImage(join(TESTDATA, 'no-such-file.png'), library), { code: 'io' });
  });

  it('skips decoding when the library has no PDQ entries', async () => {
    const r = await reviewImage(photo, ImageLibrary.build([{ id: 's', sha256: '0'.repeat(64), ...base }]));
    assert.equal(r.pdqSkipped, 'no_pdq_entries');
    assert.deepEqual(r.hits, []);
  });
});

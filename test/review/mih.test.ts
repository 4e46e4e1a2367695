/** The multi-index hash index must return exactly what a linear scan returns; its file form must round-trip. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { HASH256_WORDS } from '../../src/review/image/hash256.ts';
import { deserializePdqIndex, serializePdqIndex } from '../../src/review/image/index-file.ts';
import { bruteForceQuery, PdqIndex } from '../../src/review/image/mih.ts';

/** A hash array with near copies of some hashes (distances 0–40), so queries have neighbours at every distance. */
const hashSet = fc
  .record({
    base: fc.array(fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 8, maxLength: 8 }), {
      minLength: 1,
      maxLength: 120,
    }),
    near: fc.array(fc.record({ of: fc.nat(), flips: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 40 }) }), {
      maxLength: 120,
    }),
  })
  .map(({ base, near }) => {
    const list = base.map((w) => Uint32Array.from(w));
    for (const n of near) {
      const h = Uint32Array.from(list[n.of % base.length]!);
      for (const b of n.flips) h[b >> 5]! ^= 1 << (b & 31);
      list.push(h);
    }
    return list;
  });

function flat(list: Uint32Array[]): Uint32Array {
  const out = new Uint32Array(list.length * HASH256_WORDS);
  list.forEach((h, i) => {
    out.set(h, i * HASH256_WORDS);
  });
  return out;
}

describe('PdqIndex (multi-index hashing)', () => {
  it('returns exactly the brute-force result for any query and radius', () => {
    fc.assert(
      fc.property(
        hashSet,
        fc.nat(),
        fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 48 }),
        fc.integer({ min: 0, max: 70 }),
        (list, pick, flips, radius) => {
          const index = PdqIndex.fromHashes(list);
          const q = Uint32Array.from(list[pick % list.length]!);
          for (const b of flips) q[b >> 5]! ^= 1 << (b & 31);
          assert.deepEqual(index.query(q, radius), bruteForceQuery(flat(list), q, radius));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('finds planted neighbours at every distance up to 31 and nothing past the radius', () => {
    const list: Uint32Array[] = [];
    const q = Uint32Array.from({ length: 8 }, (_, i) => (i * 0x9e3779b9) >>> 0);
    for (let d = 0; d <= 40; d++) {
      const h = Uint32Array.from(q);
      for (let b = 0; b < d; b++) h[((b * 37) % 256) >> 5]! ^= 1 << (((b * 37) % 256) & 31); // d distinct bits
      list.push(h);
    }
    const got = PdqIndex.fromHashes(list).query(q, 31);
    assert.deepEqual(
      got.map((m) => m.distance),
      Array.from({ length: 32 }, (_, d) => d),
    );
    assert.deepEqual(
      got.map((m) => m.index),
      Array.from({ length: 32 }, (_, d) => d),
    );
  });

  it('answers an empty index and a negative radius with no matches', () => {
    assert.deepEqual(PdqIndex.fromHashes([]).query(new Uint32Array(8)), []);
    assert.deepEqual(PdqIndex.fromHashes([new Uint32Array(8)]).query(new Uint32Array(8), -1), []);
    assert.throws(() => PdqIndex.build(new Uint32Array(7)), RangeError);
  });

  it('serialises and loads back to an index with the same hashes and answers', () => {
    fc.assert(
      fc.property(hashSet, (list) => {
        const index = PdqIndex.fromHashes(list);
        const bytes = serializePdqIndex(index);
        assert.equal(bytes.length, 48 + 32 * list.length);
        const back = deserializePdqIndex(bytes);
        assert.deepEqual(back.hashes, index.hashes);
        assert.deepEqual(back.query(list[0]!, 31), index.query(list[0]!, 31));
      }),
      { numRuns: 50 },
    );
  });

  it('refuses a damaged, truncated or foreign file with a precise error', () => {
    const bytes = serializePdqIndex(PdqIndex.fromHashes([Uint32Array.of(1, 2, 3, 4, 5, 6, 7, 8)]));
    const flipped = Uint8Array.from(bytes);
    flipped[60]! ^= 1;
    assert.throws(() => deserializePdqIndex(flipped), { code: 'malformed', message: /checksum/ });
    assert.throws(() => deserializePdqIndex(bytes.subarray(0, bytes.length - 1)), { code: 'truncated' });
    assert.throws(() => deserializePdqIndex(bytes.subarray(0, 20)), { code: 'truncated' });
    const foreign = Uint8Array.from(bytes);
    foreign[0] = 0x58;
    assert.throws(() => deserializePdqIndex(foreign), { code: 'malformed', message: /not a PDQ index/ });
    const longer = new Uint8Array(bytes.length + 4);
    longer.set(bytes);
    assert.throws(() => deserializePdqIndex(longer), { code: 'malformed', message: /trailing/ });
  });
});

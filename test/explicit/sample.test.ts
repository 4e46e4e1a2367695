/** The background colours the plate is chosen against: every distinct colour, whatever the pattern of the pixels. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backgroundColours } from '../../src/label/explicit/sample.ts';

const reference = (d: Uint8Array): Set<number> => {
  const set = new Set<number>();
  for (let i = 0; i + 2 < d.length; i += 3) set.add((d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!);
  return set;
};

describe('backgroundColours', () => {
  const patterns: Record<string, (i: number) => number[]> = {
    'red only varies': (i) => [i & 255, 7, 9],
    'green only varies': (i) => [3, i & 255, 9],
    'blue only varies': (i) => [3, 7, i & 255],
    'all distinct': (i) => [i & 255, (i >> 8) & 255, (i >> 16) & 255],
    'one colour': () => [1, 2, 3],
    'black and white': (i) => (i & 1 ? [0, 0, 0] : [255, 255, 255]),
  };
  for (const [name, make] of Object.entries(patterns)) {
    it(`finds exactly the distinct colours of opaque RGB (${name})`, () => {
      const n = 70_000;
      const d = new Uint8Array(n * 3);
      for (let i = 0; i < n; i++) d.set(make(i), i * 3);
      const got = backgroundColours(d, 3);
      const want = reference(d);
      assert.equal(got.size, want.size);
      for (const c of want) assert.ok(got.has(c));
    });
  }

  it('adds the colours over black and over white for pixels that are not opaque', () => {
    const got = backgroundColours(new Uint8Array([200, 100, 50, 128]), 4);
    assert.equal(got.size, 2);
    assert.ok(got.has((100 << 16) | (50 << 8) | 25));
    assert.ok(got.has((227 << 16) | (177 << 8) | 152));
  });

  it('is empty for an empty sample', () => {
    assert.equal(backgroundColours(new Uint8Array(0), 3).size, 0);
  });
});

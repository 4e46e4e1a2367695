/**
 * Inclusion and consistency proofs (RFC 9162 §2.1.3.1, §2.1.4.1) from stored subtree hashes. Every hash a proof needs
 * is the hash of a range of the RFC recursion, and each such range is a handful of perfect subtrees: a proof reads
 * O(log n) stored hashes in one batch, whatever the size of the tree.
 */
import { nodeHash } from './hash.ts';
import { type Block, blocksOf, consistencyRanges, inclusionRanges, type LeafRange } from './shape.ts';

/** Where perfect-subtree hashes come from (a database table, a test's array); returns them in the order asked. */
export type SubtreeHashSource = (blocks: readonly Block[]) => Promise<Buffer[]>;

export async function inclusionPath(source: SubtreeHashSource, index: number, treeSize: number): Promise<Buffer[]> {
  return hashesOfRanges(source, inclusionRanges(index, treeSize));
}

export async function consistencyPath(source: SubtreeHashSource, first: number, second: number): Promise<Buffer[]> {
  if (first === second) return [];
  return hashesOfRanges(source, consistencyRanges(first, second));
}

/** MTH(D[lo:hi]) of each range, fetching every perfect subtree once. */
export async function hashesOfRanges(source: SubtreeHashSource, ranges: readonly LeafRange[]): Promise<Buffer[]> {
  const perRange = ranges.map(([lo, hi]) => blocksOf(lo, hi));
  const unique = new Map<string, Block>();
  for (const bs of perRange) for (const b of bs) unique.set(`${b.level}:${b.index}`, b);
  const wanted = [...unique.values()];
  const got = await source(wanted);
  const byKey = new Map(wanted.map((b, i) => [`${b.level}:${b.index}`, got[i]!]));
  return perRange.map((bs) => {
    let acc = byKey.get(`${bs.at(-1)!.level}:${bs.at(-1)!.index}`)!;
    for (let i = bs.length - 2; i >= 0; i--) acc = nodeHash(byKey.get(`${bs[i]!.level}:${bs[i]!.index}`)!, acc);
    return acc;
  });
}

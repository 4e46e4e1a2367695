/**
 * The root of a tree from a contiguous run of its leaves and the inclusion paths of the run's first and last leaf.
 * Every subtree that lies wholly left of the run is a sibling on the first leaf's path, every one wholly right of it a
 * sibling on the last leaf's path; the rest is computed from the run. So the root comes out equal to a signed root only
 * if every leaf of the run sits in that tree at its index: one check covers a whole regulator export.
 */
import { nodeHash } from './hash.ts';
import { inclusionRanges, splitPoint } from './shape.ts';

export function rootFromRun(
  treeSize: number,
  start: number,
  leaves: readonly Buffer[],
  firstPath: readonly Buffer[],
  lastPath: readonly Buffer[],
): Buffer | null {
  const end = start + leaves.length;
  if (leaves.length === 0 || start < 0 || end > treeSize) return null;
  const known = new Map<string, Buffer>();
  const learn = (index: number, path: readonly Buffer[]) => {
    const ranges = inclusionRanges(index, treeSize);
    if (ranges.length !== path.length) return false;
    for (const [i, [lo, hi]] of ranges.entries()) known.set(`${lo}:${hi}`, path[i]!);
    return true;
  };
  if (!learn(start, firstPath) || !learn(end - 1, lastPath)) return null;

  const fromRun = (lo: number, hi: number): Buffer => {
    if (hi - lo === 1) return leaves[lo - start]!;
    const k = splitPoint(hi - lo);
    return nodeHash(fromRun(lo, lo + k), fromRun(lo + k, hi));
  };
  const mth = (lo: number, hi: number): Buffer | null => {
    if (lo >= start && hi <= end) return fromRun(lo, hi);
    if (hi <= start || lo >= end) return known.get(`${lo}:${hi}`) ?? null;
    const k = splitPoint(hi - lo);
    const left = mth(lo, lo + k);
    const right = left && mth(lo + k, hi);
    return left && right ? nodeHash(left, right) : null;
  };
  return mth(0, treeSize);
}

import { HeguiError } from '../../../errors.ts';
import { ID } from './ids.ts';
import type { Child } from './master.ts';
import { rebuildSeekHead, type SeekHeadInfo, seekElement, voidSeekEntries } from './seekhead.ts';
import { element, encodeSize, fitElement } from './vint.ts';
import type { SegmentWalk } from './walk.ts';

/** Replace the Segment children [from, to) with `bytes`, or with one EBMLVoid of their total size (no `bytes`). */
interface Edit {
  from: number;
  to: number;
  bytes?: Uint8Array;
}

/** Replace the file bytes [start, end) with `bytes`, or with one EBMLVoid of the same size; start === end inserts. */
export interface Replacement {
  start: number;
  end: number;
  bytes?: Uint8Array;
}

export interface LayoutInput {
  seg: SegmentWalk;
  /** The new Tags element's data (kept Tag elements and the label's Tag). */
  tagsData: Uint8Array;
  /** Parsed SeekHeads, by child index. */
  seekHeads: Map<number, SeekHeadInfo>;
  /** Something holds a Segment position other than a SeekHead: Cues, or a Cluster's Position element. */
  positionsReferenced: boolean;
}

/**
 * Matroska positions (SeekPosition, CueClusterPosition, Cluster Position) count from the Segment's data start, so
 * the writer never moves a Cluster when anything points at one. The new Tags goes, in order of preference:
 *
 * 1. into the room before the first Cluster left by the old Tags elements and EBMLVoids, when it fits — padded with
 *    a Void, nothing moves;
 * 2. when nothing holds a position (no SeekHead, no Cues, no Cluster Position: live recordings), before the first
 *    Cluster (where the first Tags was), moving what follows; every reader meets it while reading the header;
 * 3. at the end of the Segment, replacing a trailing Tags element (nothing after it moves) — then a SeekHead entry
 *    must point at it, because readers stop reading the header at the first Cluster.
 *
 * Every old Tags element not replaced becomes an EBMLVoid of exactly its size.
 */
export function planLayout(input: LayoutInput): Replacement[] {
  const { seg } = input;
  const kids = seg.children;
  const n = kids.length;
  let firstCluster = kids.findIndex((c) => c.id === ID.Cluster);
  if (firstCluster < 0) firstCluster = n;
  const isFree = (i: number): boolean => kids[i]!.id === ID.Void || kids[i]!.id === ID.Tags;
  const tagsAt = kids.flatMap((c, i) => (c.id === ID.Tags ? [i] : []));
  const tagsElement = (total?: number): Uint8Array | undefined =>
    total === undefined ? element(ID.Tags, input.tagsData) : fitElement(ID.Tags, input.tagsData, total);

  const claimed = new Set<number>();
  const edits: Edit[] = [];
  const span = (from: number, to: number): number => kids[to - 1]!.end - kids[from]!.offset;
  const claim = (from: number, to: number, bytes: Uint8Array | undefined): void => {
    for (let i = from; i < to; i++) claimed.add(i);
    edits.push({ from, to, bytes });
  };
  /** Maximal runs of unclaimed Voids and old Tags before the first Cluster. */
  const freeRuns = (): [number, number][] => {
    const runs: [number, number][] = [];
    for (let i = 0; i < firstCluster; ) {
      if (!isFree(i) || claimed.has(i)) {
        i++;
        continue;
      }
      let j = i;
      while (j < firstCluster && isFree(j) && !claimed.has(j)) j++;
      runs.push([i, j]);
      i = j;
    }
    return runs;
  };

  let posN = -1;
  for (const [from, to] of freeRuns()) {
    const bytes = tagsElement(span(from, to));
    if (bytes) {
      claim(from, to, bytes);
      posN = kids[from]!.offset;
      break;
    }
  }
  if (posN < 0 && input.seekHeads.size === 0 && !input.positionsReferenced) {
    // Nothing holds a position: put the Tags before the first Cluster (or where the first Tags was) and drop the rest.
    const at = tagsAt[0] !== undefined && tagsAt[0] < firstCluster ? tagsAt[0] : firstCluster;
    for (const i of tagsAt) if (i !== at) claim(i, i + 1, new Uint8Array(0));
    claim(at, at === tagsAt[0] ? at + 1 : at, tagsElement());
    return toBytes(seg, edits);
  }
  if (posN < 0) {
    let tail = n;
    while (tail > 0 && isFree(tail - 1)) tail--;
    claim(tail, n, tagsElement());
    posN = tail < n ? kids[tail]!.offset : seg.end;
  }
  const requireEntry = firstCluster < n && posN > kids[firstCluster]!.offset;
  fixSeekHeads(input, posN - seg.header.dataOffset, requireEntry, { kids, claimed, claim, freeRuns, span });
  for (const i of tagsAt) if (!claimed.has(i)) claim(i, i + 1, undefined);
  return [...toBytes(seg, edits), ...knownClusterSizes(kids, posN)].sort((a, b) => a.start - b.start || a.end - b.end);
}

interface Space {
  kids: SegmentWalk['children'];
  claimed: Set<number>;
  claim(from: number, to: number, bytes: Uint8Array | undefined): void;
  freeRuns(): [number, number][];
  span(from: number, to: number): number;
}

/**
 * Leave exactly one SeekHead entry for Tags, pointing at `position`. First choice: rewrite the SeekHeads, each
 * growing into the EBMLVoids (and old Tags) right after it. When that does not fit, the old Tags entries become
 * EBMLVoids in place and, if the new Tags needs an entry, a second SeekHead (RFC 9559 allows two) holding only that
 * entry is put into free room before the first Cluster. With no room at all the file is refused, not guessed at.
 */
function fixSeekHeads(input: LayoutInput, position: number, requireEntry: boolean, s: Space): void {
  const heads = [...input.seekHeads.entries()].sort((a, b) => a[0] - b[0]);
  const entry = seekElement(ID.Tags, position);
  const tagsEntries = heads.flatMap(([i, h]) => h.entries.filter((e) => e.seekId === ID.Tags).map((e) => ({ i, e })));

  // Plan A: rewrite in place, each SeekHead using the free elements that follow it.
  const planA: { from: number; to: number; bytes: Uint8Array }[] = [];
  let fits = heads.length > 0;
  for (const [k, [i, h]] of heads.entries()) {
    const replace = new Map<Child, Uint8Array | null>();
    for (const [t, { i: hi, e }] of tagsEntries.entries()) if (hi === i) replace.set(e.seek, t === 0 ? entry : null);
    const add = tagsEntries.length === 0 && k === 0 ? [entry] : [];
    if (replace.size === 0 && add.length === 0) continue;
    let to = i + 1;
    while (
      to < s.kids.length &&
      s.kids[to]!.id !== ID.Cluster &&
      (s.kids[to]!.id === ID.Void || s.kids[to]!.id === ID.Tags) &&
      !s.claimed.has(to)
    ) {
      to++;
    }
    const bytes = fitElement(ID.SeekHead, rebuildSeekHead(h, replace, add), s.span(i, to));
    if (!bytes) {
      fits = false;
      break;
    }
    planA.push({ from: i, to, bytes });
  }
  if (fits) {
    for (const p of planA) s.claim(p.from, p.to, p.bytes);
    return;
  }

  // Plan B: stale Tags entries become Voids of their own size; a second SeekHead indexes the new Tags.
  for (const [i, h] of heads) {
    const stale = tagsEntries.filter((t) => t.i === i).map((t) => t.e.seek);
    if (stale.length > 0) s.claim(i, i + 1, voidSeekEntries(h, stale));
  }
  if (!requireEntry) return;
  if (heads.length < 2) {
    for (const [from, to] of s.freeRuns()) {
      const bytes = fitElement(ID.SeekHead, entry, s.span(from, to));
      if (bytes) {
        s.claim(from, to, bytes);
        return;
      }
    }
  }
  throw new HeguiError(
    'format_unsupported',
    'the file has no room before its first Cluster to index Tags written at the end of the Segment; remux it (mkvmerge or ffmpeg) to reserve space, then label it',
  );
}

function toBytes(seg: SegmentWalk, edits: Edit[]): Replacement[] {
  const kids = seg.children;
  const startOf = (i: number): number => (i < kids.length ? kids[i]!.offset : seg.end);
  return edits
    .sort((a, b) => a.from - b.from || a.to - b.to)
    .map((e) => ({
      start: startOf(e.from),
      end: e.from < e.to ? kids[e.to - 1]!.end : startOf(e.from),
      bytes: e.bytes,
    }));
}

/**
 * Tags written after unknown-size Clusters: those Clusters get their real size, in the size field's own width (nothing
 * moves). An unknown-size Cluster followed by another level-1 element is valid (RFC 8794 §6.2), but mkvtoolnix's
 * analyzer refuses such a file; a known size is understood by every reader.
 */
function knownClusterSizes(kids: SegmentWalk['children'], before: number): Replacement[] {
  const out: Replacement[] = [];
  for (const c of kids) {
    if (c.id !== ID.Cluster || c.size !== null || c.offset >= before) continue;
    const size = encodeSize(c.end - c.dataOffset, c.sizeWidth);
    if (size) out.push({ start: c.dataOffset - c.sizeWidth, end: c.dataOffset, bytes: size });
  }
  return out;
}

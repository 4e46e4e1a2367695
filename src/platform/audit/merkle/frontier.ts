/**
 * The frontier ("compact range") of a tree of size n: the hashes of the perfect subtrees along its right edge, one per
 * set bit of n, largest first. It is all an append needs: the new leaf merges with the frontier's smallest subtrees
 * while they have its size, completing one interior node per merge, and the root is the frontier folded from the right.
 */
import { EMPTY_ROOT, HASH_SIZE, nodeHash } from './hash.ts';

export type CompletedNode = (level: number, index: number, hash: Buffer) => void;

/** Append `leaf` (a leaf hash) to the frontier of a tree of `size` leaves, in place; report each completed node. */
export function appendToFrontier(frontier: Buffer[], size: number, leaf: Buffer, completed?: CompletedNode): void {
  let node = leaf;
  let level = 0;
  let rest = size;
  while (rest % 2 === 1) {
    node = nodeHash(frontier.pop()!, node);
    level++;
    rest = (rest - 1) / 2;
    completed?.(level, (size + 1) / 2 ** level - 1, node);
  }
  frontier.push(node);
}

/** MTH of the whole tree. */
export function rootOfFrontier(frontier: readonly Buffer[]): Buffer {
  if (frontier.length === 0) return EMPTY_ROOT;
  let acc = frontier[frontier.length - 1]!;
  for (let i = frontier.length - 2; i >= 0; i--) acc = nodeHash(frontier[i]!, acc);
  return acc;
}

/** Subtrees a frontier of this size has: the number of set bits. */
export function frontierLength(size: number): number {
  let bits = 0;
  for (let n = size; n > 0; n = Math.floor(n / 2)) bits += n % 2;
  return bits;
}

export function encodeFrontier(frontier: readonly Buffer[]): Buffer {
  return Buffer.concat(frontier);
}

/** The stored frontier of a tree of `size`, or null if its length does not fit that size. */
export function decodeFrontier(bytes: Uint8Array, size: number): Buffer[] | null {
  if (bytes.length !== frontierLength(size) * HASH_SIZE) return null;
  const out: Buffer[] = [];
  for (let o = 0; o < bytes.length; o += HASH_SIZE) out.push(Buffer.from(bytes.subarray(o, o + HASH_SIZE)));
  return out;
}

/** The Merkle core against the independent RFC 9162 reference of rfc9162-reference.ts, on random sizes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  appendToFrontier,
  decodeFrontier,
  encodeFrontier,
  rootOfFrontier,
} from '../../src/platform/audit/merkle/frontier.ts';
import { EMPTY_ROOT, leafHash, nodeHash } from '../../src/platform/audit/merkle/hash.ts';
import { consistencyPath, inclusionPath, type SubtreeHashSource } from '../../src/platform/audit/merkle/proofs.ts';
import { rootFromRun } from '../../src/platform/audit/merkle/range-root.ts';
import { nodePos } from '../../src/platform/audit/merkle/shape.ts';
import { verifyConsistency, verifyInclusion } from '../../src/platform/audit/merkle/verify.ts';
import {
  mth,
  path,
  proof,
  refLeafHash,
  refNodeHash,
  refVerifyConsistency,
  refVerifyInclusion,
} from './rfc9162-reference.ts';

const leaves = (n: number) => Array.from({ length: n }, (_, i) => refLeafHash(Buffer.from(`entry ${i}`)));
/** Perfect-subtree hashes straight from the leaf list, as the database would hold them. */
const sourceOf =
  (hs: Buffer[]): SubtreeHashSource =>
  async (blocks) =>
    blocks.map((b) => mth(hs.slice(b.index * 2 ** b.level, (b.index + 1) * 2 ** b.level)));
const flip = (b: Buffer) => {
  const c = Buffer.from(b);
  c[0]! ^= 1;
  return c;
};

describe('hashing (RFC 9162 §2.1.1)', () => {
  it('prefixes leaves with 0x00 and nodes with 0x01; the empty tree is SHA-256 of nothing', () => {
    assert.deepEqual(leafHash(Buffer.from('x')), refLeafHash(Buffer.from('x')));
    assert.deepEqual(
      nodeHash(Buffer.alloc(32, 1), Buffer.alloc(32, 2)),
      refNodeHash(Buffer.alloc(32, 1), Buffer.alloc(32, 2)),
    );
    assert.equal(EMPTY_ROOT.toString('hex'), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

describe('frontier', () => {
  it('gives the RFC root at every size and reports each completed node with its hash', () => {
    const hs = leaves(300);
    const frontier: Buffer[] = [];
    const nodes = new Map<string, Buffer>();
    for (let n = 0; n < hs.length; n++) {
      appendToFrontier(frontier, n, hs[n]!, (level, index, hash) => nodes.set(`${level}:${index}`, hash));
      assert.deepEqual(rootOfFrontier(frontier), mth(hs.slice(0, n + 1)), `size ${n + 1}`);
      assert.deepEqual(decodeFrontier(encodeFrontier(frontier), n + 1), frontier);
    }
    for (const [key, hash] of nodes) {
      const [level, index] = key.split(':').map(Number) as [number, number];
      assert.deepEqual(hash, mth(hs.slice(index * 2 ** level, (index + 1) * 2 ** level)), key);
    }
    // 300 leaves complete 300 - popcount(300) = 296 interior nodes, in increasing storage position.
    assert.equal(nodes.size, 296);
    const positions = [...nodes.keys()].map((k) => nodePos(...(k.split(':').map(Number) as [number, number])));
    assert.deepEqual(
      positions,
      [...positions].sort((a, b) => a - b),
    );
    assert.equal(new Set(positions).size, 296);
    assert.equal(rootOfFrontier([]), EMPTY_ROOT);
    assert.equal(decodeFrontier(Buffer.alloc(64), 3)?.length, 2);
    assert.equal(decodeFrontier(Buffer.alloc(32), 3), null, 'size 3 needs two subtrees');
  });
});

describe('proofs (property tests)', () => {
  it('every inclusion proof equals PATH and verifies with both verifiers; altered proofs fail with both', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 700 }), fc.nat(), async (n, seed) => {
        const hs = leaves(n);
        const root = mth(hs);
        const m = seed % n;
        const p = await inclusionPath(sourceOf(hs), m, n);
        assert.deepEqual(p, path(m, hs));
        assert.ok(verifyInclusion(hs[m]!, m, n, p, root));
        assert.ok(refVerifyInclusion(hs[m]!, m, n, p, root));
        if (p.length > 0) {
          const bad = p.map((h, i) => (i === seed % p.length ? flip(h) : h));
          assert.equal(verifyInclusion(hs[m]!, m, n, bad, root), false);
          assert.equal(refVerifyInclusion(hs[m]!, m, n, bad, root), false);
          assert.equal(verifyInclusion(hs[m]!, m, n, p.slice(1), root), false, 'a shortened path');
        }
        if (n > 1) {
          const other = (m + 1) % n;
          assert.equal(verifyInclusion(hs[m]!, other, n, p, root), refVerifyInclusion(hs[m]!, other, n, p, root));
          assert.equal(verifyInclusion(hs[m]!, other, n, p, root), false, 'the wrong index');
        }
        assert.equal(verifyInclusion(hs[m]!, m, n, p, flip(root)), false);
      }),
      { numRuns: 300 },
    );
  });

  it('every consistency proof equals PROOF and verifies with both verifiers; altered proofs fail with both', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 700 }),
        fc.integer({ min: 1, max: 700 }),
        fc.nat(),
        async (a, b, seed) => {
          const [m, n] = a <= b ? [a, b] : [b, a];
          const hs = leaves(n);
          const r1 = mth(hs.slice(0, m));
          const r2 = mth(hs);
          const p = await consistencyPath(sourceOf(hs), m, n);
          assert.deepEqual(p, m === n ? [] : proof(m, hs));
          assert.ok(verifyConsistency(m, n, r1, r2, p));
          assert.ok(refVerifyConsistency(m, n, p, r1, r2));
          if (p.length > 0) {
            const bad = p.map((h, i) => (i === seed % p.length ? flip(h) : h));
            assert.equal(verifyConsistency(m, n, r1, r2, bad), false);
            assert.equal(refVerifyConsistency(m, n, bad, r1, r2), false);
          }
          assert.equal(verifyConsistency(m, n, flip(r1), r2, p), false);
          assert.equal(verifyConsistency(m, n, r1, flip(r2), p), false);
          if (m < n) {
            // A tree that differs in one old leaf is not an extension of the first.
            const forked = hs.map((h, i) => (i === seed % m ? refLeafHash(Buffer.from('forged')) : h));
            assert.equal(verifyConsistency(m, n, r1, mth(forked), p), false);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a run of leaves and the paths of its ends give the root; any altered leaf changes it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 400 }), fc.nat(), fc.nat(), async (n, x, y) => {
        const hs = leaves(n);
        const [a, b] = [x % n, y % n].sort((p, q) => p - q) as [number, number];
        const run = hs.slice(a, b + 1);
        const first = path(a, hs);
        const last = path(b, hs);
        assert.deepEqual(rootFromRun(n, a, run, first, last), mth(hs));
        const altered = run.map((h, i) => (i === (x + y) % run.length ? flip(h) : h));
        assert.notDeepEqual(rootFromRun(n, a, altered, first, last), mth(hs));
      }),
      { numRuns: 200 },
    );
  });

  it('accepts sizes past 2^32 in verification (no 32-bit shifts)', () => {
    // A path of length 33 for the last leaf of a tree of 2^32 + 1 leaves: the leaf's only sibling is the left 2^32.
    const leaf = refLeafHash(Buffer.from('last'));
    const left = refLeafHash(Buffer.from('left subtree'));
    const root = refNodeHash(left, leaf);
    assert.ok(verifyInclusion(leaf, 2 ** 32, 2 ** 32 + 1, [left], root));
    assert.ok(refVerifyInclusion(leaf, 2 ** 32, 2 ** 32 + 1, [left], root));
  });
});

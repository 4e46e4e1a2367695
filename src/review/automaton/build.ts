/**
 * Building the automaton: a trie in growable sibling lists, renumbered breadth-first, then placed in a double array in
 * that order, then failure and dictionary-suffix links. Linear in the total key length (plus sorting each state's
 * children).
 *
 * Breadth-first numbering and placement is what makes short checks fast: most characters of ordinary text leave a
 * depth-1 state and fail back to the root, so the states and slots those steps read are the first few thousand ids
 * and the first few tens of thousands of slots — a region that stays in cache — instead of lines scattered over
 * arrays of a million entries.
 */
import type { Automaton } from './automaton.ts';
import { step } from './automaton.ts';

class Grow {
  a: Int32Array;
  n = 0;
  constructor(cap: number) {
    this.a = new Int32Array(cap);
  }
  push(v: number): number {
    if (this.n === this.a.length) {
      const b = new Int32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n] = v;
    return this.n++;
  }
}

/** Build from keys given as code sequences (each code 1…alphabetSize); key id = index in `keys`. Empty keys never match. */
export function buildAutomaton(keys: readonly ArrayLike<number>[], alphabetSize: number): Automaton {
  const rootNext = new Int32Array(alphabetSize + 1);
  const firstChild = new Grow(1024);
  const nextSibling = new Grow(1024);
  const nodeCode = new Grow(1024);
  const nodeDepth = new Grow(1024);
  const newNode = (code: number, depth: number) => {
    firstChild.push(-1);
    nextSibling.push(-1);
    nodeDepth.push(depth);
    return nodeCode.push(code);
  };
  newNode(0, 0);
  const keyNode = new Int32Array(keys.length).fill(-1);
  keys.forEach((key, id) => {
    if (key.length === 0) return;
    let s = 0;
    for (let i = 0; i < key.length; i++) {
      const c = key[i]!;
      if (c < 1 || c > alphabetSize) throw new RangeError(`key ${id}: code ${c} outside the alphabet`);
      if (s === 0) {
        let t = rootNext[c]!;
        if (t === 0) {
          t = newNode(c, 1);
          rootNext[c] = t;
        }
        s = t;
        continue;
      }
      let t = firstChild.a[s]!;
      while (t !== -1 && nodeCode.a[t] !== c) t = nextSibling.a[t]!;
      if (t === -1) {
        t = newNode(c, i + 1);
        nextSibling.a[t] = firstChild.a[s]!;
        firstChild.a[s] = t;
      }
      s = t;
    }
    keyNode[id] = s;
  });
  const n = nodeCode.n;

  // Breadth-first renumbering, children in code order: the children of state k are then the consecutive ids
  // kidStart[k] … kidStart[k + 1] - 1.
  const order = new Int32Array(n);
  const kidStart = new Int32Array(n + 1);
  let tail = 1;
  for (let c = 1; c <= alphabetSize; c++) if (rootNext[c] !== 0) order[tail++] = rootNext[c]!;
  kidStart[0] = 1;
  kidStart[1] = tail;
  const sib: number[] = [];
  for (let k = 1; k < n; k++) {
    sib.length = 0;
    for (let t = firstChild.a[order[k]!]!; t !== -1; t = nextSibling.a[t]!) sib.push(t);
    if (sib.length > 1) sib.sort((x, y) => nodeCode.a[x]! - nodeCode.a[y]!);
    for (const t of sib) order[tail++] = t;
    kidStart[k + 1] = tail;
  }
  const newId = new Int32Array(n);
  const code = new Int32Array(n);
  const depth = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    newId[order[k]!] = k;
    code[k] = nodeCode.a[order[k]!]!;
    depth[k] = nodeDepth.a[order[k]!]!;
  }
  for (let c = 1; c <= alphabetSize; c++) if (rootNext[c] !== 0) rootNext[c] = newId[rootNext[c]!]!;

  const { base, check, target } = placeDoubleArray(n, alphabetSize, kidStart, code);

  // Outputs grouped by state.
  const outStart = new Int32Array(n + 1);
  for (const s of keyNode) if (s >= 0) outStart[newId[s]! + 1]!++;
  for (let s = 1; s <= n; s++) outStart[s] = outStart[s]! + outStart[s - 1]!;
  const outKey = new Int32Array(outStart[n]!);
  const fill = outStart.slice(0, n);
  keyNode.forEach((s, id) => {
    if (s >= 0) outKey[fill[newId[s]!]!++] = id;
  });

  const fail = new Int32Array(n);
  const dictLink = new Int32Array(n).fill(-1);
  const report = new Int32Array(n).fill(-1);
  const a: Automaton = {
    alphabetSize,
    nodeCount: n,
    rootNext,
    base,
    check,
    target,
    fail,
    depth,
    report,
    dictLink,
    outStart,
    outKey,
  };
  const hasOut = (s: number) => outStart[s + 1]! > outStart[s]!;
  // Ids are breadth-first: a state's failure link is shallower, so it is final before the state needs it.
  for (let s = 1; s < n; s++) {
    const f = fail[s]!;
    dictLink[s] = hasOut(f) ? f : dictLink[f]!;
    report[s] = hasOut(s) ? s : dictLink[s]!;
    // goto(fail(s), c): shallower than the child, so never the child itself; depth-1 states keep the root as failure.
    for (let t = kidStart[s]!; t < kidStart[s + 1]!; t++) fail[t] = step(a, f, code[t]!);
  }
  return a;
}

/**
 * Place every state's children in a double array, states in id (breadth-first) order: for each state the lowest base
 * where all its children's slots are free. Candidate bases are found by walking a linked list of free slots (not every
 * slot), so placement stays near linear for a million states. Children of state s are the ids kidStart[s] …
 * kidStart[s + 1] - 1, in code order.
 */
function placeDoubleArray(
  n: number,
  alphabetSize: number,
  kidStart: Int32Array,
  code: Int32Array,
): { base: Int32Array; check: Int32Array; target: Int32Array } {
  const base = new Int32Array(n);
  let cap = 0;
  let check = new Int32Array(0);
  let target = new Int32Array(0);
  let next = new Int32Array(0); // free list: next free slot after i (cap = end)
  let prev = new Int32Array(0);
  let head = 0;
  let tail = -1;
  const grow = (want: number) => {
    const size = Math.max(want + 1, cap * 2, 1024);
    const c2 = new Int32Array(size).fill(-1);
    c2.set(check);
    const t2 = new Int32Array(size);
    t2.set(target);
    const n2 = new Int32Array(size + 1);
    n2.set(next);
    const p2 = new Int32Array(size + 1);
    p2.set(prev);
    for (let i = cap; i < size; i++) {
      p2[i] = i === cap ? tail : i - 1;
      n2[i] = i + 1;
    }
    if (tail >= 0) n2[tail] = cap;
    else head = cap;
    tail = size - 1;
    check = c2;
    target = t2;
    next = n2;
    prev = p2;
    cap = size;
  };
  const take = (i: number) => {
    const a = prev[i]!;
    const b = next[i]!;
    if (a >= 0) next[a] = b;
    else head = b;
    if (b < cap) prev[b] = a;
    else tail = a;
  };
  grow(n + alphabetSize + 1);
  let maxBase = 0;
  for (let s = 1; s < n; s++) {
    const k0 = kidStart[s]!;
    const k1 = kidStart[s + 1]!;
    if (k0 === k1) continue;
    const first = code[k0]!;
    const last = code[k1 - 1]!;
    let p = head;
    let b: number;
    for (;;) {
      if (p >= cap) grow(cap);
      b = p - first;
      if (b >= 0) {
        if (b + last >= cap) grow(b + last);
        let fits = true;
        for (let k = k0 + 1; k < k1; k++)
          if (check[b + code[k]!] !== -1) {
            fits = false;
            break;
          }
        if (fits) break;
      }
      p = next[p]!;
    }
    base[s] = b;
    maxBase = Math.max(maxBase, b);
    for (let k = k0; k < k1; k++) {
      const slot = b + code[k]!;
      check[slot] = s;
      target[slot] = k;
      take(slot);
    }
  }
  // Every probe base[s] + c (c ≤ alphabetSize) lies inside the arrays, so the hot loop needs no bounds test.
  const size = Math.max(maxBase + alphabetSize + 1, 1);
  if (size > cap) grow(size);
  return { base, check: check.slice(0, size), target: target.slice(0, size) };
}

/**
 * Building the automaton: a trie in growable sibling lists, then flattened to sorted transition lists, then failure and
 * dictionary-suffix links in breadth-first order. Linear in the total key length (plus sorting each state's children).
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

  const { base, check, target } = placeDoubleArray(n, alphabetSize, firstChild.a, nextSibling.a, nodeCode.a);

  // Outputs grouped by state.
  const outStart = new Int32Array(n + 1);
  for (const s of keyNode) if (s >= 0) outStart[s + 1]!++;
  for (let s = 1; s <= n; s++) outStart[s] = outStart[s]! + outStart[s - 1]!;
  const outKey = new Int32Array(outStart[n]!);
  const fill = outStart.slice(0, n);
  keyNode.forEach((s, id) => {
    if (s >= 0) outKey[fill[s]!++] = id;
  });

  const fail = new Int32Array(n);
  const dictLink = new Int32Array(n).fill(-1);
  const report = new Int32Array(n).fill(-1);
  const depth = Int32Array.from(nodeDepth.a.subarray(0, n));
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
  // Breadth-first: a state's failure link is shallower, so it is final before the state needs it.
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let c = 1; c <= alphabetSize; c++) {
    const t = rootNext[c]!;
    if (t !== 0) queue[tail++] = t;
  }
  while (head < tail) {
    const s = queue[head++]!;
    const f = fail[s]!;
    dictLink[s] = hasOut(f) ? f : dictLink[f]!;
    report[s] = hasOut(s) ? s : dictLink[s]!;
    for (let t = firstChild.a[s]!; t !== -1; t = nextSibling.a[t]!) {
      // goto(fail(s), c): shallower than t, so never t itself; depth-1 states keep the root as failure.
      fail[t] = step(a, f, nodeCode.a[t]!);
      queue[tail++] = t;
    }
  }
  return a;
}

/**
 * Place every state's children in a double array: for each state the lowest base where all its children's slots are
 * free. Candidate bases are found by walking a linked list of free slots (not every slot), so placement stays near
 * linear for a million states.
 */
function placeDoubleArray(
  n: number,
  alphabetSize: number,
  firstChild: Int32Array,
  nextSibling: Int32Array,
  nodeCode: Int32Array,
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
  const codes: number[] = [];
  const kids: number[] = [];
  let maxBase = 0;
  for (let s = 1; s < n; s++) {
    kids.length = 0;
    for (let t = firstChild[s]!; t !== -1; t = nextSibling[t]!) kids.push(t);
    if (kids.length === 0) continue;
    if (kids.length > 1) kids.sort((x, y) => nodeCode[x]! - nodeCode[y]!);
    codes.length = 0;
    for (const t of kids) codes.push(nodeCode[t]!);
    const first = codes[0]!;
    const last = codes[codes.length - 1]!;
    let p = head;
    let b: number;
    for (;;) {
      if (p >= cap) grow(cap);
      b = p - first;
      if (b >= 0) {
        if (b + last >= cap) grow(b + last);
        let fits = true;
        for (let k = 1; k < codes.length; k++)
          if (check[b + codes[k]!] !== -1) {
            fits = false;
            break;
          }
        if (fits) break;
      }
      p = next[p]!;
    }
    base[s] = b;
    maxBase = Math.max(maxBase, b);
    for (let k = 0; k < codes.length; k++) {
      const slot = b + codes[k]!;
      check[slot] = s;
      target[slot] = kids[k]!;
      take(slot);
    }
  }
  // Every probe base[s] + c (c ≤ alphabetSize) lies inside the arrays, so the hot loop needs no bounds test.
  const size = Math.max(maxBase + alphabetSize + 1, 1);
  if (size > cap) grow(size);
  return { base, check: check.slice(0, size), target: target.slice(0, size) };
}

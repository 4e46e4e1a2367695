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

  // Flatten children into sorted transition lists (root's children live in rootNext).
  const edgeStart = new Int32Array(n + 1);
  for (let s = 1; s < n; s++) {
    let count = 0;
    for (let t = firstChild.a[s]!; t !== -1; t = nextSibling.a[t]!) count++;
    edgeStart[s + 1] = count;
  }
  for (let s = 1; s <= n; s++) edgeStart[s] = edgeStart[s]! + edgeStart[s - 1]!;
  const e = edgeStart[n]!;
  const edgeCode = new Uint16Array(e);
  const edgeTarget = new Int32Array(e);
  const tmp: number[] = [];
  for (let s = 1; s < n; s++) {
    tmp.length = 0;
    for (let t = firstChild.a[s]!; t !== -1; t = nextSibling.a[t]!) tmp.push(t);
    if (tmp.length > 1) tmp.sort((x, y) => nodeCode.a[x]! - nodeCode.a[y]!);
    let k = edgeStart[s]!;
    for (const t of tmp) {
      edgeCode[k] = nodeCode.a[t]!;
      edgeTarget[k++] = t;
    }
  }

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
    edgeStart,
    edgeCode,
    edgeTarget,
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
    for (let k = edgeStart[s]!; k < edgeStart[s + 1]!; k++) {
      const t = edgeTarget[k]!;
      // goto(fail(s), c): shallower than t, so never t itself; depth-1 states keep the root as failure.
      fail[t] = step(a, f, edgeCode[k]!);
      queue[tail++] = t;
    }
  }
  return a;
}

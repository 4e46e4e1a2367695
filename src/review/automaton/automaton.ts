/**
 * Aho–Corasick over an integer alphabet (codes 1…alphabetSize; 0 means "not in any key": back to the root), stored as
 * flat typed arrays: a direct table for the root (most steps land there) and a double array for every other state
 * (the child of s for code c sits in slot base[s] + c when check[that slot] = s): one probe per transition attempt.
 * Each state has a failure link and a dictionary-suffix link (the nearest proper suffix state that ends a key), so a
 * key that is a suffix of another is reported too: keys {中国人民, 国人} in 我是中国人 find 国人.
 */
export interface Automaton {
  readonly alphabetSize: number;
  readonly nodeCount: number;
  /** Root transitions by code (0 = stay at the root). Length alphabetSize + 1. */
  readonly rootNext: Int32Array;
  /** Double array: slot base[s] + c holds the child of s for code c when check[slot] = s; target[slot] is that child. */
  readonly base: Int32Array;
  readonly check: Int32Array;
  readonly target: Int32Array;
  readonly fail: Int32Array;
  /** Keys are this many codes long when they end at s. */
  readonly depth: Int32Array;
  /** First state to report from s: s itself if keys end there, else its dictionary-suffix link; -1 if none. */
  readonly report: Int32Array;
  /** Nearest proper suffix state where keys end; -1 if none. */
  readonly dictLink: Int32Array;
  /** Key ids ending at state s: outKey[outStart[s]] … outKey[outStart[s + 1] - 1]. */
  readonly outStart: Int32Array;
  readonly outKey: Int32Array;
}

/** The state after reading `code` in state `s`. */
export function step(a: Automaton, s: number, code: number): number {
  const { rootNext, base, check, target, fail } = a;
  for (;;) {
    if (s === 0) return rootNext[code]!;
    const t = base[s]! + code;
    if (check[t] === s) return target[t]!;
    s = fail[s]!;
  }
}

/** A match: key id and its position in the code sequence, `end` exclusive. */
export interface KeyMatch {
  key: number;
  start: number;
  end: number;
}

/** Every occurrence of every key (overlapping ones included), ordered by end, then longest first. */
export function findAll(a: Automaton, codes: ArrayLike<number>): KeyMatch[] {
  const out: KeyMatch[] = [];
  let s = 0;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    s = c === 0 ? 0 : step(a, s, c);
    for (let t = a.report[s]!; t !== -1; t = a.dictLink[t]!) {
      const d = a.depth[t]!;
      for (let k = a.outStart[t]!; k < a.outStart[t + 1]!; k++)
        out.push({ key: a.outKey[k]!, start: i + 1 - d, end: i + 1 });
    }
  }
  return out;
}

/**
 * Leftmost-longest selection: the match that starts first, and of those the longest, then the next one starting at or
 * after its end (non-overlapping, like the `LeftmostLongest` match kind of the Rust aho-corasick crate). Ties on the
 * same span go to the lowest key id.
 */
export function leftmostLongest<M extends { start: number; end: number; key?: number }>(matches: readonly M[]): M[] {
  const sorted = [...matches].sort((x, y) => x.start - y.start || y.end - x.end || (x.key ?? 0) - (y.key ?? 0));
  const out: M[] = [];
  let until = -1;
  for (const m of sorted) {
    if (m.start < until) continue;
    out.push(m);
    until = m.end;
  }
  return out;
}

/**
 * The hot loop: folding, noise skipping, repeat collapsing and automaton stepping fused into one pass over the
 * UTF-16 code units, with no allocation per character. One table read (`codeOf`) folds a character and maps it into
 * the automaton's alphabet at once; a ring buffer remembers where each normalised character started in the original,
 * so a match's span is known the moment its last character is read.
 *
 * The state is resumable (the stream reviewer feeds chunk after chunk through the same state).
 */
import { step } from './automaton/automaton.ts';
import { CODE_NOISE, CODE_SPECIAL, type CompiledLibrary, type FoldedChar } from './compiled/compiled-library.ts';

export interface ScanState {
  /** Automaton state. */
  s: number;
  /** Collapse key of the previous normalised character (-1: none). */
  prev: number;
  /** Noise characters since the last letter. */
  gap: number;
  /** Normalised characters read so far. */
  pos: number;
  /** Original start offset of normalised character k at ring[k & mask]. */
  ring: Int32Array;
}

export function newScanState(lib: CompiledLibrary): ScanState {
  return { s: 0, prev: -1, gap: 0, pos: 0, ring: new Int32Array(lib.ringMask + 1) };
}

/** Raw matches as (pattern, start, end) triples in a growable typed array. */
export class MatchSink {
  buf = new Int32Array(96);
  n = 0;
  push(pattern: number, start: number, end: number): void {
    if (this.n + 3 > this.buf.length) {
      const b = new Int32Array(this.buf.length * 2);
      b.set(this.buf);
      this.buf = b;
    }
    this.buf[this.n++] = pattern;
    this.buf[this.n++] = start;
    this.buf[this.n++] = end;
  }
  get count(): number {
    return this.n / 3;
  }
}

/**
 * Scan text[from, to) (positions reported as `base + index`). Stops before a trailing high surrogate when `final` is
 * false and returns the index where it stopped.
 */
export function scan(
  lib: CompiledLibrary,
  text: string,
  from: number,
  to: number,
  st: ScanState,
  out: MatchSink,
  base = 0,
  final = true,
): number {
  const maxGap = lib.header.settings.maxGap;
  let i = from;
  for (;;) {
    const r = scanPlain(lib, text, i, to, st, base);
    if (r < 0) {
      // Keys end at the state just reached, after the character before ~r.
      i = ~r;
      emit(lib, st.s, st.pos, st.ring, lib.ringMask, base + i, out);
      continue;
    }
    i = r;
    if (i >= to) return i;
    // Expansion or surrogate pair: the rare path, through the state object.
    const u = text.charCodeAt(i);
    let next = i + 1;
    let chars: readonly FoldedChar[] | undefined;
    if (u >= 0xd800 && u <= 0xdbff) {
      if (next >= to) {
        if (!final) return i;
      } else {
        const lo = text.charCodeAt(next);
        if (lo >= 0xdc00 && lo <= 0xdfff) {
          next++;
          chars = lib.astral(((u - 0xd800) << 10) + (lo - 0xdc00) + 0x10000);
        }
      }
    } else if (u < 0xdc00 || u > 0xdfff) chars = lib.expansions.get(u);
    if (!chars || chars.length === 0) {
      // Lone surrogate or a character that folds to nothing: noise.
      if (++st.gap > maxGap) {
        st.s = 0;
        st.prev = -1;
      }
    } else {
      feedChars(lib, chars, st, base + i, base + next, out);
      st.gap = 0;
    }
    i = next;
  }
}

/**
 * The hot loop over characters that fold to at most one code, with the state saved when it returns: at `to` or at the
 * first character that needs the rare path (an expansion or a surrogate), returning its index; or just after a step
 * into a state where keys end, returning ~index (negative) so the caller reports them. The loop holds no call: a call
 * site in it, even one rarely taken, makes the compiled loop keep its variables in memory (measured: a third slower).
 */
function scanPlain(lib: CompiledLibrary, text: string, from: number, to: number, st: ScanState, base: number): number {
  const codeOf = lib.codeOf;
  const a = lib.automaton;
  const rootNext = a.rootNext;
  const dbase = a.base;
  const dcheck = a.check;
  const dtarget = a.target;
  const fail = a.fail;
  const report = a.report;
  const mask = lib.ringMask;
  const ring = st.ring;
  const maxGap = lib.header.settings.maxGap;
  const collapse = lib.header.settings.normalise;
  let s = st.s;
  let prev = st.prev;
  let gap = st.gap;
  let pos = st.pos;
  let i = from;
  for (; i < to; i++) {
    const c = codeOf[text.charCodeAt(i)]!;
    if (c < CODE_SPECIAL) {
      gap = 0;
      if (collapse) {
        if (c === prev) continue;
        prev = c;
      }
      if (c === 0) {
        s = 0;
        continue;
      }
      ring[pos & mask] = base + i;
      pos++;
      // s = step(s, c), inlined: one double-array probe per attempt, failure links until one succeeds.
      for (;;) {
        if (s === 0) {
          s = rootNext[c]!;
          break;
        }
        const t = dbase[s]! + c;
        if (dcheck[t] === s) {
          s = dtarget[t]!;
          break;
        }
        s = fail[s]!;
      }
      if (report[s] !== -1) {
        i = ~(i + 1);
        break;
      }
    } else if (c === CODE_NOISE) {
      if (++gap > maxGap) {
        s = 0;
        prev = -1;
      }
    } else break;
  }
  st.s = s;
  st.prev = prev;
  st.gap = gap;
  st.pos = pos;
  return i;
}

function emit(
  lib: CompiledLibrary,
  s: number,
  pos: number,
  ring: Int32Array,
  mask: number,
  end: number,
  out: MatchSink,
) {
  const { report, dictLink, depth, outStart, outKey } = lib.automaton;
  for (let t = report[s]!; t !== -1; t = dictLink[t]!) {
    const start = ring[(pos - depth[t]!) & mask]!;
    for (let k = outStart[t]!; k < outStart[t + 1]!; k++) out.push(outKey[k]!, start, end);
  }
}

function feedChars(
  lib: CompiledLibrary,
  chars: readonly FoldedChar[],
  st: ScanState,
  start: number,
  end: number,
  out: MatchSink,
): void {
  const collapse = lib.header.settings.normalise;
  const a = lib.automaton;
  for (const ch of chars) {
    if (collapse && ch.key === st.prev) continue;
    if (collapse) st.prev = ch.key;
    for (const c of ch.codes) {
      if (c === 0) {
        st.s = 0;
        continue;
      }
      st.ring[st.pos & lib.ringMask] = start;
      st.pos++;
      st.s = step(a, st.s, c);
      if (a.report[st.s] !== -1) emit(lib, st.s, st.pos, st.ring, lib.ringMask, end, out);
    }
  }
}

/**
 * The normaliser with its offset map. Offsets are UTF-16 code unit indices into the ORIGINAL string (what
 * `String.prototype.slice` takes), so a hit's span can be cut out of, or highlighted in, the user's text as given.
 *
 * Output: the folded text with noise removed and repeats collapsed; for each output unit the original span of the
 * character that produced it. A run of more than `maxGap` noise characters is a hard break (`BREAK` in the output):
 * nothing matches across it. A collapsed run keeps the span of its first character and counts its length in `runs`.
 */
import { FOLD_NOISE, FOLD_SPECIAL, foldAstral, foldTable } from './fold.ts';

/** Marks a noise run longer than the gap in normalised output; never part of a library key. */
export const BREAK = '\uffff';

export interface NormaliseOptions {
  /** Apply folding, noise skipping and repeat collapsing (default true). False: the text is taken as is. */
  fold?: boolean;
  /** Most noise characters skipped between two letters (default 3). */
  maxGap?: number;
  /** Collapse repeated characters (default true). */
  collapse?: boolean;
}

export const DEFAULT_MAX_GAP = 3;

export interface NormalisedText {
  text: string;
  /** Original start (inclusive) of the character each output unit came from. */
  start: Int32Array;
  /** Original end (exclusive) of that character. */
  end: Int32Array;
  /** How many repeats each output character stands for (1 when not collapsed). */
  runs: Uint16Array;
}

export function normalise(input: string, opts: NormaliseOptions = {}): NormalisedText {
  const fold = opts.fold !== false;
  const maxGap = opts.maxGap ?? DEFAULT_MAX_GAP;
  const collapse = fold && opts.collapse !== false;
  const n = input.length;
  const units: number[] = [];
  const start: number[] = [];
  const end: number[] = [];
  const runs: number[] = [];
  if (!fold) {
    for (let i = 0; i < n; i++) {
      units.push(input.charCodeAt(i));
      start.push(i);
      end.push(i + 1);
      runs.push(1);
    }
    return pack(units, start, end, runs);
  }
  const t = foldTable();
  let gap = 0;
  let prev = -1; // previous output code point, for collapsing
  let i = 0;
  while (i < n) {
    const u = input.charCodeAt(i);
    let next = i + 1;
    let folded: string | null = null;
    let single = t.bmp[u]!;
    if (single === FOLD_SPECIAL) {
      if (u >= 0xd800 && u <= 0xdbff && next < n) {
        const lo = input.charCodeAt(next);
        if (lo >= 0xdc00 && lo <= 0xdfff) {
          next++;
          folded = foldAstral(((u - 0xd800) << 10) + (lo - 0xdc00) + 0x10000);
        } else folded = '';
      } else folded = t.expansions.get(u) ?? '';
      if (folded.length === 0) single = FOLD_NOISE;
    }
    if (single === FOLD_NOISE) {
      gap++;
      if (gap === maxGap + 1 && units.length > 0 && units[units.length - 1] !== 0xffff) {
        units.push(0xffff);
        start.push(i);
        end.push(next);
        runs.push(1);
        prev = -1;
      }
      i = next;
      continue;
    }
    gap = 0;
    const text = folded ?? String.fromCharCode(single);
    for (const c of text) {
      const cp = c.codePointAt(0)!;
      if (collapse && cp === prev) {
        runs[runs.length - 1]!++;
        if (c.length === 2) runs[runs.length - 2]!++;
        continue;
      }
      prev = cp;
      for (let k = 0; k < c.length; k++) {
        units.push(c.charCodeAt(k));
        start.push(i);
        end.push(next);
        runs.push(1);
      }
    }
    i = next;
  }
  return pack(units, start, end, runs);
}

function pack(units: number[], start: number[], end: number[], runs: number[]): NormalisedText {
  let text = '';
  for (let k = 0; k < units.length; k += 4096) text += String.fromCharCode(...units.slice(k, k + 4096));
  return { text, start: Int32Array.from(start), end: Int32Array.from(end), runs: Uint16Array.from(runs) };
}

/**
 * Normalised form of a library term, the same folding as `normalise` without the offset map (a long gap inside an
 * entry is simply removed). `runs[k]` counts the repeats collapsed into key unit k.
 */
export function normaliseKey(term: string, opts: NormaliseOptions = {}): { key: string; runs: number[] } {
  if (opts.fold === false) return { key: term, runs: new Array<number>(term.length).fill(1) };
  const collapse = opts.collapse !== false;
  const t = foldTable();
  let key = '';
  const runs: number[] = [];
  let prev = -1;
  for (let i = 0; i < term.length; i++) {
    const u = term.charCodeAt(i);
    const f = t.bmp[u]!;
    let folded: string;
    if (f === FOLD_NOISE) continue;
    if (f !== FOLD_SPECIAL) folded = String.fromCharCode(f);
    else if (u >= 0xd800 && u <= 0xdbff && i + 1 < term.length) {
      const lo = term.charCodeAt(i + 1);
      if (lo < 0xdc00 || lo > 0xdfff) continue;
      i++;
      folded = foldAstral(((u - 0xd800) << 10) + (lo - 0xdc00) + 0x10000);
    } else folded = t.expansions.get(u) ?? '';
    for (const c of folded) {
      const cp = c.codePointAt(0)!;
      if (collapse && cp === prev) {
        runs[runs.length - 1]!++;
        if (c.length === 2) runs[runs.length - 2]!++;
        continue;
      }
      prev = cp;
      key += c;
      runs.push(1);
      if (c.length === 2) runs.push(1);
    }
  }
  return { key, runs };
}

/**
 * Character folding: every code point maps to zero (noise), one or a few normalised characters. Built ONCE per process
 * into a 64 Ki table for the BMP (astral code points are folded on demand and cached), so the hot loop is one array
 * read per character. The same table folds library entries and inputs, which is what makes the match symmetric.
 *
 * Per character, in order: NFKC (full-width, compatibility forms, circled digits) → lower case → Latin/Greek/Cyrillic
 * diacritics dropped → look-alikes, traditional → simplified, digit forms (repeated to a fixed point) → noise dropped.
 */
import { traditionalToSimplified } from './chinese.ts';
import { CJK_HOMOGLYPHS, DIGIT_FORMS, LATIN_HOMOGLYPHS } from './tables.ts';

/** Fold value: the character is noise (space, punctuation, symbol, control, format, mark, emoji). */
export const FOLD_NOISE = 0xffff;
/** Fold value: look in `expansions` (one character → several), or a surrogate (fold the code point). */
export const FOLD_SPECIAL = 0xfffe;

export interface FoldTable {
  /** BMP code unit → folded code unit, FOLD_NOISE or FOLD_SPECIAL. */
  readonly bmp: Uint16Array;
  /** BMP code unit → folded string of two or more units (e.g. ㍿ → 株式会社, ⑩ → 10). */
  readonly expansions: ReadonlyMap<number, string>;
}

// Invisible letters are Lo/So in Unicode but render as nothing: treat them as noise like zero-width spaces.
const INVISIBLE = new Set([0x115f, 0x1160, 0x3164, 0xffa0, 0x2800, 0x180e]);
const NOISE_RE = /^[\p{White_Space}\p{P}\p{S}\p{C}\p{M}]$/u;
const STRIP_MARKS_RE = /[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}]/u;
const MARK_RE = /\p{M}/gu;

export function isNoiseCodePoint(cp: number): boolean {
  return INVISIBLE.has(cp) || NOISE_RE.test(String.fromCodePoint(cp));
}

function mapOne(ch: string, t2s: Map<string, string>): string {
  let x = ch;
  for (let i = 0; i < 4; i++) {
    const y = DIGIT_FORMS[x] ?? LATIN_HOMOGLYPHS[x] ?? CJK_HOMOGLYPHS[x] ?? t2s.get(x) ?? x;
    if (y === x) break;
    x = y;
  }
  return x;
}

/** Fold one code point to its normalised string ('' for noise). Not the hot path: tables are built from this. */
export function foldCodePoint(cp: number): string {
  const t2s = traditionalToSimplified();
  if (INVISIBLE.has(cp)) return '';
  let out = '';
  for (const a of String.fromCodePoint(cp).normalize('NFKC').toLowerCase()) {
    const b = STRIP_MARKS_RE.test(a) ? a.normalize('NFD').replace(MARK_RE, '') : a;
    for (const c of b) {
      const d = mapOne(c, t2s);
      for (const e of d.toLowerCase()) if (!isNoiseCodePoint(e.codePointAt(0)!)) out += e;
    }
  }
  return out;
}

let table: FoldTable | undefined;

export function foldTable(): FoldTable {
  if (table) return table;
  const bmp = new Uint16Array(0x10000);
  const expansions = new Map<number, string>();
  const raw: string[] = new Array(0x10000);
  for (let u = 0; u < 0x10000; u++) raw[u] = u >= 0xd800 && u <= 0xdfff ? '' : foldCodePoint(u);
  // Fold the folded output again until nothing changes, so fold(fold(x)) = fold(x) holds for every character.
  for (let pass = 0; pass < 3; pass++) {
    let changed = false;
    for (let u = 0; u < 0x10000; u++) {
      const s = raw[u]!;
      if (s.length === 0 || (s.length === 1 && raw[s.charCodeAt(0)] === s)) continue;
      let t = '';
      for (const c of s) t += c.length === 1 ? raw[c.charCodeAt(0)]! : c;
      if (t !== s) {
        raw[u] = t;
        changed = true;
      }
    }
    if (!changed) break;
  }
  for (let u = 0; u < 0x10000; u++) {
    const s = raw[u]!;
    if (u >= 0xd800 && u <= 0xdfff) bmp[u] = FOLD_SPECIAL;
    else if (s.length === 0) bmp[u] = FOLD_NOISE;
    else if (s.length === 1) bmp[u] = s.charCodeAt(0);
    else {
      bmp[u] = FOLD_SPECIAL;
      expansions.set(u, s);
    }
  }
  table = { bmp, expansions };
  return table;
}

const astralCache = new Map<number, string>();

/** Fold an astral code point (emoji → noise, 𝐟 → f, CJK Extension B kept or simplified). */
export function foldAstral(cp: number): string {
  let s = astralCache.get(cp);
  if (s === undefined) {
    s = foldCodePoint(cp);
    const t = foldTable();
    // Re-fold BMP output through the table for the same fixed point as the BMP.
    let r = '';
    for (const c of s) {
      const u = c.charCodeAt(0);
      if (c.length === 2) r += c;
      else if (t.bmp[u] === FOLD_SPECIAL) r += t.expansions.get(u) ?? '';
      else if (t.bmp[u] !== FOLD_NOISE) r += String.fromCharCode(t.bmp[u]!);
    }
    s = r;
    astralCache.set(cp, s);
  }
  return s;
}

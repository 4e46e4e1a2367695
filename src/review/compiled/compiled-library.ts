/**
 * A library version compiled for matching: the fold table composed with the automaton's alphabet into one
 * `codeOf` table (one read per input character), the automaton, and compact tables for patterns and entries.
 */
import type { Automaton } from '../automaton/automaton.ts';
import type { StringPool } from '../automaton/sections.ts';
import type { VariantKind } from '../decision.ts';
import type { LibrarySettings } from '../library/model.ts';
import { FOLD_NOISE, FOLD_SPECIAL, foldAstral } from '../normalise/fold.ts';
import type { ReviewAction, RiskCode, Severity } from '../risk.ts';

/** codeOf values: noise (skip, counts towards the gap), and "look closer" (expansion or surrogate pair). */
export const CODE_NOISE = 0xffff;
export const CODE_SPECIAL = 0xfffe;
/** Longest key accepted, in normalised code units (longer entries are reported and left out). */
export const MAX_KEY_UNITS = 256;

export const ROLE_ENTRY = 0;
export const ROLE_ALLOW = 1;
export const ROLE_COMMON = 2;
export const ROLE_COOC = 3;

export const BOUNDARY_NONE = 0;
export const BOUNDARY_WORD = 1;
export const BOUNDARY_COMMON = 2;

/** Index = compact code in the artifact. */
export const PATTERN_VARIANTS: readonly VariantKind[] = ['term', 'pinyin', 'initials', 'homophone', 'split'];

export interface CompiledRegex {
  entry: number;
  source: string;
  flags: string;
  /** The entry's declared longest match (code units), when it has one (regex/bounds.ts). */
  maxLength?: number;
}

export interface CompiledCooccurrence {
  id: string;
  a: string;
  b: string;
  window: number;
  riskCode: RiskCode;
  action: ReviewAction;
  severity: Severity;
}

export interface ArtifactHeader {
  format: 'hegui-compiled-library/1';
  library: { name: string; version: number; contentHash: string; createdAt: string };
  settings: LibrarySettings;
  counts: {
    entries: number;
    termEntries: number;
    regexEntries: number;
    imageEntries: number;
    patterns: number;
    states: number;
    skipped: number;
  };
  /** Longest key in normalised code units; the stream reviewer's hold-back is bounded by it. */
  maxKeyUnits: number;
  regexes: CompiledRegex[];
  cooccurrence: CompiledCooccurrence[];
}

/** A normalised character of an expansion or astral fold: its collapse key and its alphabet codes. */
export interface FoldedChar {
  key: number;
  codes: number[];
}

export interface CompiledLibrary {
  readonly header: ArtifactHeader;
  /** BMP unit → alphabet code, CODE_NOISE, CODE_SPECIAL, or 0 (a letter in no key). */
  readonly codeOf: Uint16Array;
  /** Normalised unit → alphabet code (0 = in no key). */
  readonly alpha: Uint16Array;
  /** The normaliser's BMP fold table (null for a raw library): for checks next to a hit. */
  readonly fold: Uint16Array | null;
  readonly expansions: ReadonlyMap<number, FoldedChar[]>;
  readonly automaton: Automaton;
  readonly ringMask: number;
  readonly patterns: {
    readonly entry: Int32Array;
    readonly role: Uint8Array;
    readonly variant: Uint8Array;
    readonly boundary: Uint8Array;
    readonly form: StringPool;
    /** Minimum repeat count per key character, as char codes ('' when every run is 1). */
    readonly runs: StringPool;
  };
  readonly entries: {
    readonly id: StringPool;
    readonly pattern: StringPool;
    readonly risk: Uint8Array;
    readonly action: Uint8Array;
    readonly severity: Uint8Array;
    /** Pattern kind per entry (index into PATTERN_KINDS: term, regex, image-hash). */
    readonly kind: Uint8Array;
  };
  /** Folded characters of an astral code point (cached per library, alphabet-mapped). */
  astral(cp: number): FoldedChar[];
}

export function foldedChars(s: string, alpha: Uint16Array): FoldedChar[] {
  const out: FoldedChar[] = [];
  for (const c of s) {
    const codes = c.length === 1 ? [alpha[c.charCodeAt(0)]!] : [alpha[c.charCodeAt(0)]!, alpha[c.charCodeAt(1)]!];
    const key = c.length === 1 ? codes[0]! : 0x10000 + c.codePointAt(0)!;
    out.push({ key, codes });
  }
  return out;
}

/** Compose the fold table with the alphabet (or, for a raw library, the alphabet alone). */
export function composeCodeOf(fold: Uint16Array | null, alpha: Uint16Array): Uint16Array {
  if (!fold) return alpha;
  const codeOf = new Uint16Array(0x10000);
  for (let u = 0; u < 0x10000; u++) {
    const f = fold[u]!;
    codeOf[u] = f === FOLD_NOISE ? CODE_NOISE : f === FOLD_SPECIAL ? CODE_SPECIAL : alpha[f]!;
  }
  return codeOf;
}

export function astralFolder(normalise: boolean, alpha: Uint16Array): (cp: number) => FoldedChar[] {
  const cache = new Map<number, FoldedChar[]>();
  return (cp) => {
    let r = cache.get(cp);
    if (!r) {
      r = foldedChars(normalise ? foldAstral(cp) : String.fromCodePoint(cp), alpha);
      if (cache.size < 4096) cache.set(cp, r);
    }
    return r;
  };
}

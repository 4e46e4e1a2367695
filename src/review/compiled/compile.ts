/**
 * Compile a library version: expand variants, normalise every key with the same normaliser as the input, build one
 * automaton over entry terms, variants, allowed phrases, common words and co-occurrence terms, and lay the tables out
 * for the artifact. Runs once per version; review never expands or normalises the library again.
 */
import { buildAutomaton } from '../automaton/build.ts';
import { StringPool } from '../automaton/sections.ts';
import commonWords from '../filters/common-words.json' with { type: 'json' };
import { type FeatureLibraryVersion, PATTERN_KINDS } from '../library/model.ts';
import { foldTable } from '../normalise/fold.ts';
import { normaliseKey } from '../normalise/normalise.ts';
import { regexBounds } from '../regex/bounds.ts';
import { splitRegexPattern } from '../regex/safety.ts';
import { ACTIONS, RISK_CODES } from '../risk.ts';
import { generateVariants } from '../variants/expand.ts';
import {
  type ArtifactHeader,
  astralFolder,
  BOUNDARY_COMMON,
  BOUNDARY_NONE,
  BOUNDARY_WORD,
  type CompiledLibrary,
  composeCodeOf,
  foldedChars,
  MAX_KEY_UNITS,
  PATTERN_VARIANTS,
  ROLE_ALLOW,
  ROLE_COMMON,
  ROLE_COOC,
  ROLE_ENTRY,
} from './compiled-library.ts';

/** The project's common words for the short-term boundary rule (src/review/filters/common-words.json). */
export const BUILT_IN_COMMON_WORDS: readonly string[] = commonWords.words;

export interface CompileReport {
  /** Entries (or variants) left out, with the reason; ids only, never content. */
  skipped: { entryId: string; reason: 'empty-after-normalisation' | 'too-long' }[];
}

const LATIN_KEY = /^[a-z0-9]+$/;

export function compileVersion(
  v: FeatureLibraryVersion,
  name: string,
  report: CompileReport = { skipped: [] },
): CompiledLibrary {
  const normalise = v.settings.normalise;
  const nopts = { fold: normalise };
  const alpha = new Uint16Array(0x10000);
  let alphabetSize = 0;
  const keys: Uint16Array[] = [];
  const pEntry: number[] = [];
  const pRole: number[] = [];
  const pVariant: number[] = [];
  const pBoundary: number[] = [];
  const pForm: string[] = [];
  const pRuns: string[] = [];
  let maxKeyUnits = 1;
  const seen = new Set<string>();

  const addPattern = (
    form: string,
    role: number,
    entry: number,
    variant: number,
    boundary: string,
    ownerId: string,
  ): void => {
    const { key, runs } = normaliseKey(form, nopts);
    if (key.length === 0) {
      if (role === ROLE_ENTRY && variant === 0)
        report.skipped.push({ entryId: ownerId, reason: 'empty-after-normalisation' });
      return;
    }
    if (key.length > MAX_KEY_UNITS) {
      if (role === ROLE_ENTRY) report.skipped.push({ entryId: ownerId, reason: 'too-long' });
      return;
    }
    const dedupe = `${role}\u0000${entry}\u0000${key}`;
    if (seen.has(dedupe)) return;
    seen.add(dedupe);
    const codes = new Uint16Array(key.length);
    for (let i = 0; i < key.length; i++) {
      const u = key.charCodeAt(i);
      if (alpha[u] === 0) alpha[u] = ++alphabetSize;
      codes[i] = alpha[u]!;
    }
    keys.push(codes);
    maxKeyUnits = Math.max(maxKeyUnits, key.length);
    pEntry.push(entry);
    pRole.push(role);
    pVariant.push(variant);
    const chars = [...key].length;
    const b =
      boundary === 'word'
        ? BOUNDARY_WORD
        : boundary === 'common'
          ? BOUNDARY_COMMON
          : boundary === 'none'
            ? BOUNDARY_NONE
            : LATIN_KEY.test(key)
              ? BOUNDARY_WORD
              : chars <= 2
                ? BOUNDARY_COMMON
                : BOUNDARY_NONE;
    pBoundary.push(b);
    pForm.push(form);
    pRuns.push(runs.some((r) => r > 1) ? String.fromCharCode(...runs.map((r) => Math.min(r, 0xffff))) : '');
  };

  const entries = v.entries;
  const regexes: ArtifactHeader['regexes'] = [];
  let termEntries = 0;
  let imageEntries = 0;
  entries.forEach((e, i) => {
    if (e.kind === 'term') {
      termEntries++;
      addPattern(e.pattern, ROLE_ENTRY, i, 0, e.boundary, e.id);
      for (const variant of generateVariants(e.pattern, e.variants))
        addPattern(variant.form, ROLE_ENTRY, i, PATTERN_VARIANTS.indexOf(variant.kind), e.boundary, e.id);
    } else if (e.kind === 'regex') {
      const { source, flags } = splitRegexPattern(e.pattern);
      // Refuses a pattern that cannot be bounded (an entry checked at import always can be).
      regexBounds(source, e.maxLength);
      regexes.push({ entry: i, source, flags, ...(e.maxLength === undefined ? {} : { maxLength: e.maxLength }) });
    } else imageEntries++;
  });
  for (const phrase of v.allow) addPattern(phrase, ROLE_ALLOW, -1, 0, 'none', '');
  for (const word of [...BUILT_IN_COMMON_WORDS, ...v.commonWords]) addPattern(word, ROLE_COMMON, -1, 0, 'none', '');
  v.cooccurrence.forEach((rule, r) => {
    addPattern(rule.a, ROLE_COOC, r * 2, 0, 'auto', rule.id);
    addPattern(rule.b, ROLE_COOC, r * 2 + 1, 0, 'auto', rule.id);
  });

  const automaton = buildAutomaton(keys, alphabetSize);
  const fold = normalise ? foldTable() : null;
  const expansions = new Map<number, ReturnType<typeof foldedChars>>();
  if (fold) for (const [u, s] of fold.expansions) expansions.set(u, foldedChars(s, alpha));
  let ring = 1;
  while (ring <= maxKeyUnits) ring <<= 1;
  const header: ArtifactHeader = {
    format: 'hegui-compiled-library/1',
    library: { name, version: v.version, contentHash: v.contentHash, createdAt: v.createdAt },
    settings: { ...v.settings },
    counts: {
      entries: entries.length,
      termEntries,
      regexEntries: regexes.length,
      imageEntries,
      patterns: keys.length,
      states: automaton.nodeCount,
      skipped: report.skipped.length,
    },
    maxKeyUnits,
    regexes,
    cooccurrence: v.cooccurrence.map(({ rationale: _, ...c }) => c),
  };
  const pool = StringPool.of;
  return {
    header,
    codeOf: composeCodeOf(fold?.bmp ?? null, alpha),
    alpha,
    fold: fold?.bmp ?? null,
    expansions,
    automaton,
    ringMask: ring - 1,
    patterns: {
      entry: Int32Array.from(pEntry),
      role: Uint8Array.from(pRole),
      variant: Uint8Array.from(pVariant),
      boundary: Uint8Array.from(pBoundary),
      form: pool(pForm),
      runs: pool(pRuns),
    },
    entries: {
      id: pool(entries.map((e) => e.id)),
      pattern: pool(entries.map((e) => e.pattern)),
      risk: Uint8Array.from(entries.map((e) => RISK_CODES.indexOf(e.riskCode))),
      action: Uint8Array.from(entries.map((e) => ACTIONS.indexOf(e.action))),
      severity: Uint8Array.from(entries.map((e) => e.severity)),
      kind: Uint8Array.from(entries.map((e) => PATTERN_KINDS.indexOf(e.kind))),
    },
    astral: astralFolder(normalise, alpha),
  };
}

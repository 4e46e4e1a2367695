/**
 * The feature library (特征库, Provisions Art. 10) as data: entries, allow-list, co-occurrence rules and settings,
 * published as immutable versions. A version's content hash is SHA-256 over a canonical serialisation (keys sorted,
 * entries sorted by id, no insignificant whitespace), so two parties can tell whether they hold the same library.
 * Storage lives elsewhere (a file here, a database in the platform); this module only defines and checks the record.
 */
import { sha256Hex } from '../../digest.ts';
import { HeguiError } from '../../errors.ts';
import { MAX_MATCH_LIMIT, regexBounds } from '../regex/bounds.ts';
import { REGEX_PROBLEMS, regexProblem, splitRegexPattern } from '../regex/safety.ts';
import {
  ACTIONS,
  DEFAULT_SEVERITY,
  isRiskCode,
  isSeverity,
  type ReviewAction,
  type RiskCode,
  type Severity,
} from '../risk.ts';
import { GENERATED_VARIANT_KINDS, type GeneratedVariantKind, hasHan } from '../variants/expand.ts';

export type PatternKind = 'term' | 'regex' | 'image-hash';
export const PATTERN_KINDS: readonly PatternKind[] = ['term', 'regex', 'image-hash'];
/** An image entry's pattern: a PDQ hash (near-duplicate match) or a file SHA-256 (exact match), as 64 hex digits. */
export const IMAGE_HASH_PATTERN = /^(pdq|sha256):[0-9a-fA-F]{64}$/;

/**
 * Where a short term may match (see src/review/README.md, "Boundary rules"):
 * - `none`: anywhere;
 * - `word`: not inside a longer Latin/digit run (for Latin keys: "ass" is not in "class");
 * - `common`: not cutting through a common word or an allowed phrase found in the same text ("口交" in "路口交通");
 * - `auto`: `word` for a Latin/digit-only key, `common` for a key of at most 2 characters, else `none`.
 */
export type BoundaryPolicy = 'auto' | 'none' | 'word' | 'common';
export const BOUNDARY_POLICIES: readonly BoundaryPolicy[] = ['auto', 'none', 'word', 'common'];

export interface FeatureEntry {
  id: string;
  kind: PatternKind;
  pattern: string;
  riskCode: RiskCode;
  action: ReviewAction;
  severity: Severity;
  /** Variant kinds generated for this entry when the library is compiled. */
  variants: GeneratedVariantKind[];
  boundary: BoundaryPolicy;
  /**
   * Regex entries: the longest match, in UTF-16 code units (1–4096). Optional: a bounded pattern's is derived from it;
   * an unbounded one defaults to 256, its unbounded repeats limited to fit (src/review/regex/bounds.ts).
   */
  maxLength?: number;
  source: string;
  rationale: string;
  proposedBy?: string;
  approvedBy?: string;
}

/** Every field of an entry besides its id, in the order exports and diffs list them. */
export const ENTRY_FIELDS = [
  'kind',
  'pattern',
  'riskCode',
  'action',
  'severity',
  'variants',
  'boundary',
  'maxLength',
  'source',
  'rationale',
  'proposedBy',
  'approvedBy',
] as const satisfies readonly (keyof FeatureEntry)[];

/** A fires when term `a` and term `b` both occur with at most `window` UTF-16 units between them. */
export interface CooccurrenceRule {
  id: string;
  a: string;
  b: string;
  window: number;
  riskCode: RiskCode;
  action: ReviewAction;
  severity: Severity;
  rationale: string;
}

export interface LibrarySettings {
  /** Normalise library and input (fold, skip noise, collapse repeats). False matches raw text. */
  normalise: boolean;
  /** Most noise characters skipped between two letters of a term. */
  maxGap: number;
}

export const DEFAULT_SETTINGS: LibrarySettings = { normalise: true, maxGap: 3 };

export interface VersionContent {
  settings: LibrarySettings;
  entries: FeatureEntry[];
  /** Allowed phrases: a hit inside an occurrence of one is suppressed there (and only there). */
  allow: string[];
  /** Common words for the `common` boundary rule, added to the project's built-in list. */
  commonWords: string[];
  cooccurrence: CooccurrenceRule[];
}

export interface FeatureLibraryVersion extends VersionContent {
  version: number;
  createdAt: string;
  note: string;
  /** Content hash of the version this one was derived from (null for the first). */
  parent: string | null;
  /** SHA-256 (hex) over the canonical serialisation of everything above. */
  contentHash: string;
}

export const LIBRARY_FORMAT = 'hegui-feature-library/1';

export interface FeatureLibrary {
  format: typeof LIBRARY_FORMAT;
  name: string;
  versions: FeatureLibraryVersion[];
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const keys = Object.keys(v)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

const byId = <T extends { id: string }>(xs: readonly T[]) =>
  [...xs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/** The canonical serialisation a version's hash covers. */
export function canonicalVersion(v: Omit<FeatureLibraryVersion, 'contentHash'>): string {
  return canonical({
    version: v.version,
    createdAt: v.createdAt,
    note: v.note,
    parent: v.parent,
    settings: v.settings,
    entries: byId(v.entries),
    allow: [...new Set(v.allow)].sort(),
    commonWords: [...new Set(v.commonWords)].sort(),
    cooccurrence: byId(v.cooccurrence),
  });
}

export function hashVersion(v: Omit<FeatureLibraryVersion, 'contentHash'>): string {
  return sha256Hex(canonicalVersion(v));
}

export function createLibrary(name: string): FeatureLibrary {
  return { format: LIBRARY_FORMAT, name, versions: [] };
}

export function latestVersion(lib: FeatureLibrary): FeatureLibraryVersion | undefined {
  return lib.versions[lib.versions.length - 1];
}

/** Publish a new immutable version (returns a new library; earlier versions are kept unchanged). */
export function publishVersion(
  lib: FeatureLibrary,
  content: VersionContent,
  opts: { note?: string; now?: Date } = {},
): FeatureLibrary {
  const prev = latestVersion(lib);
  const ids = new Set<string>();
  for (const e of content.entries) {
    if (ids.has(e.id)) throw new HeguiError('malformed', `duplicate entry id ${JSON.stringify(e.id)}`);
    ids.add(e.id);
  }
  const body = {
    version: (prev?.version ?? 0) + 1,
    createdAt: (opts.now ?? new Date()).toISOString(),
    note: opts.note ?? '',
    parent: prev?.contentHash ?? null,
    settings: { ...content.settings },
    entries: byId(content.entries),
    allow: [...new Set(content.allow)].sort(),
    commonWords: [...new Set(content.commonWords)].sort(),
    cooccurrence: byId(content.cooccurrence),
  };
  const version: FeatureLibraryVersion = Object.freeze({ ...body, contentHash: hashVersion(body) });
  return { ...lib, versions: [...lib.versions, version] };
}

/** Check a stored version against its hash (a file edited by hand, or damaged, fails here). */
export function verifyVersion(v: FeatureLibraryVersion): boolean {
  const { contentHash, ...body } = v;
  return hashVersion(body) === contentHash;
}

/** A stable id for an imported entry without one: kind and pattern hashed, so re-imports keep their ids. */
export function entryIdFor(kind: PatternKind, pattern: string): string {
  return `${kind === 'term' ? 't' : kind === 'regex' ? 'r' : 'i'}-${sha256Hex(`${kind}\u0000${pattern}`).slice(0, 16)}`;
}

/** Default variant kinds: initials are opt-in (3–4 letter initials collide with ordinary English words). */
export const DEFAULT_VARIANTS: readonly GeneratedVariantKind[] = ['pinyin', 'homophone', 'split'];

const str = (v: unknown, what: string, where: string): string => {
  if (typeof v !== 'string') throw new HeguiError('malformed', `${where}: ${what} must be a string`);
  return v;
};

/** Build an entry from loosely typed input (CSV row, JSON line), filling defaults and rejecting what cannot work. */
export function toEntry(
  raw: Record<string, unknown>,
  where: string,
  defaults: Partial<FeatureEntry> = {},
): FeatureEntry {
  const kind = (raw['kind'] ?? defaults.kind ?? 'term') as PatternKind;
  if (!PATTERN_KINDS.includes(kind))
    throw new HeguiError('malformed', `${where}: kind must be term, regex or image-hash`);
  const pattern = str(raw['pattern'], 'pattern', where);
  if (pattern.trim() === '') throw new HeguiError('malformed', `${where}: empty pattern`);
  if (kind === 'image-hash' && !IMAGE_HASH_PATTERN.test(pattern)) {
    throw new HeguiError(
      'malformed',
      `${where}: an image-hash pattern is pdq:<64 hex digits> or sha256:<64 hex digits>`,
    );
  }
  const rawMax = raw['maxLength'];
  let maxLength: number | undefined;
  if (rawMax !== undefined && rawMax !== null && rawMax !== '') {
    if (kind !== 'regex') throw new HeguiError('malformed', `${where}: maxLength applies to regex entries only`);
    maxLength = Number(rawMax);
    if (!Number.isInteger(maxLength) || maxLength < 1 || maxLength > MAX_MATCH_LIMIT)
      throw new HeguiError('malformed', `${where}: maxLength must be a whole number from 1 to ${MAX_MATCH_LIMIT}`);
  }
  if (kind === 'regex') {
    const { source, flags } = splitRegexPattern(pattern);
    const problem = regexProblem(source, flags);
    if (problem) throw new HeguiError('malformed', `${where}: regex refused (${REGEX_PROBLEMS[problem]})`);
    try {
      regexBounds(source, maxLength);
    } catch (err) {
      throw new HeguiError('malformed', `${where}: ${(err as Error).message}`);
    }
  }
  const riskCode = String(raw['riskCode'] ?? defaults.riskCode ?? '');
  if (!isRiskCode(riskCode))
    throw new HeguiError('malformed', `${where}: riskCode must be a TC260-003 code such as A.1.f`);
  const action = (raw['action'] || defaults.action || 'review') as ReviewAction;
  if (!ACTIONS.includes(action)) throw new HeguiError('malformed', `${where}: action must be block, review or log`);
  const sevRaw = raw['severity'] === undefined || raw['severity'] === '' ? defaults.severity : Number(raw['severity']);
  const severity = sevRaw ?? DEFAULT_SEVERITY[action];
  if (!isSeverity(severity)) throw new HeguiError('malformed', `${where}: severity must be 1 to 5`);
  let variants: GeneratedVariantKind[];
  const rv = raw['variants'];
  if (rv === undefined || rv === '')
    variants = kind === 'term' && hasHan(pattern) ? [...(defaults.variants ?? DEFAULT_VARIANTS)] : [];
  else {
    const list = Array.isArray(rv)
      ? rv.map(String)
      : String(rv)
          .split(/[|;\s]+/)
          .filter(Boolean);
    for (const k of list)
      if (!(GENERATED_VARIANT_KINDS as readonly string[]).includes(k) && k !== 'none')
        throw new HeguiError(
          'malformed',
          `${where}: unknown variant kind (use pinyin, initials, homophone, split or none)`,
        );
    variants = list.filter((k) => k !== 'none') as GeneratedVariantKind[];
  }
  const boundary = (raw['boundary'] || defaults.boundary || 'auto') as BoundaryPolicy;
  if (!BOUNDARY_POLICIES.includes(boundary))
    throw new HeguiError('malformed', `${where}: boundary must be auto, none, word or common`);
  const id = raw['id'] ? str(raw['id'], 'id', where) : entryIdFor(kind, pattern);
  const e: FeatureEntry = {
    id,
    kind,
    pattern,
    riskCode,
    action,
    severity,
    variants,
    boundary,
    ...(maxLength === undefined ? {} : { maxLength }),
    source: String(raw['source'] ?? defaults.source ?? ''),
    rationale: String(raw['rationale'] ?? defaults.rationale ?? ''),
  };
  if (raw['proposedBy']) e.proposedBy = String(raw['proposedBy']);
  if (raw['approvedBy']) e.approvedBy = String(raw['approvedBy']);
  return e;
}

export function toCooccurrence(raw: Record<string, unknown>, where: string): CooccurrenceRule {
  const a = str(raw['a'], 'a', where);
  const b = str(raw['b'], 'b', where);
  const window = Number(raw['window'] ?? 20);
  if (!Number.isInteger(window) || window < 0 || window > 10_000)
    throw new HeguiError('malformed', `${where}: window must be a whole number of characters from 0 to 10000`);
  const base = toEntry({ ...raw, pattern: `${a} … ${b}`, kind: 'term', variants: 'none' }, where);
  return {
    id: raw['id'] ? String(raw['id']) : `c-${entryIdFor('term', `${a}\u0000${b}\u0000${window}`).slice(2)}`,
    a,
    b,
    window,
    riskCode: base.riskCode,
    action: base.action,
    severity: base.severity,
    rationale: base.rationale,
  };
}

/**
 * The compiled library as bytes: the artifact a service loads at start (or on a library update) in milliseconds,
 * identified by the SHA-256 of its bytes. The header names the library version (its content hash) it was built from.
 */
import { sha256Hex } from '../../digest.ts';
import { HeguiError, malformed } from '../../errors.ts';
import type { Automaton } from '../automaton/automaton.ts';
import { packSections, type Section, StringPool, unpackSections } from '../automaton/sections.ts';
import { foldTable } from '../normalise/fold.ts';
import {
  type ArtifactHeader,
  astralFolder,
  type CompiledLibrary,
  composeCodeOf,
  foldedChars,
} from './compiled-library.ts';

const MAGIC = 'HGCL';

export function serialiseLibrary(lib: CompiledLibrary): Uint8Array {
  const a = lib.automaton;
  const fold = lib.header.settings.normalise ? foldTable() : null;
  const expKeys = fold ? [...fold.expansions.keys()] : [];
  const exp = StringPool.of(expKeys.map((u) => fold!.expansions.get(u)!)).encode();
  const pool = (name: string, p: StringPool): Record<string, Section> => {
    const { blob, offsets } = p.encode();
    return { [`${name}.blob`]: blob, [`${name}.offsets`]: offsets };
  };
  const sections: Record<string, Section> = {
    alpha: lib.alpha,
    ...(lib.fold ? { fold: lib.fold } : {}),
    'exp.keys': Uint16Array.from(expKeys),
    'exp.blob': exp.blob,
    'exp.offsets': exp.offsets,
    rootNext: a.rootNext,
    base: a.base,
    check: a.check,
    target: a.target,
    fail: a.fail,
    depth: a.depth,
    report: a.report,
    dictLink: a.dictLink,
    outStart: a.outStart,
    outKey: a.outKey,
    'pat.entry': lib.patterns.entry,
    'pat.role': lib.patterns.role,
    'pat.variant': lib.patterns.variant,
    'pat.boundary': lib.patterns.boundary,
    ...pool('pat.form', lib.patterns.form),
    ...pool('pat.runs', lib.patterns.runs),
    ...pool('ent.id', lib.entries.id),
    ...pool('ent.pattern', lib.entries.pattern),
    'ent.risk': lib.entries.risk,
    'ent.action': lib.entries.action,
    'ent.severity': lib.entries.severity,
    'ent.kind': lib.entries.kind,
  };
  return packSections(MAGIC, { ...lib.header, alphabetSize: a.alphabetSize, ringMask: lib.ringMask }, sections);
}

export function artifactHash(bytes: Uint8Array): string {
  return sha256Hex(bytes);
}

export function isCompiledLibrary(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x48 && bytes[1] === 0x47 && bytes[2] === 0x43 && bytes[3] === 0x4c;
}

export function loadLibrary(bytes: Uint8Array): CompiledLibrary {
  const { header: h, sections: s } = unpackSections(MAGIC, bytes);
  const header = h as ArtifactHeader & { alphabetSize: number; ringMask: number };
  if (header?.format !== 'hegui-compiled-library/1')
    throw new HeguiError('format_unsupported', 'compiled library format is not hegui-compiled-library/1');
  const need = <T extends Section>(name: string, ctor: new (...a: never[]) => T): T => {
    const x = s[name];
    if (!(x instanceof ctor)) throw malformed(`compiled library lacks section ${name}`);
    return x;
  };
  const pool = (name: string) =>
    StringPool.load(need(`${name}.blob`, Uint8Array), need(`${name}.offsets`, Uint32Array));
  const n = need('fail', Int32Array).length;
  const automaton: Automaton = {
    alphabetSize: header.alphabetSize,
    nodeCount: n,
    rootNext: need('rootNext', Int32Array),
    base: need('base', Int32Array),
    check: need('check', Int32Array),
    target: need('target', Int32Array),
    fail: need('fail', Int32Array),
    depth: need('depth', Int32Array),
    report: need('report', Int32Array),
    dictLink: need('dictLink', Int32Array),
    outStart: need('outStart', Int32Array),
    outKey: need('outKey', Int32Array),
  };
  checkAutomaton(automaton);
  const alpha = need('alpha', Uint16Array);
  const fold = header.settings.normalise ? need('fold', Uint16Array) : null;
  const expKeys = need('exp.keys', Uint16Array);
  const expStrings = pool('exp');
  const expansions = new Map<number, ReturnType<typeof foldedChars>>();
  for (let i = 0; i < expKeys.length; i++) expansions.set(expKeys[i]!, foldedChars(expStrings.get(i), alpha));
  const { alphabetSize: _a, ringMask, ...rest } = header;
  const patternCount = need('pat.entry', Int32Array).length;
  for (let k = 0; k < automaton.outKey.length; k++)
    if (automaton.outKey[k]! < 0 || automaton.outKey[k]! >= patternCount) throw malformed('compiled library outputs');
  let maxDepth = 0;
  for (let k = 0; k < n; k++) maxDepth = Math.max(maxDepth, automaton.depth[k]!);
  if (!Number.isInteger(ringMask) || ringMask < maxDepth || (ringMask & (ringMask + 1)) !== 0)
    throw malformed('compiled library ring size');
  return {
    header: rest,
    codeOf: composeCodeOf(fold, alpha),
    alpha,
    fold,
    expansions,
    automaton,
    ringMask,
    patterns: {
      entry: need('pat.entry', Int32Array),
      role: need('pat.role', Uint8Array),
      variant: need('pat.variant', Uint8Array),
      boundary: need('pat.boundary', Uint8Array),
      form: pool('pat.form'),
      runs: pool('pat.runs'),
    },
    entries: {
      id: pool('ent.id'),
      pattern: pool('ent.pattern'),
      risk: need('ent.risk', Uint8Array),
      action: need('ent.action', Uint8Array),
      severity: need('ent.severity', Uint8Array),
      kind: entryKinds(s['ent.kind'], need('ent.severity', Uint8Array).length),
    },
    astral: astralFolder(header.settings.normalise, alpha),
  };
}

/** Entry kinds; an artifact without the section (written before image entries were compiled) holds terms only. */
function entryKinds(section: unknown, count: number): Uint8Array {
  if (section === undefined) return new Uint8Array(count);
  if (!(section instanceof Uint8Array) || section.length !== count) throw malformed('compiled library entry kinds');
  for (const k of section) if (k > 2) throw malformed('compiled library entry kinds');
  return section;
}

/** Bounds every index the hot loop follows, so a damaged artifact fails here instead of misbehaving later. */
function checkAutomaton(a: Automaton): void {
  const n = a.nodeCount;
  const bad = (what: string) => malformed(`compiled library automaton: ${what}`);
  if (a.rootNext.length !== a.alphabetSize + 1 || a.base.length !== n || a.outStart.length !== n + 1)
    throw bad('sizes');
  for (const arr of [a.depth, a.report, a.dictLink]) if (arr.length !== n) throw bad('sizes');
  if (a.check.length !== a.target.length) throw bad('double array');
  for (let i = 0; i < a.rootNext.length; i++) if (a.rootNext[i]! < 0 || a.rootNext[i]! >= n) throw bad('root');
  for (let t = 0; t < a.check.length; t++) {
    const p = a.check[t]!;
    if (p < -1 || p >= n || (p !== -1 && (a.target[t]! <= 0 || a.target[t]! >= n))) throw bad('double array');
  }
  for (let s = 0; s < n; s++) {
    // Every probe base[s] + c (1 ≤ c ≤ alphabetSize) must fall inside the arrays.
    if (a.base[s]! < 0 || a.base[s]! + a.alphabetSize >= a.check.length) throw bad('base');
    if (
      a.fail[s]! < 0 ||
      a.fail[s]! >= n ||
      a.report[s]! < -1 ||
      a.report[s]! >= n ||
      a.dictLink[s]! < -1 ||
      a.dictLink[s]! >= n
    )
      throw bad('links');
    if (a.outStart[s]! > a.outStart[s + 1]!) throw bad('ranges');
    // Failure links must go strictly up, or a step could loop for ever.
    if (s !== 0 && a.depth[a.fail[s]!]! >= a.depth[s]!) throw bad('failure link depth');
  }
  if (a.depth[0] !== 0) throw bad('root depth');
  if (a.outStart[n] !== a.outKey.length) throw bad('outputs');
}

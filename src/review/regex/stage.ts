/**
 * The regex stage: entries of kind `regex`, run over the ORIGINAL text (not the normalised one: a regex author
 * writes for the text as users type it). Bounded three ways, because a running regex cannot be stopped:
 * patterns are checked at import (regex/safety.ts), each exec sees at most `window` code units (long inputs are
 * scanned in overlapping windows), and the stage stops between execs once `budgetMs` is spent, saying so.
 */
import type { CompiledLibrary } from '../compiled/compiled-library.ts';
import type { Span, TextHit } from '../decision.ts';
import { ACTIONS, RISK_CODES, type Severity } from '../risk.ts';

export interface RegexStageOptions {
  /** Wall-clock budget for the whole stage per input (default 50 ms). */
  budgetMs?: number;
  /** Longest slice one exec sees (default 4096 code units). */
  window?: number;
  /** Overlap between windows: matches longer than this may be missed at a window edge (default 256). */
  overlap?: number;
  /** Stop collecting a regex's matches after this many (default 100). */
  maxMatchesPerEntry?: number;
}

export interface RegexStageResult {
  hits: TextHit[];
  complete: boolean;
  entriesSkipped: number;
}

const compiled = new WeakMap<CompiledLibrary, RegExp[]>();

function regexesOf(lib: CompiledLibrary): RegExp[] {
  let r = compiled.get(lib);
  if (!r) {
    r = lib.header.regexes.map((x) => new RegExp(x.source, `${x.flags.replace(/[gyu]/g, '')}gu`));
    compiled.set(lib, r);
  }
  return r;
}

export function runRegexStage(
  lib: CompiledLibrary,
  text: string,
  opts: RegexStageOptions = {},
  allow: readonly Span[] = [],
): RegexStageResult {
  const list = lib.header.regexes;
  if (list.length === 0) return { hits: [], complete: true, entriesSkipped: 0 };
  const budget = opts.budgetMs ?? 50;
  const window = Math.max(64, opts.window ?? 4096);
  const overlap = Math.min(window >> 1, opts.overlap ?? 256);
  const maxMatches = opts.maxMatchesPerEntry ?? 100;
  const res = regexesOf(lib);
  const started = performance.now();
  const hits: TextHit[] = [];
  const E = lib.entries;
  for (let r = 0; r < list.length; r++) {
    const e = list[r]!.entry;
    const re = res[r]!;
    const seen = new Set<string>();
    let count = 0;
    for (let from = 0; from < text.length || from === 0; from += window - overlap) {
      if (performance.now() - started > budget) return { hits, complete: false, entriesSkipped: list.length - r };
      const slice = text.slice(from, from + window);
      re.lastIndex = 0;
      for (let m = re.exec(slice); m && count < maxMatches; m = re.exec(slice)) {
        if (m[0].length === 0) {
          re.lastIndex++;
          continue;
        }
        const span = { start: from + m.index, end: from + m.index + m[0].length };
        const key = `${span.start}:${span.end}`;
        if (seen.has(key) || allow.some((a) => a.start <= span.start && span.end <= a.end)) continue;
        seen.add(key);
        count++;
        hits.push({
          kind: 'text',
          entryId: E.id.get(e),
          pattern: E.pattern.get(e),
          riskCode: RISK_CODES[E.risk[e]!]!,
          action: ACTIONS[E.action[e]!]!,
          severity: E.severity[e]! as Severity,
          variant: { kind: 'regex', form: list[r]!.source },
          span,
          matchedText: text.slice(span.start, span.end),
        });
      }
      if (from + window >= text.length) break;
    }
  }
  return { hits, complete: true, entriesSkipped: 0 };
}

/** Small libraries built in memory for the review tests. */
import { compileVersion } from '../../src/review/compiled/compile.ts';
import type { CompiledLibrary } from '../../src/review/compiled/compiled-library.ts';
import {
  type CooccurrenceRule,
  createLibrary,
  DEFAULT_SETTINGS,
  type FeatureLibraryVersion,
  type LibrarySettings,
  publishVersion,
  toEntry,
} from '../../src/review/library/model.ts';

export type EntrySpec = { pattern: string } & Record<string, unknown>;

export function version(
  entries: (EntrySpec | string)[],
  extra: {
    allow?: string[];
    commonWords?: string[];
    cooccurrence?: CooccurrenceRule[];
    settings?: Partial<LibrarySettings>;
  } = {},
): FeatureLibraryVersion {
  const lib = publishVersion(
    createLibrary('test'),
    {
      settings: { ...DEFAULT_SETTINGS, ...extra.settings },
      entries: entries.map((e, i) =>
        toEntry(
          {
            id: `e${i}`,
            riskCode: 'A.1.h',
            action: 'block',
            variants: 'none',
            source: 'test',
            ...(typeof e === 'string' ? { pattern: e } : e),
          },
          `entry ${i}`,
        ),
      ),
      allow: extra.allow ?? [],
      commonWords: extra.commonWords ?? [],
      cooccurrence: extra.cooccurrence ?? [],
    },
    { now: new Date('2026-01-01T00:00:00Z') },
  );
  return lib.versions[0]!;
}

export function compile(entries: (EntrySpec | string)[], extra: Parameters<typeof version>[1] = {}): CompiledLibrary {
  return compileVersion(version(entries, extra), 'test');
}

export const rule = (
  a: string,
  b: string,
  window: number,
  action: 'block' | 'review' | 'log' = 'review',
): CooccurrenceRule => ({
  id: `c-${a}-${b}`,
  a,
  b,
  window,
  riskCode: 'A.1.h',
  action,
  severity: 3,
  rationale: '',
});

/** Shared test data: the `shared` folder next to the repository, or $HEGUI_TESTDATA (a testdata folder) if set. */
export const shared = (rel: string) =>
  process.env['HEGUI_TESTDATA']
    ? new URL(rel, `file://${process.env['HEGUI_TESTDATA'].replace(/\/?$/, '/')}`)
    : new URL(`../../../shared/testdata/${rel}`, import.meta.url);

import { extname } from 'node:path';
import { summariseResults, type VerifySummary } from './summary.ts';
import type { VerifyResult } from './verify.ts';

/** One audited file: its verification, or the error that kept it from being verified. */
export interface AuditEntry {
  file: string;
  result?: VerifyResult;
  error?: { code: string; message: string };
}

/** What a regulator or app store keeps of an audit run: how it was run, the summary, every file. */
export interface AuditReport {
  tool: { name: 'hegui'; version: string };
  generatedAt: string;
  /** The folders and files audited, as given. */
  inputs: string[];
  trustList: string | null;
  /** Present when a sample was drawn: how many files were found, how many audited, the seed to draw them again. */
  sample: { population: number; size: number; seed: number } | null;
  /**
   * Files met in the folders whose format no codec recognises: not audited, and not counted in the summary (a folder
   * of outputs also holds sidecars, logs, archives). Reported by number, per extension (`.zip`, `(none)`) and by
   * path, so an auditor sees what was left out and can name a file to have it verified (then a failure,
   * `format_unknown`).
   */
  skipped: number;
  skippedByExtension: Record<string, number>;
  skippedFiles: string[];
  summary: VerifySummary & { unreadable: number };
  files: AuditEntry[];
}

/** Counts per lower-cased extension (`.zip`), `(none)` for a name without one; the most frequent first. */
function byExtension(files: readonly string[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const f of files) {
    const ext = extname(f).toLowerCase() || '(none)';
    counts.set(ext, (counts.get(ext) ?? 0) + 1);
  }
  return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}

export function buildAuditReport(
  entries: AuditEntry[],
  meta: Pick<AuditReport, 'inputs' | 'trustList' | 'sample'> & {
    version: string;
    now?: Date;
    /** The files skipped in the folders (format not recognised). */
    skipped?: readonly string[];
  },
): AuditReport {
  const results = entries.flatMap((e) => (e.result ? [e.result] : []));
  const summary = summariseResults(results);
  const unreadable = entries.length - results.length;
  // An unreadable file is a failed one: the summary counts every entry.
  summary.files += unreadable;
  summary.failed += unreadable;
  summary.passRate = summary.files ? summary.passed / summary.files : 0;
  return {
    tool: { name: 'hegui', version: meta.version },
    generatedAt: (meta.now ?? new Date()).toISOString(),
    inputs: meta.inputs,
    trustList: meta.trustList,
    sample: meta.sample,
    skipped: meta.skipped?.length ?? 0,
    skippedByExtension: byExtension(meta.skipped ?? []),
    skippedFiles: [...(meta.skipped ?? [])],
    summary: { ...summary, unreadable },
    files: entries,
  };
}

import type { Severity, VerifyFindingCode } from './findings.ts';
import type { Outcome, VerifyResult } from './verify.ts';

export interface VerifySummary {
  files: number;
  passed: number;
  failed: number;
  /** passed / files, 0 for no files. */
  passRate: number;
  outcomes: Record<Outcome, number>;
  /** Per format name (or "unrecognised"): files and how many passed. */
  byFormat: Record<string, { files: number; passed: number }>;
  /** Per finding code: how many files have it, at its most severe. */
  byFinding: Partial<Record<VerifyFindingCode, { files: number; severity: Severity }>>;
  /** Files by the Label they carry. */
  byLabel: Record<'1' | '2' | '3' | 'none', number>;
  /** Files whose producer signature verified against a trusted key and whose content binding matched. */
  signedAndBound: number;
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export function summariseResults(results: readonly VerifyResult[]): VerifySummary {
  const s: VerifySummary = {
    files: results.length,
    passed: 0,
    failed: 0,
    passRate: 0,
    outcomes: { compliant: 0, noncompliant: 0, inconclusive: 0, not_found: 0 },
    byFormat: {},
    byFinding: {},
    byLabel: { '1': 0, '2': 0, '3': 0, none: 0 },
    signedAndBound: 0,
  };
  for (const r of results) {
    if (r.passed) s.passed++;
    else s.failed++;
    s.outcomes[r.outcome]++;
    const name = r.format?.name ?? 'unrecognised';
    const f = s.byFormat[name] ?? { files: 0, passed: 0 };
    s.byFormat[name] = f;
    f.files++;
    if (r.passed) f.passed++;
    s.byLabel[r.verdict.label ?? 'none']++;
    const seen = new Map<VerifyFindingCode, Severity>();
    for (const x of r.findings) {
      const had = seen.get(x.code);
      if (!had || RANK[x.severity] > RANK[had]) seen.set(x.code, x.severity);
    }
    for (const [code, severity] of seen) {
      const e = s.byFinding[code] ?? { files: 0, severity };
      s.byFinding[code] = e;
      e.files++;
      if (RANK[severity] > RANK[e.severity]) e.severity = severity;
    }
    const producer = r.signatures.find((x) => x.role === 'producer');
    if (producer?.status === 'valid' && producer.binding?.status === 'match') s.signedAndBound++;
  }
  s.passRate = s.files ? s.passed / s.files : 0;
  return s;
}

/**
 * Coverage of a keyword library against TC260-003 (content-safety.md §2): at least 10,000 entries covering the 17
 * risks of A.1 and A.2, at least 200 per A.1 risk and 100 per A.2 risk, updated at least weekly. The minimums are
 * options because some figures reach us through secondary sources.
 */
import { RISKS, type RiskCode } from '../risk.ts';
import type { FeatureLibraryVersion } from './model.ts';

export interface CoverageMinimums {
  total: number;
  perA1: number;
  perA2: number;
  /** Days without a new version before the report warns. */
  maxAgeDays: number;
}

export const TC260_MINIMUMS: CoverageMinimums = { total: 10_000, perA1: 200, perA2: 100, maxAgeDays: 7 };

export interface RiskCoverage {
  code: RiskCode;
  zh: string;
  en: string;
  count: number;
  /** null where TC260-003 sets no keyword minimum (A.3–A.5). */
  minimum: number | null;
  ok: boolean;
}

export interface CoverageReport {
  library: { version: number; contentHash: string; createdAt: string };
  /** Text keyword entries (terms and regexes); generated variants are not counted. */
  total: number;
  minimumTotal: number;
  imageEntries: number;
  risks: RiskCoverage[];
  ageDays: number;
  stale: boolean;
  ok: boolean;
  /** One line per shortfall, for people. */
  shortfalls: string[];
}

export function coverage(
  v: FeatureLibraryVersion,
  now = new Date(),
  min: CoverageMinimums = TC260_MINIMUMS,
): CoverageReport {
  const counts = new Map<string, number>();
  let total = 0;
  let imageEntries = 0;
  for (const e of v.entries) {
    if (e.kind === 'image-hash') {
      imageEntries++;
      continue;
    }
    total++;
    counts.set(e.riskCode, (counts.get(e.riskCode) ?? 0) + 1);
  }
  const shortfalls: string[] = [];
  const risks = RISKS.map((r) => {
    const count = counts.get(r.code) ?? 0;
    const minimum = r.category === 'A.1' ? min.perA1 : r.category === 'A.2' ? min.perA2 : null;
    const ok = minimum === null || count >= minimum;
    if (!ok) shortfalls.push(`${r.code} ${r.en}: ${count} of ${minimum}`);
    return { code: r.code, zh: r.zh, en: r.en, count, minimum, ok };
  });
  if (total < min.total) shortfalls.unshift(`total: ${total} of ${min.total} entries`);
  const ageDays = Math.max(0, (now.getTime() - Date.parse(v.createdAt)) / 86_400_000);
  const stale = ageDays >= min.maxAgeDays;
  if (stale)
    shortfalls.push(`last version is ${Math.floor(ageDays)} days old (update at least every ${min.maxAgeDays} days)`);
  return {
    library: { version: v.version, contentHash: v.contentHash, createdAt: v.createdAt },
    total,
    minimumTotal: min.total,
    imageEntries,
    risks,
    ageDays,
    stale,
    ok: shortfalls.length === 0,
    shortfalls,
  };
}

/**
 * The TC260 corpus thresholds (TC260-003 §5.1, shared/spec/content-safety.md §2): reject a source with more than 5%
 * illegal content; a manual sample of at least 4,000 items with at least 96% qualified; a technical (keyword or model)
 * sample of at least 10% of the items with at least 98% qualified. Configurable, defaulting to those figures.
 */
export interface ScreeningThresholds {
  maxIllegalRate: number;
  manualMinItems: number;
  manualMinQualifiedRate: number;
  technicalMinSampleRate: number;
  technicalMinQualifiedRate: number;
}

export const TC260_THRESHOLDS: ScreeningThresholds = Object.freeze({
  maxIllegalRate: 0.05,
  manualMinItems: 4000,
  manualMinQualifiedRate: 0.96,
  technicalMinSampleRate: 0.1,
  technicalMinQualifiedRate: 0.98,
});

export const SCREENING_METHODS = ['keyword', 'model', 'manual'] as const;
export type ScreeningMethod = (typeof SCREENING_METHODS)[number];

export interface Screening {
  method: ScreeningMethod;
  sampled: number;
  illegal: number;
  qualified: number;
  performedAt: string;
}

export interface ThresholdCheck {
  name: 'illegal_rate' | 'manual_sample' | 'technical_sample';
  status: 'pass' | 'fail' | 'missing';
  value: number | null;
  detail: string;
}

export interface ScreeningVerdict {
  status: 'pass' | 'fail' | 'incomplete';
  checks: ThresholdCheck[];
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

/**
 * The verdict on one dataset from its latest screening per method. Illegal rate: the highest of the latest screenings
 * (any method). Manual: the latest manual screening. Technical: the better of the latest keyword and model screenings.
 * `fail` when any check fails; `incomplete` when none fails but one has no screening yet.
 */
export function judgeScreenings(items: number, screenings: Screening[], t: ScreeningThresholds): ScreeningVerdict {
  const latest = new Map<ScreeningMethod, Screening>();
  for (const s of [...screenings].sort((a, b) => a.performedAt.localeCompare(b.performedAt))) latest.set(s.method, s);
  const checks: ThresholdCheck[] = [];

  const sampled = [...latest.values()].filter((s) => s.sampled > 0);
  if (sampled.length === 0) {
    checks.push({ name: 'illegal_rate', status: 'missing', value: null, detail: 'no screening recorded' });
  } else {
    const worst = Math.max(...sampled.map((s) => s.illegal / s.sampled));
    checks.push({
      name: 'illegal_rate',
      status: worst > t.maxIllegalRate ? 'fail' : 'pass',
      value: worst,
      detail: `${pct(worst)} illegal (reject the source above ${pct(t.maxIllegalRate)})`,
    });
  }

  const manual = latest.get('manual');
  if (!manual || manual.sampled === 0) {
    checks.push({ name: 'manual_sample', status: 'missing', value: null, detail: 'no manual sample recorded' });
  } else {
    const rate = manual.qualified / manual.sampled;
    const ok = manual.sampled >= t.manualMinItems && rate >= t.manualMinQualifiedRate;
    checks.push({
      name: 'manual_sample',
      status: ok ? 'pass' : 'fail',
      value: rate,
      detail: `${manual.sampled} items, ${pct(rate)} qualified (needs ≥ ${t.manualMinItems} items, ≥ ${pct(t.manualMinQualifiedRate)})`,
    });
  }

  const technical = (['keyword', 'model'] as const)
    .map((m) => latest.get(m))
    .filter((s): s is Screening => s !== undefined && s.sampled > 0)
    .map((s) => ({ s, share: items > 0 ? s.sampled / items : 0, rate: s.qualified / s.sampled }))
    .sort((a, b) => Number(passes(b)) - Number(passes(a)) || b.rate - a.rate);
  function passes(x: { share: number; rate: number }): boolean {
    return x.share >= t.technicalMinSampleRate && x.rate >= t.technicalMinQualifiedRate;
  }
  const best = technical[0];
  if (!best) {
    checks.push({ name: 'technical_sample', status: 'missing', value: null, detail: 'no technical sample recorded' });
  } else {
    checks.push({
      name: 'technical_sample',
      status: passes(best) ? 'pass' : 'fail',
      value: best.rate,
      detail:
        `${best.s.method}: ${pct(best.share)} of the items sampled, ${pct(best.rate)} qualified ` +
        `(needs ≥ ${pct(t.technicalMinSampleRate)} sampled, ≥ ${pct(t.technicalMinQualifiedRate)})`,
    });
  }
  const status = checks.some((c) => c.status === 'fail')
    ? 'fail'
    : checks.some((c) => c.status === 'missing')
      ? 'incomplete'
      : 'pass';
  return { status, checks };
}

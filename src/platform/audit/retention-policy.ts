/**
 * How long each record type keeps its payload. The Cybersecurity Law (Art. 21) requires network logs to be kept at
 * least six months, and so does Measures Art. 9 for recipients of unlabelled content; the Generative AI Interim
 * Measures (Art. 11) ask not to keep user-identifying records beyond need. So retention is configured per type, and a
 * configuration under six months is refused when the log starts rather than quietly raised.
 *
 * Periods: "<n>d" days, "<n>m" months, "<n>y" years, or "forever". Keys: an exact type ("gateway.request"), a prefix
 * ("gateway.*", the longest wins), and "default" for every other type (default: forever).
 */
import { HeguiError } from '../../errors.ts';

export type RetentionPeriod = { months: number } | { days: number } | 'forever';

export interface RetentionConfig {
  default?: string;
  types?: Record<string, string>;
}

export const LEGAL_MINIMUM_MONTHS = 6;
/** Six calendar months are at most 184 days (e.g. 1 Jul – 31 Dec + 1). */
const LEGAL_MINIMUM_DAYS = 184;

export function parseRetentionPeriod(spec: string): RetentionPeriod | null {
  const s = spec.trim().toLowerCase();
  if (s === 'forever') return 'forever';
  const m = /^(\d{1,5})\s*(d|m|y)$/.exec(s);
  if (!m) return null;
  const n = Number(m[1]);
  if (m[2] === 'd') return { days: n };
  return { months: m[2] === 'y' ? n * 12 : n };
}

function belowMinimum(p: RetentionPeriod): boolean {
  if (p === 'forever') return false;
  return 'days' in p ? p.days < LEGAL_MINIMUM_DAYS : p.months < LEGAL_MINIMUM_MONTHS;
}

/** `at` minus the period (calendar months in UTC, the day clamped to the month's end), as an ISO string. */
export function subtractPeriod(at: Date, p: { months: number } | { days: number }): string {
  if ('days' in p) return new Date(at.getTime() - p.days * 86_400_000).toISOString();
  const d = new Date(at.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - p.months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d.toISOString();
}

/** The latest moment an entry can have been logged and be purged at `at` by law: six months before. */
export function legalCutoff(at: Date): string {
  return subtractPeriod(at, { months: LEGAL_MINIMUM_MONTHS });
}

export class RetentionPolicy {
  readonly #exact = new Map<string, RetentionPeriod>();
  readonly #prefixes: [string, RetentionPeriod][] = [];
  readonly #fallback: RetentionPeriod;

  /** Throws a `usage` error naming every rule that is malformed or under the legal minimum. */
  constructor(config: RetentionConfig = {}) {
    const problems: string[] = [];
    const take = (key: string, spec: string): RetentionPeriod => {
      const p = typeof spec === 'string' ? parseRetentionPeriod(spec) : null;
      if (p === null) problems.push(`${key}: "${String(spec)}" is not a period (e.g. 180d, 6m, 2y, forever)`);
      else if (belowMinimum(p)) problems.push(`${key}: ${spec} is under the legal minimum of 6 months`);
      return p ?? 'forever';
    };
    this.#fallback = config.default === undefined ? 'forever' : take('default', config.default);
    for (const [type, spec] of Object.entries(config.types ?? {})) {
      const p = take(type, spec);
      if (type.endsWith('.*')) this.#prefixes.push([type.slice(0, -1), p]);
      else this.#exact.set(type, p);
    }
    this.#prefixes.sort((a, b) => b[0].length - a[0].length);
    if (problems.length > 0) {
      throw new HeguiError(
        'usage',
        `log retention refused (Cybersecurity Law Art. 21 requires at least 6 months): ${problems.join('; ')}`,
        { problems: problems.length },
      );
    }
  }

  periodFor(type: string): RetentionPeriod {
    return this.#exact.get(type) ?? this.#prefixes.find(([p]) => type.startsWith(p))?.[1] ?? this.#fallback;
  }

  /** Entries of `type` logged before the returned time may lose their payload at `at`; null: kept forever. */
  cutoff(type: string, at: Date): string | null {
    const p = this.periodFor(type);
    if (p === 'forever') return null;
    // ISO strings of one format: the earlier time sorts first.
    return [subtractPeriod(at, p), legalCutoff(at)].sort()[0]!;
  }
}

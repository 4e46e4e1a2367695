/**
 * The enforcement ladder (Provisions Art. 10: "对违法和不良信息…依法采取警示、限制功能、暂停更新、关闭账号等处置措施"):
 * warning → function restriction → suspension until a time → closure. The default policy is TC260's (TC260-003,
 * 生成式人工智能服务安全基本要求: a user who inputs illegal or harmful content 3 times in a row or 5 times in one day has
 * the service suspended).
 *
 * Precisely, for the strikes of one account (a strike is a request of that user that was blocked):
 * - **points** = the sum of the severity weights of the strikes in the trailing window (`windowHours`, default 24):
 *   "5 in a day" is points ≥ `suspendAtPoints` (5); with all strikes of severity `low` (weight 1) that is 5 blocked
 *   requests, clean requests between them notwithstanding;
 * - **streak** = the number of the account's most recent requests that were all blocked, counted back from the latest
 *   until the first clean request (a request that passed review) or the start of the window: "3 in a row" is
 *   streak ≥ `suspendAtStreak` (3). A clean request resets the streak to 0; it never removes points;
 * - the level the strikes call for: suspension when either limit is reached, else restriction at
 *   `restrictAtPoints` (2), else warning at `warnAtPoints` (1);
 * - an automatic action is taken only when that level is higher than every automatic action already taken in the
 *   window (so the ladder climbs once per window, and starts again when old strikes leave it);
 * - a suspension becomes closure when the account already had `closeAfterSuspensions` − 1 suspensions in the last
 *   `closureWindowDays`.
 */
export const LEVELS = ['warning', 'restriction', 'suspension', 'closure'] as const;
export type Level = (typeof LEVELS)[number];
export const SEVERITIES = ['low', 'medium', 'high'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface EnforcementPolicy {
  windowHours: number;
  weights: Record<Severity, number>;
  warnAtPoints: number;
  restrictAtPoints: number;
  suspendAtPoints: number;
  suspendAtStreak: number;
  /** How long an automatic restriction lasts. */
  restrictionHours: number;
  suspensionHours: number;
  closeAfterSuspensions: number;
  closureWindowDays: number;
  /** What a restriction covers when the blocked request named no function. */
  defaultRestrictedFunctions: string[];
}

export const TC260_DEFAULT_POLICY: EnforcementPolicy = Object.freeze({
  windowHours: 24,
  weights: Object.freeze({ low: 1, medium: 2, high: 5 }),
  warnAtPoints: 1,
  restrictAtPoints: 2,
  suspendAtPoints: 5,
  suspendAtStreak: 3,
  restrictionHours: 24 * 3,
  suspensionHours: 24 * 7,
  closeAfterSuspensions: 3,
  closureWindowDays: 90,
  defaultRestrictedFunctions: Object.freeze(['publish']) as unknown as string[],
});

export function policyWith(overrides: Partial<EnforcementPolicy> = {}): EnforcementPolicy {
  const p = {
    ...TC260_DEFAULT_POLICY,
    ...overrides,
    weights: { ...TC260_DEFAULT_POLICY.weights, ...overrides.weights },
  };
  const ok =
    p.windowHours > 0 &&
    p.warnAtPoints > 0 &&
    p.warnAtPoints <= p.restrictAtPoints &&
    p.restrictAtPoints <= p.suspendAtPoints &&
    p.suspendAtStreak >= 1 &&
    p.suspensionHours > 0 &&
    p.restrictionHours > 0 &&
    p.closeAfterSuspensions >= 1;
  if (!ok) throw new Error('the enforcement policy thresholds must rise: warn ≤ restrict ≤ suspend, all positive');
  return p;
}

export interface RequestOutcome {
  blocked: boolean;
  severity: Severity;
  at: string;
}

export interface LadderState {
  points: number;
  streak: number;
  /** The level the strikes call for, or undefined for none. */
  due: Level | undefined;
}

export function levelRank(l: Level | undefined): number {
  return l === undefined ? -1 : LEVELS.indexOf(l);
}

/** `history`: the account's requests in the window, newest first. */
export function evaluateLadder(policy: EnforcementPolicy, history: readonly RequestOutcome[]): LadderState {
  let points = 0;
  for (const r of history) if (r.blocked) points += policy.weights[r.severity];
  let streak = 0;
  for (const r of history) {
    if (!r.blocked) break;
    streak++;
  }
  const due: Level | undefined =
    points >= policy.suspendAtPoints || streak >= policy.suspendAtStreak
      ? 'suspension'
      : points >= policy.restrictAtPoints
        ? 'restriction'
        : points >= policy.warnAtPoints
          ? 'warning'
          : undefined;
  return { points, streak, due };
}

/**
 * The publishing gate (Provisions Art. 9: "不得为未进行真实身份信息认证的深度合成服务使用者提供信息发布服务"; Art. 8:
 * users accept the current rules). The gateway and the APIs call `check(accountId)` before publishing anything. The
 * gate runs a list of checks and reports every refusal with a stable code, so more checks plug in without changing
 * callers: enforcement restrictions (Art. 10) and the emergency switch (Art. 7, 21) come next.
 */
import type { HeguiErrorCode } from '../../errors.ts';
import type { AgreementService } from '../agreements/agreement-service.ts';
import type { ShortLivedCache } from '../short-lived-cache.ts';
import type { Account } from './account.ts';
import type { AccountStore } from './account-store.ts';
import { type AssuranceLevel, levelAtLeast } from './verification/provider.ts';
import type { VerificationStore } from './verification-store.ts';

export interface GateRefusal {
  code: HeguiErrorCode;
  message: string;
}

export interface GateCheck {
  readonly name: string;
  /** `fn` names the function asked for: `publish` (the default), `face-edit`, `voice-edit`, … */
  check(account: Account, now: Date, fn: string): Promise<GateRefusal | undefined>;
  /**
   * The check bounds its own staleness (the emergency switch reads its state at most 1 s old): the gate runs it on
   * every call rather than holding its answer, so the two bounds do not add up.
   */
  readonly ownsStaleness?: boolean;
}

export interface GateDecision {
  allowed: boolean;
  accountId: string;
  refusals: GateRefusal[];
  checkedAt: string;
}

/** The account and the answers of the checks that may be held (`undefined` in the place of each one run live). */
export interface HeldGateAnswers {
  account: Account | undefined;
  answers: (GateRefusal | undefined)[];
}

export class RealNameGate {
  constructor(
    private readonly accounts: AccountStore,
    private readonly checks: readonly GateCheck[],
    private readonly now: () => Date = () => new Date(),
    /** Answers per account and function, at most its TTL old (src/platform/admission-cache.ts). */
    private readonly held?: ShortLivedCache<HeldGateAnswers>,
  ) {}

  /** Runs every check (not only up to the first refusal), so a user sees everything that is missing at once. */
  async check(accountId: string, fn = 'publish'): Promise<GateDecision> {
    const now = this.now();
    const h = this.held
      ? await this.held.get(`${accountId}\n${fn}`, () => this.#answers(accountId, fn, now))
      : await this.#answers(accountId, fn, now);
    const refusals: GateRefusal[] = [];
    if (!h?.account) refusals.push({ code: 'not_found', message: 'no such account' });
    else {
      for (const [i, c] of this.checks.entries()) {
        const r = c.ownsStaleness ? await c.check(h.account, now, fn) : h.answers[i];
        if (r) refusals.push(r);
      }
    }
    return { allowed: refusals.length === 0, accountId, refusals, checkedAt: now.toISOString() };
  }

  async #answers(accountId: string, fn: string, now: Date): Promise<HeldGateAnswers> {
    const account = await this.accounts.get(accountId);
    const answers: (GateRefusal | undefined)[] = [];
    if (account)
      for (const c of this.checks) answers.push(c.ownsStaleness ? undefined : await c.check(account, now, fn));
    return { account, answers };
  }
}

export const accountActive: GateCheck = {
  name: 'account_active',
  async check(a) {
    return a.status === 'active' ? undefined : { code: 'account_disabled', message: 'the account is disabled' };
  },
};

export function realNameVerified(store: VerificationStore, minLevel: AssuranceLevel = 'low'): GateCheck {
  return {
    name: 'real_name_verified',
    async check(a) {
      const records = await store.listRecords(a.id);
      const ok = records.some((r) => !r.revokedAt && levelAtLeast(r.level, minLevel));
      return ok
        ? undefined
        : {
            code: 'real_name_required',
            message:
              minLevel === 'low'
                ? 'real-name verification is required before publishing'
                : `real-name verification at level "${minLevel}" or higher is required before publishing`,
          };
    },
  };
}

export function agreementsAccepted(agreements: AgreementService): GateCheck {
  return {
    name: 'agreements_accepted',
    async check(a) {
      const missing = await agreements.missingAcceptances(a.id);
      return missing.length === 0
        ? undefined
        : {
            code: 'agreement_required',
            message: `the current ${missing.map((m) => m.kind.replace('_', ' ')).join(', ')} must be accepted`,
          };
    },
  };
}

/**
 * Enforcement (Provisions Art. 10): requests judged per user feed the ladder of enforcement-policy.ts; staff act by hand
 * too. Every action records its reason, evidence, rule and actor, tells the user (a notice they can read) and can be
 * appealed; every write appends its audit event in the same transaction.
 */
import { sql } from 'kysely';
import { sha256Hex } from '../../digest.ts';
import { HeguiError } from '../../errors.ts';
import type { Store, StoreTransaction } from '../../store/index.ts';
import { newId } from '../../store/index.ts';
import type { Actor } from '../actor.ts';
import { actorAccountId, actorRef } from '../actor.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { type EnforcementPolicy, evaluateLadder, type Level, levelRank, type Severity } from './enforcement-policy.ts';
import type {
  ActionRow,
  AppealRow,
  EnforcementDb,
  EnforcementStore,
  NoticeRow,
  RequestRow,
} from './sql-enforcement-store.ts';

export interface RequestInput {
  accountId: string;
  blocked: boolean;
  severity?: Severity;
  rule?: string;
  reason?: string;
  /** The function the request used (publish, face-edit, voice-edit…): what an automatic restriction covers. */
  function?: string;
  evidence?: unknown;
}

export interface ActionInput {
  accountId: string;
  level: Level;
  functions?: string[];
  until?: string;
  reason: string;
  evidence: unknown;
  rule: string;
}

export interface AccountStanding {
  accountId: string;
  closed: boolean;
  suspendedUntil: string | null;
  restrictedFunctions: string[];
  points: number;
  streak: number;
}

const MESSAGES: Record<Level, string> = {
  warning: '警示 Warning: your requests broke the platform rules',
  restriction: '限制功能 Functions restricted',
  suspension: '暂停服务 Account suspended',
  closure: '关闭账号 Account closed',
};

const dbOf = (trx: StoreTransaction | Store['db']) => trx as unknown as EnforcementDb;

export class EnforcementService {
  /**
   * Accounts whose last judged request this instance saw was blocked (from recordRequest and standing, which the
   * publishing gate reads on every request): only for them does a clean request need recording, to end the run.
   */
  readonly #inRun = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly sql: EnforcementStore,
    private readonly log: AuditLog,
    readonly policy: EnforcementPolicy,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** One judged request of a user (the gateway or a reviewer reports it); may climb the ladder. */
  async recordRequest(
    actor: Actor,
    input: RequestInput,
  ): Promise<{ request: RequestRow; action?: ActionRow; points: number; streak: number }> {
    const now = this.now();
    return this.store.transaction(async (trx) => {
      const db = dbOf(trx);
      // One account's requests are judged one at a time, so two at once cannot both miss (or both take) a step of the
      // ladder. SQLite's transactions are serialised already (BEGIN IMMEDIATE); PostgreSQL takes a lock per account.
      if (this.store.dialect.supportsForUpdate) {
        await sql`select pg_advisory_xact_lock(hashtext(${'enforcement:' + input.accountId}))`.execute(trx);
      }
      const request: RequestRow = {
        id: newId(),
        account_id: input.accountId,
        blocked: input.blocked ? 1 : 0,
        severity: input.severity ?? 'low',
        rule: input.rule ?? null,
        reason: input.reason ?? null,
        function: input.function ?? null,
        evidence: input.evidence === undefined ? null : JSON.stringify(input.evidence),
        actor: actorRef(actor),
        at: now.toISOString(),
      };
      await this.sql.insertRequest(db, request);
      const since = new Date(now.getTime() - this.policy.windowHours * 3_600_000).toISOString();
      const history = await this.sql.requestsSince(db, input.accountId, since);
      const state = evaluateLadder(
        this.policy,
        history.map((r) => ({ blocked: r.blocked === 1, severity: r.severity, at: r.at })),
      );
      await this.log.append(trx, {
        type: input.blocked ? 'enforcement.request.blocked' : 'enforcement.request.clean',
        actor: actorRef(actor),
        subject: `account:${input.accountId}`,
        payload: {
          requestId: request.id,
          severity: request.severity,
          rule: request.rule,
          points: state.points,
          streak: state.streak,
        },
      });
      this.#noteRun(input.accountId, state.streak);
      let action: ActionRow | undefined;
      if (input.blocked && state.due) {
        const actions = await this.sql.actionsOf(db, input.accountId);
        const inWindow = actions.filter((a) => a.automatic === 1 && a.created_at > since && !a.lifted_at);
        const highest = inWindow.reduce<Level | undefined>(
          (h, a) => (levelRank(a.level) > levelRank(h) ? a.level : h),
          undefined,
        );
        if (levelRank(state.due) > levelRank(highest)) {
          let level = state.due;
          if (level === 'suspension') {
            const closureSince = new Date(now.getTime() - this.policy.closureWindowDays * 86_400_000).toISOString();
            const earlier = actions.filter((a) => a.level === 'suspension' && a.created_at > closureSince).length;
            if (earlier + 1 >= this.policy.closeAfterSuspensions) level = 'closure';
          }
          const why =
            level === 'warning' || level === 'restriction'
              ? `${state.points} point(s) in ${this.policy.windowHours} h`
              : state.streak >= this.policy.suspendAtStreak
                ? `${state.streak} blocked requests in a row`
                : `${state.points} point(s) in ${this.policy.windowHours} h`;
          action = await this.insertAction(trx, actor, now, true, {
            accountId: input.accountId,
            level,
            functions:
              level === 'restriction'
                ? input.function
                  ? [input.function]
                  : this.policy.defaultRestrictedFunctions
                : [],
            ...(level === 'restriction'
              ? { until: new Date(now.getTime() + this.policy.restrictionHours * 3_600_000).toISOString() }
              : level === 'suspension'
                ? { until: new Date(now.getTime() + this.policy.suspensionHours * 3_600_000).toISOString() }
                : {}),
            reason: `automatic: ${why}`,
            evidence: {
              requestIds: history.filter((r) => r.blocked === 1).map((r) => r.id),
              points: state.points,
              streak: state.streak,
            },
            rule: input.rule ?? 'policy.tc260',
          });
        }
      }
      return { request, ...(action ? { action } : {}), points: state.points, streak: state.streak };
    });
  }

  /** An action taken by staff. */
  async takeAction(actor: Actor, input: ActionInput): Promise<ActionRow> {
    const now = this.now();
    if (input.level === 'restriction' && !input.functions?.length) {
      throw new HeguiError('invalid_request', 'a restriction names the functions it restricts', { field: 'functions' });
    }
    if (input.level === 'suspension' && !input.until) {
      throw new HeguiError('invalid_request', 'a suspension needs the time it ends (until)', { field: 'until' });
    }
    if (input.until && input.until <= now.toISOString()) {
      throw new HeguiError('invalid_request', 'until must be in the future', { field: 'until' });
    }
    return this.store.transaction((trx) => this.insertAction(trx, actor, now, false, input));
  }

  private async insertAction(trx: StoreTransaction, actor: Actor, now: Date, automatic: boolean, input: ActionInput) {
    const db = dbOf(trx);
    const action: ActionRow = {
      id: newId(),
      account_id: input.accountId,
      level: input.level,
      functions: JSON.stringify(input.level === 'restriction' ? (input.functions ?? []) : []),
      until_at: input.level === 'restriction' || input.level === 'suspension' ? (input.until ?? null) : null,
      reason: input.reason,
      evidence: JSON.stringify(input.evidence ?? null),
      rule: input.rule,
      actor: actorRef(actor),
      automatic: automatic ? 1 : 0,
      created_at: now.toISOString(),
      lifted_at: null,
      lifted_by: null,
      lift_reason: null,
    };
    await this.sql.insertAction(db, action);
    const until = action.until_at ? ` until ${action.until_at}` : '';
    const fns = input.level === 'restriction' ? ` (${(input.functions ?? []).join(', ')})` : '';
    const notice: NoticeRow = {
      id: newId(),
      account_id: input.accountId,
      action_id: action.id,
      message: `${MESSAGES[input.level]}${fns}${until}. Reason: ${input.reason}. Rule: ${input.rule}. You may appeal.`,
      created_at: action.created_at,
    };
    await this.sql.insertNotice(db, notice);
    await this.log.append(trx, {
      type: `enforcement.action.${input.level}`,
      actor: actorRef(actor),
      subject: `account:${input.accountId}`,
      payload: {
        actionId: action.id,
        functions: JSON.parse(action.functions),
        until: action.until_at,
        reason: action.reason,
        rule: action.rule,
        evidenceSha256: sha256Hex(action.evidence),
        automatic,
        noticeId: notice.id,
      },
    });
    return action;
  }

  async liftAction(actor: Actor, actionId: string, reason: string): Promise<ActionRow> {
    const now = this.now().toISOString();
    return this.store.transaction(async (trx) => {
      const db = dbOf(trx);
      const a = await this.sql.action(db, actionId);
      if (!a) throw new HeguiError('not_found', 'no such enforcement action');
      if (a.lifted_at) throw new HeguiError('conflict', 'the action was lifted already');
      await this.liftIn(trx, actor, a, now, reason);
      return { ...a, lifted_at: now, lifted_by: actorRef(actor), lift_reason: reason };
    });
  }

  private async liftIn(trx: StoreTransaction, actor: Actor, a: ActionRow, now: string, reason: string) {
    const db = dbOf(trx);
    if (!(await this.sql.liftAction(db, a.id, now, actorRef(actor), reason))) {
      throw new HeguiError('conflict', 'the action was lifted already');
    }
    await this.sql.insertNotice(db, {
      id: newId(),
      account_id: a.account_id,
      action_id: a.id,
      message: `${MESSAGES[a.level]} lifted. Reason: ${reason}.`,
      created_at: now,
    });
    await this.log.append(trx, {
      type: 'enforcement.action.lifted',
      actor: actorRef(actor),
      subject: `account:${a.account_id}`,
      payload: { actionId: a.id, level: a.level, reason },
    });
  }

  /** What is in force for an account now. */
  async standing(accountId: string): Promise<AccountStanding> {
    const now = this.now();
    const db = dbOf(this.store.db);
    const at = now.toISOString();
    const active = (await this.sql.actionsOf(db, accountId)).filter(
      (a) => !a.lifted_at && (a.until_at === null || a.until_at > at),
    );
    const since = new Date(now.getTime() - this.policy.windowHours * 3_600_000).toISOString();
    const state = evaluateLadder(
      this.policy,
      (await this.sql.requestsSince(db, accountId, since)).map((r) => ({
        blocked: r.blocked === 1,
        severity: r.severity,
        at: r.at,
      })),
    );
    const suspensions = active.filter((a) => a.level === 'suspension').map((a) => a.until_at!);
    this.#noteRun(accountId, state.streak);
    return {
      accountId,
      closed: active.some((a) => a.level === 'closure'),
      suspendedUntil: suspensions.length ? suspensions.sort().at(-1)! : null,
      restrictedFunctions: [
        ...new Set(active.filter((a) => a.level === 'restriction').flatMap((a) => JSON.parse(a.functions) as string[])),
      ].sort(),
      points: state.points,
      streak: state.streak,
    };
  }

  /** A clean request of this account may end a run of blocked ones (see `#inRun`). */
  mayHaveStreak(accountId: string): boolean {
    return this.#inRun.has(accountId);
  }

  #noteRun(accountId: string, streak: number): void {
    if (streak > 0) this.#inRun.add(accountId);
    else this.#inRun.delete(accountId);
  }

  actionsOf(accountId: string) {
    return this.sql.actionsOf(dbOf(this.store.db), accountId);
  }

  noticesOf(accountId: string) {
    return this.sql.noticesOf(dbOf(this.store.db), accountId);
  }

  appeals(status?: AppealRow['status']) {
    return this.sql.appeals(dbOf(this.store.db), status);
  }

  /** The user appeals one of their actions (one appeal per action). */
  async appeal(actor: Actor, actionId: string, statement: string): Promise<AppealRow> {
    const accountId = actorAccountId(actor);
    const now = this.now().toISOString();
    return this.store.transaction(async (trx) => {
      const db = dbOf(trx);
      const a = await this.sql.action(db, actionId);
      if (!a || a.account_id !== accountId) throw new HeguiError('not_found', 'no such enforcement action');
      if (await this.sql.appealOfAction(db, actionId)) {
        throw new HeguiError('conflict', 'this action has been appealed already');
      }
      const appeal: AppealRow = {
        id: newId(),
        action_id: actionId,
        account_id: a.account_id,
        statement,
        status: 'open',
        created_at: now,
        decided_at: null,
        decided_by: null,
        decision_reason: null,
      };
      await this.sql.insertAppeal(db, appeal);
      await this.log.append(trx, {
        type: 'enforcement.appeal.filed',
        actor: actorRef(actor),
        subject: `account:${a.account_id}`,
        payload: { appealId: appeal.id, actionId },
      });
      return appeal;
    });
  }

  /** Staff decide an appeal; overturning lifts the action. The user gets a notice either way. */
  async decideAppeal(
    actor: Actor,
    appealId: string,
    outcome: 'upheld' | 'overturned',
    reason: string,
  ): Promise<AppealRow> {
    const now = this.now().toISOString();
    return this.store.transaction(async (trx) => {
      const db = dbOf(trx);
      const ap = await this.sql.appeal(db, appealId);
      if (!ap) throw new HeguiError('not_found', 'no such appeal');
      if (ap.status !== 'open') throw new HeguiError('conflict', 'the appeal was decided already');
      const d = { status: outcome, decided_at: now, decided_by: actorRef(actor), decision_reason: reason };
      if (!(await this.sql.decideAppeal(db, appealId, d))) {
        throw new HeguiError('conflict', 'the appeal was decided already');
      }
      const a = (await this.sql.action(db, ap.action_id))!;
      if (outcome === 'overturned' && !a.lifted_at)
        await this.liftIn(trx, actor, a, now, `appeal overturned: ${reason}`);
      else {
        await this.sql.insertNotice(db, {
          id: newId(),
          account_id: ap.account_id,
          action_id: ap.action_id,
          message: `Appeal ${outcome}. Reason: ${reason}.`,
          created_at: now,
        });
      }
      await this.log.append(trx, {
        type: `enforcement.appeal.${outcome}`,
        actor: actorRef(actor),
        subject: `account:${ap.account_id}`,
        payload: { appealId, actionId: ap.action_id, reason },
      });
      return { ...ap, ...d };
    });
  }
}

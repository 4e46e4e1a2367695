/**
 * The human review queue (Provisions Art. 10: manual review of what the engine cannot decide, user reports, appeals).
 * A reviewer claims an item with an exclusive lock that expires: the claim is one conditional UPDATE (… WHERE
 * claimed_by IS NULL OR claim_expires_at < now) whose affected-row count says who won, on SQLite and PostgreSQL
 * alike, so two reviewers can never decide the same item. A decision on a high-severity item goes to a second
 * reviewer, who must be someone else. Every write appends its audit event in the same transaction.
 */
import { HeguiError } from '../../errors.ts';
import type { ReviewResult } from '../../review/decision.ts';
import type { Store } from '../../store/index.ts';
import { newId } from '../../store/index.ts';
import { type Actor, actorAccountId, actorRef } from '../actor.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { ItemChange, QueueItem, ReviewQueueStore } from './review-queue-store.ts';

export const QUEUES = ['engine', 'report', 'appeal'] as const;
export type QueueName = (typeof QUEUES)[number];
export const DECISIONS = ['allow', 'remove', 'restrict'] as const;
export type QueueDecision = (typeof DECISIONS)[number];

export interface ReviewQueueOptions {
  /** Hours from arrival to the deadline, per queue. */
  deadlineHours: Record<QueueName, number>;
  /** How long a claim holds before another reviewer may take the item. */
  claimMinutes: number;
  /** Severity (1–5) from which a decision needs a second reviewer. */
  secondReviewFrom: number;
}

export const DEFAULT_QUEUE_OPTIONS: ReviewQueueOptions = {
  deadlineHours: { engine: 24, report: 24, appeal: 72 },
  claimMinutes: 15,
  secondReviewFrom: 4,
};

export type { QueueItem };

export interface EnqueueInput {
  queue: QueueName;
  /** What is reviewed: "content:…", "account:…", a ProduceID. */
  subject: string;
  severity?: number;
  /** For the engine queue: the review result that said "review". */
  result?: ReviewResult & { library?: { version: number; contentHash: string } | null };
  /** For reports and appeals: what was said (no personal data in clear). */
  details?: Record<string, unknown>;
}

export interface QueueStats {
  queue: QueueName;
  waiting: number;
  oldestAt: string | null;
  oldestAgeHours: number | null;
  deadlineHours: number;
  /** The oldest item's deadline has passed. */
  overdue: boolean;
}

const person = (a: Actor) => {
  const id = actorAccountId(a);
  return id ? `account:${id}` : actorRef(a);
};

export class ReviewQueueService {
  constructor(
    private readonly store: Store,
    private readonly sql: ReviewQueueStore,
    private readonly audit: AuditLog,
    private readonly o: ReviewQueueOptions,
    private readonly now: () => Date,
  ) {}

  async enqueue(actor: Actor, input: EnqueueInput): Promise<QueueItem> {
    let severity = input.severity ?? 0;
    let evidence: unknown = input.details ?? {};
    if (input.queue === 'engine') {
      if (!input.result) throw new HeguiError('invalid_request', 'an engine item carries the review result');
      if (input.result.decision !== 'review') {
        throw new HeguiError('invalid_request', 'only a "review" decision goes to the queue', {
          decision: input.result.decision,
        });
      }
      for (const h of input.result.hits) severity = Math.max(severity, h.severity);
      evidence = input.result;
    }
    if (!Number.isInteger(severity) || severity < 1 || severity > 5) {
      throw new HeguiError('invalid_request', 'severity is 1 to 5 (or the engine result has hits)');
    }
    const created = this.now();
    const item: QueueItem = {
      id: newId(),
      queue: input.queue,
      subject: input.subject,
      severity,
      evidence: JSON.stringify(evidence),
      library_hash: input.result?.library?.contentHash ?? null,
      status: 'open',
      created_at: created.toISOString(),
      deadline_at: new Date(created.getTime() + this.o.deadlineHours[input.queue] * 3_600_000).toISOString(),
      claimed_by: null,
      claim_expires_at: null,
      first_decision: null,
      first_reason: null,
      first_policy_ref: null,
      first_decided_by: null,
      first_decided_at: null,
      decision: null,
      reason: null,
      policy_ref: null,
      decided_by: null,
      decided_at: null,
    };
    await this.store.transaction(async (trx) => {
      await this.sql.insert(trx, item);
      await this.audit.append(trx, {
        type: 'review_queue.enqueued',
        actor: actorRef(actor),
        subject: `queue_item:${item.id}`,
        payload: { queue: item.queue, subject: item.subject, severity, libraryHash: item.library_hash },
      });
    });
    return item;
  }

  async item(id: string): Promise<QueueItem> {
    const r = await this.sql.get(this.store.db, id);
    if (!r) throw new HeguiError('not_found', 'no such queue item');
    return r;
  }

  async list(queue?: QueueName, status?: string): Promise<QueueItem[]> {
    return this.sql.list(this.store.db, { ...(queue ? { queue } : {}), ...(status ? { status } : {}) });
  }

  /** Take the item for `claimMinutes`. Exactly one of several reviewers claiming at once succeeds. */
  async claim(actor: Actor, id: string): Promise<QueueItem> {
    const me = person(actor);
    const now = this.now();
    const at = now.toISOString();
    const until = new Date(now.getTime() + this.o.claimMinutes * 60_000).toISOString();
    const won = await this.store.transaction(async (trx) => {
      if (!(await this.sql.claim(trx, id, me, at, until))) return false;
      await this.audit.append(trx, {
        type: 'review_queue.claimed',
        actor: actorRef(actor),
        subject: `queue_item:${id}`,
        payload: { until },
      });
      return true;
    });
    const item = await this.item(id);
    if (!won) {
      if (item.status === 'decided') throw new HeguiError('conflict', 'the item is already decided');
      if (item.first_decided_by === me) {
        throw new HeguiError('forbidden', 'the second review is done by another reviewer', { rule: 'second_review' });
      }
      throw new HeguiError('conflict', 'another reviewer holds the item', {
        claimExpiresAt: item.claim_expires_at ?? '',
      });
    }
    return item;
  }

  async release(actor: Actor, id: string): Promise<QueueItem> {
    const me = person(actor);
    const at = this.now().toISOString();
    const item = await this.item(id);
    await this.store.transaction(async (trx) => {
      const held = await this.sql.changeHeld(trx, id, item.status, me, at, {
        claimed_by: null,
        claim_expires_at: null,
      });
      if (!held) throw new HeguiError('conflict', 'you do not hold this item');
      await this.audit.append(trx, {
        type: 'review_queue.released',
        actor: actorRef(actor),
        subject: `queue_item:${id}`,
      });
    });
    return this.item(id);
  }

  /**
   * Decide an item the actor holds. High severity: the first decision moves the item to second review (unclaimed,
   * closed to the first reviewer); the second reviewer's decision is final.
   */
  async decide(
    actor: Actor,
    id: string,
    d: { decision: QueueDecision; reason: string; policyRef: string },
  ): Promise<QueueItem> {
    const me = person(actor);
    const at = this.now().toISOString();
    await this.store.transaction(async (trx) => {
      const item = await this.sql.get(trx, id);
      if (!item) throw new HeguiError('not_found', 'no such queue item');
      if (item.status === 'decided') throw new HeguiError('conflict', 'the item is already decided');
      const first = item.status === 'open' && item.severity >= this.o.secondReviewFrom;
      const set: ItemChange = first
        ? {
            status: 'second_review',
            first_decision: d.decision,
            first_reason: d.reason,
            first_policy_ref: d.policyRef,
            first_decided_by: me,
            first_decided_at: at,
            claimed_by: null,
            claim_expires_at: null,
          }
        : {
            status: 'decided',
            decision: d.decision,
            reason: d.reason,
            policy_ref: d.policyRef,
            decided_by: me,
            decided_at: at,
            claimed_by: null,
            claim_expires_at: null,
          };
      // Only the holder of a live claim decides, and only from the state it read.
      if (!(await this.sql.changeHeld(trx, id, item.status, me, at, set))) {
        throw new HeguiError('conflict', 'claim the item first (your claim is missing or expired)');
      }
      await this.audit.append(trx, {
        type: first ? 'review_queue.first_decision' : 'review_queue.decided',
        actor: actorRef(actor),
        subject: `queue_item:${id}`,
        payload: {
          queue: item.queue,
          severity: item.severity,
          decision: d.decision,
          reason: d.reason,
          policyRef: d.policyRef,
          ...(item.first_decided_by ? { firstDecision: item.first_decision, firstBy: item.first_decided_by } : {}),
        },
      });
    });
    return this.item(id);
  }

  /** Per queue: how many wait, and the oldest one's age against its deadline. */
  async stats(): Promise<QueueStats[]> {
    const now = this.now();
    const out: QueueStats[] = [];
    for (const queue of QUEUES) {
      const w = await this.sql.waiting(this.store.db, queue);
      const oldest = w.oldest;
      const ageHours = oldest ? (now.getTime() - Date.parse(oldest)) / 3_600_000 : null;
      const deadlineHours = this.o.deadlineHours[queue];
      out.push({
        queue,
        waiting: w.count,
        oldestAt: oldest,
        oldestAgeHours: ageHours,
        deadlineHours,
        overdue: ageHours !== null && ageHours > deadlineHours,
      });
    }
    return out;
  }
}

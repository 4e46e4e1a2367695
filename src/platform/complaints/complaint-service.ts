/**
 * Complaints and reports (Provisions Art. 12). Anyone may complain without an account: the complaint gets a receipt
 * number and a secret token (only its hash is kept) that open the complainant's status page. Each complaint carries a
 * due time from its category's deadline in working days; a scheduled check escalates open complaints shortly before
 * that and marks them overdue after it. Every write appends its audit event in the same transaction.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { sha256Hex } from '../../digest.ts';
import { HeguiError } from '../../errors.ts';
import type { Store, StoreTransaction } from '../../store/index.ts';
import { newId } from '../../store/index.ts';
import { type Actor, actorRef } from '../actor.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { type Category, type ComplaintPolicy, clockFor } from './complaint-policy.ts';
import type { ComplaintDb, ComplaintRow, ComplaintStore } from './sql-complaint-store.ts';
import { localDate } from './working-calendar.ts';

export interface ComplaintInput {
  category: Category;
  description: string;
  /** What it is about: a content ID, a ProduceID, a link, a decision's reference. */
  subjectRef?: string;
}

export interface ComplaintStats {
  from: string;
  to: string;
  received: number;
  answered: number;
  answeredInTime: number;
  answeredLate: number;
  open: number;
  overdue: number;
  byCategory: Record<string, number>;
}

const dbOf = (x: StoreTransaction | Store['db']) => x as unknown as ComplaintDb;
const hashToken = sha256Hex;
// Crockford base32 without I, L, O, U: receipts are read out on the phone.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export class ComplaintService {
  constructor(
    private readonly store: Store,
    private readonly sql: ComplaintStore,
    private readonly log: AuditLog,
    readonly policy: ComplaintPolicy,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** A public submission: returns the complaint and the token, shown once. */
  async submit(input: ComplaintInput): Promise<{ complaint: ComplaintRow; token: string }> {
    const at = this.now();
    const token = randomBytes(24).toString('base64url');
    const clock = clockFor(this.policy, input.category, at);
    const receipt = `TS-${localDate(this.policy.calendar, at).replaceAll('-', '')}-${receiptTail()}`;
    const complaint: ComplaintRow = {
      id: newId(),
      receipt,
      token_hash: hashToken(token),
      category: input.category,
      subject_ref: input.subjectRef ?? null,
      description: input.description,
      status: 'open',
      received_at: at.toISOString(),
      due_at: clock.dueAt,
      escalate_at: clock.escalateAt,
      escalated_at: null,
      overdue_at: null,
      answer: null,
      answered_at: null,
      answered_by: null,
    };
    await this.store.transaction(async (trx) => {
      await this.sql.insert(dbOf(trx), complaint);
      await this.log.append(trx, {
        type: 'complaint.received',
        actor: 'anonymous',
        subject: `complaint:${complaint.id}`,
        payload: { receipt, category: input.category, dueAt: clock.dueAt },
      });
    });
    return { complaint, token };
  }

  /** The complainant's view: the receipt and the token must both match (the same answer for either wrong). */
  async status(receipt: string, token: string): Promise<ComplaintRow> {
    const c = await this.sql.byReceipt(dbOf(this.store.db), receipt);
    const given = Buffer.from(hashToken(token));
    if (!c || !timingSafeEqual(given, Buffer.from(c.token_hash))) {
      throw new HeguiError('not_found', 'no complaint with this receipt number and token');
    }
    return c;
  }

  list(f: { status?: ComplaintRow['status']; limit: number; offset: number }) {
    return this.sql.list(dbOf(this.store.db), f);
  }

  async get(id: string): Promise<ComplaintRow> {
    const c = await this.sql.get(dbOf(this.store.db), id);
    if (!c) throw new HeguiError('not_found', 'no such complaint');
    return c;
  }

  /** The answer to the complainant: recorded, and shown on their status page. */
  async answer(actor: Actor, id: string, answer: string): Promise<ComplaintRow> {
    const at = this.now().toISOString();
    return this.store.transaction(async (trx) => {
      const c = await this.sql.get(dbOf(trx), id);
      if (!c) throw new HeguiError('not_found', 'no such complaint');
      if (c.status === 'answered') throw new HeguiError('conflict', 'the complaint was answered already');
      const set = { status: 'answered' as const, answer, answered_at: at, answered_by: actorRef(actor) };
      if (!(await this.sql.answerIfOpen(dbOf(trx), id, set))) {
        throw new HeguiError('conflict', 'the complaint was answered already');
      }
      await this.log.append(trx, {
        type: 'complaint.answered',
        actor: actorRef(actor),
        subject: `complaint:${id}`,
        payload: { receipt: c.receipt, inTime: at <= c.due_at, answerSha256: hashToken(answer) },
      });
      return { ...c, ...set };
    });
  }

  /**
   * The scheduled check: open complaints whose escalation time has come are escalated; those past their due time are
   * marked overdue. Idempotent (each happens once per complaint).
   */
  async runEscalation(actor: Actor): Promise<{ escalated: string[]; overdue: string[] }> {
    const at = this.now().toISOString();
    return this.store.transaction(async (trx) => {
      const escalated: string[] = [];
      const overdue: string[] = [];
      for (const c of await this.sql.needingAttention(dbOf(trx), at)) {
        const set: Partial<ComplaintRow> = {};
        if (!c.escalated_at && c.escalate_at <= at) {
          set.escalated_at = at;
          escalated.push(c.id);
        }
        if (!c.overdue_at && c.due_at < at) {
          set.overdue_at = at;
          overdue.push(c.id);
        }
        await this.sql.update(dbOf(trx), c.id, set);
        for (const [key, type] of [
          ['escalated_at', 'complaint.escalated'],
          ['overdue_at', 'complaint.overdue'],
        ] as const) {
          if (set[key]) {
            await this.log.append(trx, {
              type,
              actor: actorRef(actor),
              subject: `complaint:${c.id}`,
              payload: { receipt: c.receipt, dueAt: c.due_at },
            });
          }
        }
      }
      return { escalated, overdue };
    });
  }

  /** Received in [from, to), and of those: answered in time, answered late, still open, overdue now. */
  async stats(from: string, to: string): Promise<ComplaintStats> {
    const at = this.now().toISOString();
    const rows = await this.sql.receivedBetween(dbOf(this.store.db), from, to);
    const answered = rows.filter((r) => r.status === 'answered');
    const inTime = answered.filter((r) => r.answered_at! <= r.due_at).length;
    const open = rows.filter((r) => r.status === 'open');
    const byCategory: Record<string, number> = {};
    for (const r of rows) byCategory[r.category] = (byCategory[r.category] ?? 0) + 1;
    return {
      from,
      to,
      received: rows.length,
      answered: answered.length,
      answeredInTime: inTime,
      answeredLate: answered.length - inTime,
      open: open.length,
      overdue: open.filter((r) => r.due_at < at).length,
      byCategory,
    };
  }

  /** Runs the check every `everyMs` (default 15 min) until stopped. */
  startEscalationSchedule(everyMs = 15 * 60_000, onError: (e: unknown) => void = () => {}): () => void {
    const timer = setInterval(() => {
      this.runEscalation({ kind: 'system', reason: 'complaint_escalation' }).catch(onError);
    }, everyMs);
    timer.unref();
    return () => clearInterval(timer);
  }
}

function receiptTail(): string {
  const b = randomBytes(8);
  let s = '';
  for (const x of b) s += ALPHABET[x & 31];
  return s;
}

/**
 * Rumour refutation (Provisions Art. 11: "发现利用深度合成服务制作、复制、发布、传播虚假信息的，应当及时采取辟谣措施，
 * 保存有关记录，并向网信部门和有关主管部门报告"). A case links the false content by content ID, content hash and
 * ProduceID; publishing it makes its refutation notice public (a lookup by any linked value returns it) and notifies,
 * through the configured notifiers, every account the generation log shows received that content. Each case exports as
 * one record. Writes append their audit events in the same transaction.
 */
import { sha256Hex } from '../../digest.ts';
import { HeguiError } from '../../errors.ts';
import type { Store, StoreTransaction } from '../../store/index.ts';
import { newId } from '../../store/index.ts';
import { type Actor, actorRef } from '../actor.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Notifier, RumourNotice } from './notifier.ts';
import type {
  CaseRow,
  GenerationRow,
  LinkKind,
  LinkRow,
  NotificationRow,
  RumourDb,
  SqlRumourStore,
} from './sql-rumour-store.ts';

const dbOf = (x: StoreTransaction | Store['db']) => x as unknown as RumourDb;

export interface GenerationInput {
  accountId: string;
  produceId: string;
  /** SHA-256 of the content, hex. */
  contentHash: string;
  contentId?: string;
}

export interface CaseRecord {
  case: CaseRow;
  links: LinkRow[];
  notifications: NotificationRow[];
}

export class RumourService {
  constructor(
    private readonly store: Store,
    private readonly sql: SqlRumourStore,
    private readonly log: AuditLog,
    private readonly notifiers: readonly Notifier[],
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** One generation delivered to a user (the gateway records each). */
  async recordGeneration(actor: Actor, g: GenerationInput): Promise<GenerationRow> {
    return this.store.transaction(async (trx) => {
      const row = await this.insertGeneration(trx, g);
      await this.log.append(trx, {
        type: 'generation.recorded',
        actor: actorRef(actor),
        subject: `account:${g.accountId}`,
        payload: { generationId: row.id, produceId: row.produce_id, contentHash: row.content_hash },
      });
      return row;
    });
  }

  /** The generation row alone, in the caller's transaction (the gateway logs the generation in an event of its own). */
  async insertGeneration(trx: StoreTransaction, g: GenerationInput): Promise<GenerationRow> {
    const row: GenerationRow = {
      id: newId(),
      account_id: g.accountId,
      produce_id: g.produceId,
      content_hash: g.contentHash.toLowerCase(),
      content_id: g.contentId ?? null,
      created_at: this.now().toISOString(),
    };
    await this.sql.insertGeneration(dbOf(trx), row);
    return row;
  }

  async openCase(
    actor: Actor,
    input: { title: string; summary: string; links: { kind: LinkKind; value: string }[] },
  ): Promise<CaseRecord> {
    const at = this.now().toISOString();
    const c: CaseRow = {
      id: newId(),
      title: input.title,
      summary: input.summary,
      status: 'draft',
      notice: null,
      created_by: actorRef(actor),
      created_at: at,
      published_by: null,
      published_at: null,
    };
    const seen = new Set<string>();
    const links: LinkRow[] = [];
    for (const l of input.links) {
      const value = l.kind === 'content_hash' ? l.value.toLowerCase() : l.value;
      if (seen.has(`${l.kind}:${value}`)) continue;
      seen.add(`${l.kind}:${value}`);
      links.push({ id: newId(), case_id: c.id, kind: l.kind, value });
    }
    await this.store.transaction(async (trx) => {
      await this.sql.insertCase(dbOf(trx), c, links);
      await this.log.append(trx, {
        type: 'rumour.case.opened',
        actor: actorRef(actor),
        subject: `rumour:${c.id}`,
        payload: { title: c.title, links: links.map((l) => ({ kind: l.kind, value: l.value })) },
      });
    });
    return { case: c, links, notifications: [] };
  }

  async get(id: string): Promise<CaseRecord> {
    const db = dbOf(this.store.db);
    const c = await this.sql.getCase(db, id);
    if (!c) throw new HeguiError('not_found', 'no such rumour case');
    return { case: c, links: await this.sql.linksOf(db, id), notifications: await this.sql.notificationsOf(db, id) };
  }

  /** Who received the false content, per the generation log. */
  async recipients(id: string): Promise<GenerationRow[]> {
    const { links } = await this.get(id);
    return this.sql.receivedBy(dbOf(this.store.db), links);
  }

  /**
   * Publish the refutation notice, then notify every recipient through every notifier and record each outcome. A
   * failed delivery is recorded as failed (and can be retried with `notify`); it never undoes the publication.
   */
  async publish(actor: Actor, id: string, notice: string): Promise<CaseRecord> {
    const at = this.now().toISOString();
    await this.store.transaction(async (trx) => {
      const c = await this.sql.getCase(dbOf(trx), id);
      if (!c) throw new HeguiError('not_found', 'no such rumour case');
      if (c.status === 'published') throw new HeguiError('conflict', 'the case was published already');
      if (!(await this.sql.publish(dbOf(trx), id, { notice, published_at: at, published_by: actorRef(actor) }))) {
        throw new HeguiError('conflict', 'the case was published already');
      }
      await this.log.append(trx, {
        type: 'rumour.notice.published',
        actor: actorRef(actor),
        subject: `rumour:${id}`,
        payload: { noticeSha256: sha256Hex(notice) },
      });
    });
    await this.notify(actor, id);
    return this.get(id);
  }

  /** Notify the recipients not yet notified successfully on each channel. */
  async notify(actor: Actor, id: string): Promise<{ delivered: number; failed: number }> {
    const rec = await this.get(id);
    if (rec.case.status !== 'published') throw new HeguiError('conflict', 'publish the notice first');
    const done = new Set(
      rec.notifications.filter((n) => n.status === 'delivered').map((n) => `${n.account_id}|${n.channel}`),
    );
    const byAccount = new Map<string, GenerationRow[]>();
    for (const g of await this.sql.receivedBy(dbOf(this.store.db), rec.links)) {
      byAccount.set(g.account_id, [...(byAccount.get(g.account_id) ?? []), g]);
    }
    const rows: NotificationRow[] = [];
    for (const [accountId, gens] of byAccount) {
      const n: RumourNotice = {
        caseId: id,
        accountId,
        title: rec.case.title,
        notice: rec.case.notice!,
        publishedAt: rec.case.published_at!,
        received: gens.map((g) => ({ produceId: g.produce_id, contentId: g.content_id, contentHash: g.content_hash })),
      };
      for (const notifier of this.notifiers) {
        if (done.has(`${accountId}|${notifier.channel}`)) continue;
        const outcome = await notifier.notify(n).then(
          () => ({ status: 'delivered' as const, detail: null }),
          (e: unknown) => ({
            status: 'failed' as const,
            detail: e instanceof Error ? e.message.slice(0, 300) : 'failed',
          }),
        );
        rows.push({
          id: newId(),
          case_id: id,
          account_id: accountId,
          channel: notifier.channel,
          ...outcome,
          at: this.now().toISOString(),
        });
      }
    }
    const delivered = rows.filter((r) => r.status === 'delivered').length;
    await this.store.transaction(async (trx) => {
      await this.sql.insertNotifications(dbOf(trx), rows);
      await this.log.append(trx, {
        type: 'rumour.users.notified',
        actor: actorRef(actor),
        subject: `rumour:${id}`,
        payload: { accounts: byAccount.size, delivered, failed: rows.length - delivered },
      });
    });
    return { delivered, failed: rows.length - delivered };
  }

  /** The public lookup: published notices that link this content ID, hash or ProduceID. */
  async lookup(kind: LinkKind, value: string): Promise<CaseRow[]> {
    return this.sql.publishedFor(dbOf(this.store.db), kind, kind === 'content_hash' ? value.toLowerCase() : value);
  }

  /** The whole record of a case with its recipients, for the file and for regulators (Art. 11: 保存有关记录). */
  async export(id: string) {
    const rec = await this.get(id);
    const recipients = await this.recipients(id);
    return { exportedAt: this.now().toISOString(), ...rec, recipients };
  }
}

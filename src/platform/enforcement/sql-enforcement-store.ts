/** The enforcement tables (migration 0010_enforcement) and the queries the service needs. */
import type { Kysely, Transaction } from 'kysely';
import type { Level, Severity } from './enforcement-policy.ts';

export interface EnforcementTables {
  enforcement_request: {
    id: string;
    account_id: string;
    blocked: number;
    severity: Severity;
    rule: string | null;
    reason: string | null;
    function: string | null;
    evidence: string | null;
    actor: string;
    at: string;
  };
  enforcement_action: {
    id: string;
    account_id: string;
    level: Level;
    functions: string;
    until_at: string | null;
    reason: string;
    evidence: string;
    rule: string;
    actor: string;
    automatic: number;
    created_at: string;
    lifted_at: string | null;
    lifted_by: string | null;
    lift_reason: string | null;
  };
  enforcement_notice: { id: string; account_id: string; action_id: string; message: string; created_at: string };
  enforcement_appeal: {
    id: string;
    action_id: string;
    account_id: string;
    statement: string;
    status: 'open' | 'upheld' | 'overturned';
    created_at: string;
    decided_at: string | null;
    decided_by: string | null;
    decision_reason: string | null;
  };
}

export type RequestRow = EnforcementTables['enforcement_request'];
export type ActionRow = EnforcementTables['enforcement_action'];
export type NoticeRow = EnforcementTables['enforcement_notice'];
export type AppealRow = EnforcementTables['enforcement_appeal'];
export type EnforcementDb = Kysely<EnforcementTables> | Transaction<EnforcementTables>;

/** The store interface of the slice; `SqlEnforcementStore` is its one implementation (both dialects). */
export interface EnforcementStore {
  insertRequest(db: EnforcementDb, r: RequestRow): Promise<void>;
  requestsSince(db: EnforcementDb, accountId: string, since: string): Promise<RequestRow[]>;
  insertAction(db: EnforcementDb, a: ActionRow): Promise<void>;
  action(db: EnforcementDb, id: string): Promise<ActionRow | undefined>;
  actionsOf(db: EnforcementDb, accountId: string): Promise<ActionRow[]>;
  /** False when the action was lifted already (by a concurrent request). */
  liftAction(db: EnforcementDb, id: string, at: string, by: string, reason: string): Promise<boolean>;
  insertNotice(db: EnforcementDb, n: NoticeRow): Promise<void>;
  noticesOf(db: EnforcementDb, accountId: string): Promise<NoticeRow[]>;
  insertAppeal(db: EnforcementDb, a: AppealRow): Promise<void>;
  appeal(db: EnforcementDb, id: string): Promise<AppealRow | undefined>;
  appealOfAction(db: EnforcementDb, actionId: string): Promise<AppealRow | undefined>;
  appeals(db: EnforcementDb, status?: AppealRow['status']): Promise<AppealRow[]>;
  decideAppeal(
    db: EnforcementDb,
    id: string,
    d: Pick<AppealRow, 'status' | 'decided_at' | 'decided_by' | 'decision_reason'>,
  ): Promise<boolean>;
}

export class SqlEnforcementStore implements EnforcementStore {
  async insertRequest(db: EnforcementDb, r: RequestRow) {
    await db.insertInto('enforcement_request').values(r).execute();
  }
  requestsSince(db: EnforcementDb, accountId: string, since: string) {
    return db
      .selectFrom('enforcement_request')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('at', '>', since)
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .execute();
  }
  async insertAction(db: EnforcementDb, a: ActionRow) {
    await db.insertInto('enforcement_action').values(a).execute();
  }
  action(db: EnforcementDb, id: string) {
    return db.selectFrom('enforcement_action').selectAll().where('id', '=', id).executeTakeFirst();
  }
  actionsOf(db: EnforcementDb, accountId: string) {
    return db
      .selectFrom('enforcement_action')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
  }
  async liftAction(db: EnforcementDb, id: string, at: string, by: string, reason: string) {
    const r = await db
      .updateTable('enforcement_action')
      .set({ lifted_at: at, lifted_by: by, lift_reason: reason })
      .where('id', '=', id)
      .where('lifted_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
  async insertNotice(db: EnforcementDb, n: NoticeRow) {
    await db.insertInto('enforcement_notice').values(n).execute();
  }
  noticesOf(db: EnforcementDb, accountId: string) {
    return db
      .selectFrom('enforcement_notice')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
  }
  async insertAppeal(db: EnforcementDb, a: AppealRow) {
    await db.insertInto('enforcement_appeal').values(a).execute();
  }
  appeal(db: EnforcementDb, id: string) {
    return db.selectFrom('enforcement_appeal').selectAll().where('id', '=', id).executeTakeFirst();
  }
  appealOfAction(db: EnforcementDb, actionId: string) {
    return db.selectFrom('enforcement_appeal').selectAll().where('action_id', '=', actionId).executeTakeFirst();
  }
  appeals(db: EnforcementDb, status?: AppealRow['status']) {
    let q = db.selectFrom('enforcement_appeal').selectAll();
    if (status) q = q.where('status', '=', status);
    return q.orderBy('created_at', 'asc').execute();
  }
  async decideAppeal(
    db: EnforcementDb,
    id: string,
    d: Pick<AppealRow, 'status' | 'decided_at' | 'decided_by' | 'decision_reason'>,
  ) {
    const r = await db
      .updateTable('enforcement_appeal')
      .set(d)
      .where('id', '=', id)
      .where('status', '=', 'open')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}

/** Rows of the emergency switch (Provisions Art. 7, 21): one per stop, ended by setting `ended_at`. */
import type { Kysely } from 'kysely';
import type { StoreSchema, StoreTransaction } from '../../store/index.ts';
import type { EmergencyStopTable } from '../../store/schema/oversight-tables.ts';

export type StopRow = EmergencyStopTable;

export interface EmergencyStore {
  insert(trx: StoreTransaction, row: StopRow): Promise<void>;
  get(id: string, trx?: StoreTransaction): Promise<StopRow | undefined>;
  end(trx: StoreTransaction, id: string, at: string, by: string, reason: string): Promise<boolean>;
  active(trx?: StoreTransaction): Promise<StopRow[]>;
  history(limit: number, offset: number): Promise<StopRow[]>;
}

export class SqlEmergencyStore implements EmergencyStore {
  constructor(private readonly db: Kysely<StoreSchema>) {}

  async insert(trx: StoreTransaction, row: StopRow): Promise<void> {
    await trx.insertInto('emergency_stop').values(row).execute();
  }

  get(id: string, trx?: StoreTransaction): Promise<StopRow | undefined> {
    return (trx ?? this.db).selectFrom('emergency_stop').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async end(trx: StoreTransaction, id: string, at: string, by: string, reason: string): Promise<boolean> {
    const r = await trx
      .updateTable('emergency_stop')
      .set({ ended_at: at, ended_by: by, end_reason: reason })
      .where('id', '=', id)
      .where('ended_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  active(trx?: StoreTransaction): Promise<StopRow[]> {
    return (trx ?? this.db)
      .selectFrom('emergency_stop')
      .selectAll()
      .where('ended_at', 'is', null)
      .orderBy('id')
      .execute();
  }

  history(limit: number, offset: number): Promise<StopRow[]> {
    return this.db.selectFrom('emergency_stop').selectAll().orderBy('id', 'desc').limit(limit).offset(offset).execute();
  }
}

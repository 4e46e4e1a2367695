/** Rows of filings and assessments (Provisions Art. 15, 19, 20): models, capabilities, assessments, filing numbers. */
import type { Kysely } from 'kysely';
import type { StoreSchema, StoreTransaction } from '../../store/index.ts';
import type {
  AlgorithmFilingTable,
  FilingCapabilityTable,
  FilingModelTable,
  SecurityAssessmentTable,
} from '../../store/schema/oversight-tables.ts';

export type ModelRow = FilingModelTable;
export type CapabilityRow = FilingCapabilityTable;
export type AssessmentRow = SecurityAssessmentTable;
export type FilingRow = AlgorithmFilingTable;

type Db = Kysely<StoreSchema> | StoreTransaction;

export interface FilingsStore {
  insertModel(trx: StoreTransaction, row: ModelRow): Promise<void>;
  model(id: string, db?: Db): Promise<ModelRow | undefined>;
  modelByName(name: string, db?: Db): Promise<ModelRow | undefined>;
  models(): Promise<ModelRow[]>;
  insertCapability(trx: StoreTransaction, row: CapabilityRow): Promise<void>;
  capability(id: string, db?: Db): Promise<CapabilityRow | undefined>;
  capabilities(modelId?: string, db?: Db): Promise<CapabilityRow[]>;
  setEnabled(trx: StoreTransaction, id: string, enabled: boolean, at: string): Promise<void>;
  insertAssessment(trx: StoreTransaction, row: AssessmentRow): Promise<void>;
  assessments(modelId?: string, db?: Db): Promise<AssessmentRow[]>;
  insertFiling(trx: StoreTransaction, row: FilingRow): Promise<void>;
  filingByNumber(n: string, db?: Db): Promise<FilingRow | undefined>;
  filings(): Promise<FilingRow[]>;
}

export class SqlFilingsStore implements FilingsStore {
  constructor(private readonly db: Kysely<StoreSchema>) {}

  async insertModel(trx: StoreTransaction, row: ModelRow): Promise<void> {
    await trx.insertInto('filing_model').values(row).execute();
  }

  model(id: string, db: Db = this.db): Promise<ModelRow | undefined> {
    return db.selectFrom('filing_model').selectAll().where('id', '=', id).executeTakeFirst();
  }

  modelByName(name: string, db: Db = this.db): Promise<ModelRow | undefined> {
    return db.selectFrom('filing_model').selectAll().where('name', '=', name).executeTakeFirst();
  }

  models(): Promise<ModelRow[]> {
    return this.db.selectFrom('filing_model').selectAll().orderBy('id').execute();
  }

  async insertCapability(trx: StoreTransaction, row: CapabilityRow): Promise<void> {
    await trx.insertInto('filing_capability').values(row).execute();
  }

  capability(id: string, db: Db = this.db): Promise<CapabilityRow | undefined> {
    return db.selectFrom('filing_capability').selectAll().where('id', '=', id).executeTakeFirst();
  }

  capabilities(modelId?: string, db: Db = this.db): Promise<CapabilityRow[]> {
    let q = db.selectFrom('filing_capability').selectAll();
    if (modelId) q = q.where('model_id', '=', modelId);
    return q.orderBy('id').execute();
  }

  async setEnabled(trx: StoreTransaction, id: string, enabled: boolean, at: string): Promise<void> {
    await trx
      .updateTable('filing_capability')
      .set({ enabled: enabled ? 1 : 0, updated_at: at })
      .where('id', '=', id)
      .execute();
  }

  async insertAssessment(trx: StoreTransaction, row: AssessmentRow): Promise<void> {
    await trx.insertInto('security_assessment').values(row).execute();
  }

  assessments(modelId?: string, db: Db = this.db): Promise<AssessmentRow[]> {
    let q = db.selectFrom('security_assessment').selectAll();
    if (modelId) q = q.where('model_id', '=', modelId);
    return q.orderBy('due_at').execute();
  }

  async insertFiling(trx: StoreTransaction, row: FilingRow): Promise<void> {
    await trx.insertInto('algorithm_filing').values(row).execute();
  }

  filingByNumber(n: string, db: Db = this.db): Promise<FilingRow | undefined> {
    return db.selectFrom('algorithm_filing').selectAll().where('filing_number', '=', n).executeTakeFirst();
  }

  filings(): Promise<FilingRow[]> {
    return this.db.selectFrom('algorithm_filing').selectAll().orderBy('filed_at').execute();
  }
}

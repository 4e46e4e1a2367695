/** Rows of the training data register (Provisions Art. 14): datasets and their screenings. */
import type { Kysely } from 'kysely';
import type { StoreSchema, StoreTransaction } from '../../store/index.ts';
import type { TrainingDatasetTable, TrainingScreeningTable } from '../../store/schema/oversight-tables.ts';

export type DatasetRow = TrainingDatasetTable;
export type ScreeningRow = TrainingScreeningTable;

export interface TrainingDataStore {
  insertDataset(trx: StoreTransaction, row: DatasetRow): Promise<void>;
  insertScreening(trx: StoreTransaction, row: ScreeningRow): Promise<void>;
  dataset(id: string, trx?: StoreTransaction): Promise<DatasetRow | undefined>;
  datasetByName(name: string, trx?: StoreTransaction): Promise<DatasetRow | undefined>;
  datasets(limit: number, offset: number): Promise<DatasetRow[]>;
  screenings(datasetIds: string[]): Promise<ScreeningRow[]>;
}

export class SqlTrainingDataStore implements TrainingDataStore {
  constructor(private readonly db: Kysely<StoreSchema>) {}

  async insertDataset(trx: StoreTransaction, row: DatasetRow): Promise<void> {
    await trx.insertInto('training_dataset').values(row).execute();
  }

  async insertScreening(trx: StoreTransaction, row: ScreeningRow): Promise<void> {
    await trx.insertInto('training_screening').values(row).execute();
  }

  dataset(id: string, trx?: StoreTransaction): Promise<DatasetRow | undefined> {
    return (trx ?? this.db).selectFrom('training_dataset').selectAll().where('id', '=', id).executeTakeFirst();
  }

  datasetByName(name: string, trx?: StoreTransaction): Promise<DatasetRow | undefined> {
    return (trx ?? this.db).selectFrom('training_dataset').selectAll().where('name', '=', name).executeTakeFirst();
  }

  datasets(limit: number, offset: number): Promise<DatasetRow[]> {
    return this.db.selectFrom('training_dataset').selectAll().orderBy('id').limit(limit).offset(offset).execute();
  }

  async screenings(datasetIds: string[]): Promise<ScreeningRow[]> {
    if (datasetIds.length === 0) return [];
    return this.db
      .selectFrom('training_screening')
      .selectAll()
      .where('dataset_id', 'in', datasetIds)
      .orderBy('id')
      .execute();
  }
}

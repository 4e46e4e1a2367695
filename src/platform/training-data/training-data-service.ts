/**
 * The training data register (Provisions Art. 14: training data management; TC260-003 §5: corpus source safety). A
 * dataset records its source, licence, whether it holds personal information and on what consent basis; screenings
 * record keyword, model and manual sample results, and every answer carries the computed verdict against the
 * configured thresholds. Writes append audit events in their transaction.
 */
import { HeguiError } from '../../errors.ts';
import { newId, type Store } from '../../store/index.ts';
import { type Actor, actorRef } from '../actor.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import {
  judgeScreenings,
  type Screening,
  type ScreeningMethod,
  type ScreeningThresholds,
  type ScreeningVerdict,
} from './screening-thresholds.ts';
import type { DatasetRow, ScreeningRow, TrainingDataStore } from './training-data-store.ts';

export interface DatasetInput {
  name: string;
  source: string;
  licence: string;
  personalInformation: boolean;
  consentBasis?: string | undefined;
  itemCount: number;
}

export interface ScreeningInput {
  method: ScreeningMethod;
  sampled: number;
  illegal: number;
  qualified: number;
  performedAt?: string | undefined;
}

export interface DatasetView {
  id: string;
  name: string;
  source: string;
  licence: string;
  personalInformation: boolean;
  consentBasis: string | null;
  itemCount: number;
  screenings: (Screening & { id: string; createdBy: string })[];
  verdict: ScreeningVerdict;
  createdBy: string;
  createdAt: string;
}

export class TrainingDataService {
  constructor(
    private readonly store: Store,
    private readonly rows: TrainingDataStore,
    private readonly log: AuditLog,
    readonly thresholds: ScreeningThresholds,
    private readonly now: () => Date,
  ) {}

  async register(actor: Actor, input: DatasetInput): Promise<DatasetView> {
    if (input.personalInformation && !input.consentBasis?.trim()) {
      // PIPL Art. 13: processing personal information needs a legal basis; the register says which.
      throw new HeguiError('invalid_request', 'a dataset with personal information needs its consent basis', {
        field: 'consentBasis',
      });
    }
    const row: DatasetRow = {
      id: newId(),
      name: input.name,
      source: input.source,
      licence: input.licence,
      personal_information: input.personalInformation ? 1 : 0,
      consent_basis: input.consentBasis?.trim() || null,
      item_count: input.itemCount,
      created_by: actorRef(actor),
      created_at: this.now().toISOString(),
    };
    await this.store.transaction(async (trx) => {
      if (await this.rows.datasetByName(row.name, trx)) {
        throw new HeguiError('conflict', 'a dataset with this name is registered already');
      }
      await this.rows.insertDataset(trx, row);
      await this.log.append(trx, {
        type: 'training_data.dataset.registered',
        actor: actorRef(actor),
        subject: `dataset:${row.id}`,
        payload: {
          name: row.name,
          source: row.source,
          licence: row.licence,
          personalInformation: input.personalInformation,
          consentBasis: row.consent_basis,
          itemCount: row.item_count,
        },
      });
    });
    return this.view(row, []);
  }

  async addScreening(actor: Actor, datasetId: string, input: ScreeningInput): Promise<DatasetView> {
    if (input.illegal > input.sampled || input.qualified > input.sampled) {
      throw new HeguiError('invalid_request', 'illegal and qualified cannot exceed sampled', { field: 'sampled' });
    }
    const row: ScreeningRow = {
      id: newId(),
      dataset_id: datasetId,
      method: input.method,
      sampled: input.sampled,
      illegal: input.illegal,
      qualified: input.qualified,
      performed_at: input.performedAt ? new Date(input.performedAt).toISOString() : this.now().toISOString(),
      created_by: actorRef(actor),
      created_at: this.now().toISOString(),
    };
    await this.store.transaction(async (trx) => {
      const ds = await this.rows.dataset(datasetId, trx);
      if (!ds) throw new HeguiError('not_found', 'no such dataset');
      if (input.sampled > ds.item_count) {
        throw new HeguiError('invalid_request', 'sampled cannot exceed the dataset item count', { field: 'sampled' });
      }
      await this.rows.insertScreening(trx, row);
      await this.log.append(trx, {
        type: 'training_data.screening.recorded',
        actor: actorRef(actor),
        subject: `dataset:${datasetId}`,
        payload: { method: row.method, sampled: row.sampled, illegal: row.illegal, qualified: row.qualified },
      });
    });
    return this.get(datasetId);
  }

  async get(id: string): Promise<DatasetView> {
    const ds = await this.rows.dataset(id);
    if (!ds) throw new HeguiError('not_found', 'no such dataset');
    return this.view(ds, await this.rows.screenings([id]));
  }

  async list(limit: number, offset: number): Promise<DatasetView[]> {
    const sets = await this.rows.datasets(limit, offset);
    const screenings = await this.rows.screenings(sets.map((d) => d.id));
    return sets.map((d) =>
      this.view(
        d,
        screenings.filter((s) => s.dataset_id === d.id),
      ),
    );
  }

  private view(d: DatasetRow, rows: ScreeningRow[]): DatasetView {
    const screenings = rows.map((s) => ({
      id: s.id,
      method: s.method as ScreeningMethod,
      sampled: s.sampled,
      illegal: s.illegal,
      qualified: s.qualified,
      performedAt: s.performed_at,
      createdBy: s.created_by,
    }));
    return {
      id: d.id,
      name: d.name,
      source: d.source,
      licence: d.licence,
      personalInformation: d.personal_information === 1,
      consentBasis: d.consent_basis,
      itemCount: d.item_count,
      screenings,
      verdict: judgeScreenings(d.item_count, screenings, this.thresholds),
      createdBy: d.created_by,
      createdAt: d.created_at,
    };
  }
}

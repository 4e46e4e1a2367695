/**
 * Models and templates with their capabilities, security assessments and algorithm filings (Provisions Art. 15:
 * tools for biometric generation or sensitive objects and scenes need a security assessment; Art. 20: new products or
 * functions with public-opinion or mobilisation attributes are assessed per the relevant rules; Art. 19: the filing
 * number and a link to the public information shown prominently). A capability whose flags call for an assessment
 * cannot be switched on unless a passed, unexpired assessment of its model covers every one of those flags.
 */
import { HeguiError } from '../../errors.ts';
import { newId, type Store, type StoreTransaction } from '../../store/index.ts';
import { type Actor, actorRef } from '../actor.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { AssessmentRow, CapabilityRow, FilingRow, FilingsStore, ModelRow } from './filings-store.ts';

/** Flags that make a capability need an assessment before it is switched on. */
export const CAPABILITY_FLAGS = ['biometric', 'sensitive_scenes', 'public_opinion'] as const;
export type CapabilityFlag = (typeof CAPABILITY_FLAGS)[number];

export interface AssessmentInput {
  modelId: string;
  covers: CapabilityFlag[];
  outcome: 'passed' | 'failed';
  assessor: string;
  reportRef: string;
  conductedAt: string;
  dueAt: string;
}

export interface FilingInput {
  modelId: string;
  filingNumber: string;
  infoUrl: string;
  publicName: string;
  filedAt: string;
}

export interface DueItem {
  assessmentId: string;
  modelId: string;
  modelName: string;
  dueAt: string;
  state: 'due' | 'overdue';
}

export const capabilityView = (c: CapabilityRow) => ({
  id: c.id,
  modelId: c.model_id,
  name: c.name,
  flags: JSON.parse(c.flags) as CapabilityFlag[],
  enabled: c.enabled === 1,
  updatedAt: c.updated_at,
});

export const assessmentView = (a: AssessmentRow) => ({
  id: a.id,
  modelId: a.model_id,
  covers: JSON.parse(a.covers) as CapabilityFlag[],
  outcome: a.outcome as 'passed' | 'failed',
  assessor: a.assessor,
  reportRef: a.report_ref,
  conductedAt: a.conducted_at,
  dueAt: a.due_at,
  createdBy: a.created_by,
});

export const filingView = (f: FilingRow) => ({
  id: f.id,
  modelId: f.model_id,
  filingNumber: f.filing_number,
  infoUrl: f.info_url,
  publicName: f.public_name,
  filedAt: f.filed_at,
});

export const modelView = (m: ModelRow) => ({
  id: m.id,
  kind: m.kind as 'model' | 'template',
  name: m.name,
  description: m.description,
  createdBy: m.created_by,
  createdAt: m.created_at,
});

export class FilingsService {
  constructor(
    private readonly store: Store,
    readonly rows: FilingsStore,
    private readonly log: AuditLog,
    private readonly now: () => Date,
  ) {}

  async addModel(actor: Actor, input: { kind: 'model' | 'template'; name: string; description: string }) {
    const row: ModelRow = { id: newId(), ...input, created_by: actorRef(actor), created_at: this.now().toISOString() };
    await this.store.transaction(async (trx) => {
      if (await this.rows.modelByName(input.name, trx)) throw new HeguiError('conflict', 'this name is taken');
      await this.rows.insertModel(trx, row);
      await this.append(trx, actor, 'filings.model.added', `model:${row.id}`, { kind: row.kind, name: row.name });
    });
    return modelView(row);
  }

  /** A new capability starts switched off: switching it on is where the assessment is checked. */
  async addCapability(actor: Actor, modelId: string, input: { name: string; flags: CapabilityFlag[] }) {
    const row: CapabilityRow = {
      id: newId(),
      model_id: modelId,
      name: input.name,
      flags: JSON.stringify([...new Set(input.flags)].sort()),
      enabled: 0,
      updated_at: this.now().toISOString(),
    };
    await this.store.transaction(async (trx) => {
      await this.mustModel(modelId, trx);
      if ((await this.rows.capabilities(modelId, trx)).some((c) => c.name === input.name)) {
        throw new HeguiError('conflict', 'the model has a capability of this name');
      }
      await this.rows.insertCapability(trx, row);
      await this.append(trx, actor, 'filings.capability.added', `capability:${row.id}`, {
        modelId,
        name: row.name,
        flags: JSON.parse(row.flags),
      });
    });
    return capabilityView(row);
  }

  async setEnabled(actor: Actor, capabilityId: string, enabled: boolean) {
    const at = this.now().toISOString();
    return this.store.transaction(async (trx) => {
      const cap = await this.rows.capability(capabilityId, trx);
      if (!cap) throw new HeguiError('not_found', 'no such capability');
      const flags = JSON.parse(cap.flags) as CapabilityFlag[];
      if (enabled && flags.length > 0) {
        const missing = this.uncovered(flags, await this.rows.assessments(cap.model_id, trx), at);
        if (missing.length > 0) {
          throw new HeguiError(
            'assessment_required',
            `switching this capability on needs a passed, unexpired security assessment covering: ${missing.join(', ')}`,
            { capabilityId, missing: missing.join(',') },
          );
        }
      }
      await this.rows.setEnabled(trx, capabilityId, enabled, at);
      await this.append(
        trx,
        actor,
        enabled ? 'filings.capability.enabled' : 'filings.capability.disabled',
        `capability:${capabilityId}`,
        {
          modelId: cap.model_id,
          flags,
        },
      );
      return capabilityView({ ...cap, enabled: enabled ? 1 : 0, updated_at: at });
    });
  }

  async addAssessment(actor: Actor, input: AssessmentInput) {
    const conductedAt = new Date(input.conductedAt).toISOString();
    const dueAt = new Date(input.dueAt).toISOString();
    if (dueAt <= conductedAt)
      throw new HeguiError('invalid_request', 'dueAt must be after conductedAt', { field: 'dueAt' });
    const row: AssessmentRow = {
      id: newId(),
      model_id: input.modelId,
      covers: JSON.stringify([...new Set(input.covers)].sort()),
      outcome: input.outcome,
      assessor: input.assessor,
      report_ref: input.reportRef,
      conducted_at: conductedAt,
      due_at: dueAt,
      created_by: actorRef(actor),
      created_at: this.now().toISOString(),
    };
    await this.store.transaction(async (trx) => {
      await this.mustModel(input.modelId, trx);
      await this.rows.insertAssessment(trx, row);
      await this.append(trx, actor, 'filings.assessment.recorded', `assessment:${row.id}`, {
        modelId: row.model_id,
        covers: JSON.parse(row.covers),
        outcome: row.outcome,
        dueAt,
      });
    });
    return assessmentView(row);
  }

  async addFiling(actor: Actor, input: FilingInput) {
    const row: FilingRow = {
      id: newId(),
      model_id: input.modelId,
      filing_number: input.filingNumber,
      info_url: input.infoUrl,
      public_name: input.publicName,
      filed_at: new Date(input.filedAt).toISOString(),
      withdrawn_at: null,
      created_by: actorRef(actor),
      created_at: this.now().toISOString(),
    };
    await this.store.transaction(async (trx) => {
      await this.mustModel(input.modelId, trx);
      if (await this.rows.filingByNumber(input.filingNumber, trx)) {
        throw new HeguiError('conflict', 'this filing number is recorded already');
      }
      await this.rows.insertFiling(trx, row);
      await this.append(trx, actor, 'filings.filing.recorded', `filing:${row.id}`, {
        modelId: row.model_id,
        filingNumber: row.filing_number,
        infoUrl: row.info_url,
      });
    });
    return filingView(row);
  }

  /**
   * Passed assessments falling due within `withinDays` (state `due`) or past due (`overdue`), leaving out one whose
   * every flag is covered by a later-due passed assessment of the same model (it has been renewed). The reminder job
   * calls this on a schedule.
   */
  async dueAssessments(withinDays: number): Promise<DueItem[]> {
    const now = this.now();
    const horizon = new Date(now.getTime() + withinDays * 86_400_000).toISOString();
    const passed = (await this.rows.assessments()).filter((a) => a.outcome === 'passed');
    const renewed = (a: AssessmentRow) =>
      (JSON.parse(a.covers) as string[]).every((flag) =>
        passed.some(
          (b) => b.model_id === a.model_id && b.due_at > a.due_at && (JSON.parse(b.covers) as string[]).includes(flag),
        ),
      );
    const names = new Map((await this.rows.models()).map((m) => [m.id, m.name]));
    return passed
      .filter((a) => a.due_at <= horizon && !renewed(a))
      .map((a) => ({
        assessmentId: a.id,
        modelId: a.model_id,
        modelName: names.get(a.model_id) ?? '',
        dueAt: a.due_at,
        state: a.due_at <= now.toISOString() ? ('overdue' as const) : ('due' as const),
      }))
      .sort((x, y) => x.dueAt.localeCompare(y.dueAt));
  }

  /** Flags not covered by a passed assessment that is still valid at `at`. */
  private uncovered(flags: CapabilityFlag[], assessments: AssessmentRow[], at: string): CapabilityFlag[] {
    const covered = new Set<string>();
    for (const a of assessments) {
      if (a.outcome === 'passed' && a.conducted_at <= at && a.due_at > at) {
        for (const f of JSON.parse(a.covers) as string[]) covered.add(f);
      }
    }
    return flags.filter((f) => !covered.has(f));
  }

  private async mustModel(id: string, trx: StoreTransaction): Promise<ModelRow> {
    const m = await this.rows.model(id, trx);
    if (!m) throw new HeguiError('not_found', 'no such model or template');
    return m;
  }

  private append(trx: StoreTransaction, actor: Actor, type: string, subject: string, payload: unknown) {
    return this.log.append(trx, { type, actor: actorRef(actor), subject, payload });
  }
}

/**
 * The emergency switch (Provisions Art. 7: emergency response; Art. 21: act on the regulator's request at once). One
 * action stops publishing for a scope — everything, one model, one capability, one user group — on every server
 * instance. The state lives in the database; each instance reads the active stops at most `ttlMs` old (default 1 s),
 * so a stop started on any instance is in force on all of them within about that time, on SQLite (several processes
 * on one file) and PostgreSQL alike. The instance that starts or ends a stop sees it at once. When the state cannot be
 * read, publishing is refused (fail closed): a switch that might be on is treated as on.
 */
import { HeguiError } from '../../errors.ts';
import { newId, type Store } from '../../store/index.ts';
import { type Actor, actorRef } from '../actor.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { EmergencyStore, StopRow } from './emergency-store.ts';

export const STOP_SCOPES = ['all', 'model', 'capability', 'group'] as const;
export type StopScope = (typeof STOP_SCOPES)[number];

export const DEFAULT_EMERGENCY_TTL_MS = 1000;

/** What is about to be published: the model and capability used, the publisher's user groups. */
export interface PublishContext {
  model?: string | undefined;
  capability?: string | undefined;
  groups?: string[] | undefined;
}

export interface StopView {
  id: string;
  scope: { kind: StopScope; value: string | null };
  reason: string;
  startedAt: string;
  startedBy: string;
  endedAt: string | null;
  endedBy: string | null;
  endReason: string | null;
}

export const stopView = (r: StopRow): StopView => ({
  id: r.id,
  scope: { kind: r.scope_kind as StopScope, value: r.scope_kind === 'all' ? null : r.scope_value },
  reason: r.reason,
  startedAt: r.started_at,
  startedBy: r.started_by,
  endedAt: r.ended_at,
  endedBy: r.ended_by,
  endReason: r.end_reason,
});

export class EmergencySwitch {
  #cache: { rows: StopRow[]; readAt: number } | undefined;
  #reading: Promise<StopRow[]> | undefined;

  constructor(
    private readonly store: Store,
    private readonly rows: EmergencyStore,
    private readonly log: AuditLog,
    readonly ttlMs: number,
    private readonly now: () => Date,
  ) {}

  async start(actor: Actor, scope: { kind: StopScope; value?: string | undefined }, reason: string): Promise<StopView> {
    const value = scope.kind === 'all' ? '' : (scope.value ?? '').trim();
    if (scope.kind !== 'all' && value === '') {
      throw new HeguiError('invalid_request', `a "${scope.kind}" stop needs the ${scope.kind} it applies to`, {
        field: 'scope.value',
      });
    }
    const row: StopRow = {
      id: newId(),
      scope_kind: scope.kind,
      scope_value: value,
      reason,
      started_at: this.now().toISOString(),
      started_by: actorRef(actor),
      ended_at: null,
      ended_by: null,
      end_reason: null,
    };
    try {
      await this.store.transaction(async (trx) => {
        const active = await this.rows.active(trx);
        if (active.some((a) => a.scope_kind === row.scope_kind && a.scope_value === value)) {
          throw new HeguiError('conflict', 'publishing is already stopped for this scope');
        }
        await this.rows.insert(trx, row);
        await this.log.append(trx, {
          type: 'emergency.stop.started',
          actor: row.started_by,
          subject: `emergency_stop:${row.id}`,
          payload: { scope: row.scope_kind, value: value || null, reason },
        });
      });
    } finally {
      this.#cache = undefined;
    }
    return stopView(row);
  }

  async end(actor: Actor, id: string, reason: string): Promise<StopView> {
    const at = this.now().toISOString();
    try {
      return await this.store.transaction(async (trx) => {
        const row = await this.rows.get(id, trx);
        if (!row) throw new HeguiError('not_found', 'no such emergency stop');
        if (!(await this.rows.end(trx, id, at, actorRef(actor), reason))) {
          throw new HeguiError('conflict', 'this stop has ended already');
        }
        await this.log.append(trx, {
          type: 'emergency.stop.ended',
          actor: actorRef(actor),
          subject: `emergency_stop:${id}`,
          payload: { scope: row.scope_kind, value: row.scope_value || null, reason },
        });
        return stopView({ ...row, ended_at: at, ended_by: actorRef(actor), end_reason: reason });
      });
    } finally {
      this.#cache = undefined;
    }
  }

  async history(limit: number, offset: number): Promise<StopView[]> {
    return (await this.rows.history(limit, offset)).map(stopView);
  }

  /** The active stops, at most `ttlMs` old; concurrent callers share one read. */
  async active(): Promise<StopView[]> {
    return (await this.activeRows()).map(stopView);
  }

  /**
   * Whether any active stop applies to any of these publications: what a stream asks between chunks, so it allocates
   * no views, and answers at once (not a promise) while the cache is fresh.
   */
  stopsAny(ctxs: readonly PublishContext[]): boolean | Promise<boolean> {
    const c = this.#cache;
    if (c && Date.now() - c.readAt < this.ttlMs) return anyApplies(c.rows, ctxs);
    return this.activeRows().then((rows) => anyApplies(rows, ctxs));
  }

  /** The active stops that apply to this publication (empty: it may go ahead as far as the switch is concerned). */
  async stopsFor(ctx: PublishContext): Promise<StopView[]> {
    const rows = await this.activeRows();
    return rows.filter((r) => applies(r, ctx)).map(stopView);
  }

  private async activeRows(): Promise<StopRow[]> {
    const c = this.#cache;
    if (c && Date.now() - c.readAt < this.ttlMs) return c.rows;
    this.#reading ??= this.rows
      .active()
      .then((rows) => {
        this.#cache = { rows, readAt: Date.now() };
        return rows;
      })
      .finally(() => {
        this.#reading = undefined;
      });
    return this.#reading;
  }
}

function anyApplies(rows: readonly StopRow[], ctxs: readonly PublishContext[]): boolean {
  for (const r of rows) for (const c of ctxs) if (applies(r, c)) return true;
  return false;
}

function applies(r: StopRow, ctx: PublishContext): boolean {
  switch (r.scope_kind) {
    case 'all':
      return true;
    case 'model':
      return ctx.model === r.scope_value;
    case 'capability':
      return ctx.capability === r.scope_value;
    case 'group':
      return (ctx.groups ?? []).includes(r.scope_value);
    default:
      return true; // an unknown scope written by a newer version: stop rather than guess
  }
}

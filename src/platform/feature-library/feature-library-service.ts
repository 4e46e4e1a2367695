/**
 * Feature library governance (Provisions Art. 10; TC260-003 §7: keyword library kept current, at least weekly).
 * Every change is a proposal; a different person approves it; approval publishes a new immutable version (content hash
 * from src/review/library/model.ts) and swaps the serving engine to it. Bulk imports and rollbacks take the same path.
 * Each write appends its audit event in the same transaction.
 */
import { HeguiError } from '../../errors.ts';
import { type CoverageReport, coverage } from '../../review/library/coverage.ts';
import { emptyImport, type ImportFormat, type ImportProblem, importText } from '../../review/library/import.ts';
import {
  DEFAULT_SETTINGS,
  type FeatureEntry,
  type FeatureLibraryVersion,
  hashVersion,
  toEntry,
  type VersionContent,
} from '../../review/library/model.ts';
import type { Store } from '../../store/index.ts';
import { newId } from '../../store/index.ts';
import { type Actor, actorAccountId, actorRef } from '../actor.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { FeatureLibraryStore, ProposalRow, PublicationRow } from './feature-library-store.ts';
import type { LibraryHolder } from './library-holder.ts';

export const STALE_AFTER_DAYS = 7;

export interface ChangeProposal {
  /** Entries to add or replace (by id), loosely typed as in a JSON line; defaults are filled by the engine's model. */
  upsert?: Record<string, unknown>[];
  /** Entry ids to remove. */
  remove?: string[];
  allow?: string[];
  note?: string;
}

export interface ImportProposal {
  /** File name (its extension picks the format when `format` is auto). */
  name: string;
  text: string;
  format?: ImportFormat;
  note?: string;
}

export interface ProposalView {
  id: string;
  kind: string;
  status: string;
  baseHash: string | null;
  note: string;
  proposedBy: string;
  proposedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  publishedHash: string | null;
  /** For change and import: how many entries the proposed version has; for rollback: the target version's hash. */
  entries?: number;
  targetHash?: string;
}

export interface StalenessAlert {
  stale: boolean;
  lastPublishedAt: string | null;
  ageDays: number | null;
  maxAgeDays: number;
  alert: { code: 'feature_library_stale'; message: string } | null;
}

const EMPTY: VersionContent = {
  settings: { ...DEFAULT_SETTINGS },
  entries: [],
  allow: [],
  commonWords: [],
  cooccurrence: [],
};

function contentOf(v: FeatureLibraryVersion | null): VersionContent {
  if (!v) return structuredClone(EMPTY);
  const { settings, entries, allow, commonWords, cooccurrence } = v;
  return structuredClone({ settings, entries, allow, commonWords, cooccurrence });
}

function view(p: ProposalRow): ProposalView {
  const base = {
    id: p.id,
    kind: p.kind,
    status: p.status,
    baseHash: p.base_hash || null,
    note: p.note,
    proposedBy: p.proposed_by,
    proposedAt: p.proposed_at,
    decidedBy: p.decided_by,
    decidedAt: p.decided_at,
    publishedHash: p.published_hash,
  };
  if (p.kind === 'rollback') return { ...base, targetHash: p.content };
  return { ...base, entries: (JSON.parse(p.content) as VersionContent).entries.length };
}

/** The person behind an actor: an account acts the same through a session or one of its API keys. */
function personOf(a: Actor): string {
  const id = actorAccountId(a);
  return id ? `account:${id}` : actorRef(a);
}

export class FeatureLibraryService {
  constructor(
    private readonly store: Store,
    private readonly sql: FeatureLibraryStore,
    private readonly audit: AuditLog,
    readonly holder: LibraryHolder,
    readonly library: string,
    private readonly now: () => Date,
  ) {}

  async current(): Promise<FeatureLibraryVersion | null> {
    const head = await this.sql.head(this.store.db, this.library);
    return head?.currentHash ? this.sql.version(this.store.db, head.currentHash) : null;
  }

  /** Load what the database serves into the holder (start-up, and other instances' publications). */
  async sync(): Promise<void> {
    const head = await this.sql.head(this.store.db, this.library);
    if (!head?.currentHash) return;
    if (this.holder.current()?.contentHash === head.currentHash) return;
    const v = await this.sql.version(this.store.db, head.currentHash);
    if (v) this.holder.install(v, head.seq);
  }

  async proposeChange(actor: Actor, p: ChangeProposal): Promise<ProposalView> {
    const base = await this.current();
    const content = contentOf(base);
    const byId = new Map(content.entries.map((e) => [e.id, e]));
    for (const id of p.remove ?? []) {
      if (!byId.delete(id)) throw new HeguiError('invalid_request', `no entry ${JSON.stringify(id)} to remove`);
    }
    (p.upsert ?? []).forEach((raw, k) => {
      let e: FeatureEntry;
      try {
        e = toEntry(raw, `upsert[${k}]`, { source: `proposal by ${personOf(actor)}` });
      } catch (err) {
        throw new HeguiError('invalid_request', err instanceof Error ? err.message : String(err), { index: k });
      }
      byId.set(e.id, e);
    });
    content.entries = [...byId.values()];
    content.allow = [...new Set([...content.allow, ...(p.allow ?? [])])];
    if ((p.upsert ?? []).length === 0 && (p.remove ?? []).length === 0 && (p.allow ?? []).length === 0) {
      throw new HeguiError('invalid_request', 'a proposal changes something: give upsert, remove or allow');
    }
    return this.#propose(actor, 'change', base, JSON.stringify(content), p.note ?? '', { changed: byId.size });
  }

  async proposeImport(actor: Actor, p: ImportProposal): Promise<{ proposal: ProposalView; problems: ImportProblem[] }> {
    const base = await this.current();
    let imported = emptyImport();
    try {
      imported = importText(p.name, p.text, { format: p.format ?? 'auto' });
    } catch (err) {
      throw new HeguiError('invalid_request', err instanceof Error ? err.message : String(err));
    }
    if (imported.entries.length === 0 && imported.allow.length === 0) {
      throw new HeguiError('invalid_request', 'the import holds no usable entries', {
        problems: imported.problems.length,
      });
    }
    const content = contentOf(base);
    const byId = new Map(content.entries.map((e) => [e.id, e]));
    for (const e of imported.entries) byId.set(e.id, e);
    content.entries = [...byId.values()];
    content.allow = [...new Set([...content.allow, ...imported.allow])];
    content.commonWords = [...new Set([...content.commonWords, ...imported.commonWords])];
    const cooc = new Map(content.cooccurrence.map((c) => [c.id, c]));
    for (const c of imported.cooccurrence) cooc.set(c.id, c);
    content.cooccurrence = [...cooc.values()];
    const proposal = await this.#propose(actor, 'import', base, JSON.stringify(content), p.note ?? '', {
      file: p.name,
      imported: imported.entries.length,
      problems: imported.problems.length,
    });
    return { proposal, problems: imported.problems.slice(0, 100) };
  }

  async proposeRollback(actor: Actor, targetHash: string, note = ''): Promise<ProposalView> {
    const target = await this.sql.version(this.store.db, targetHash);
    if (!target) throw new HeguiError('not_found', 'no such library version');
    const base = await this.current();
    if (base?.contentHash === targetHash) throw new HeguiError('conflict', 'that version is already being served');
    return this.#propose(actor, 'rollback', base, targetHash, note, { target: targetHash, version: target.version });
  }

  async #propose(
    actor: Actor,
    kind: 'change' | 'import' | 'rollback',
    base: FeatureLibraryVersion | null,
    content: string,
    note: string,
    facts: Record<string, unknown>,
  ): Promise<ProposalView> {
    const row: ProposalRow = {
      id: newId(),
      library: this.library,
      kind,
      base_hash: base?.contentHash ?? '',
      content,
      note,
      status: 'pending',
      proposed_by: personOf(actor),
      proposed_at: this.now().toISOString(),
      decided_by: null,
      decided_at: null,
      published_hash: null,
    };
    await this.store.transaction(async (trx) => {
      await this.sql.insertProposal(trx, row);
      await this.audit.append(trx, {
        type: 'feature_library.proposed',
        actor: actorRef(actor),
        subject: `feature_library_proposal:${row.id}`,
        payload: { library: this.library, kind, baseHash: row.base_hash || null, ...facts },
      });
    });
    return view(row);
  }

  async proposal(id: string): Promise<ProposalView> {
    const p = await this.sql.proposal(this.store.db, id);
    if (!p || p.library !== this.library) throw new HeguiError('not_found', 'no such proposal');
    return view(p);
  }

  async proposals(status?: string): Promise<ProposalView[]> {
    return (await this.sql.proposals(this.store.db, this.library, status)).map(view);
  }

  /** Four eyes: the proposer can never approve their own proposal. */
  async #pending(actor: Actor, id: string): Promise<ProposalRow> {
    const p = await this.sql.proposal(this.store.db, id);
    if (!p || p.library !== this.library) throw new HeguiError('not_found', 'no such proposal');
    if (p.status !== 'pending') throw new HeguiError('conflict', `the proposal is already ${p.status}`);
    if (p.proposed_by === personOf(actor)) {
      throw new HeguiError('forbidden', 'a proposal must be approved by someone other than its proposer', {
        rule: 'four_eyes',
      });
    }
    return p;
  }

  /** Approve and publish: compile first, commit the version and the head together, then swap the served library. */
  async approve(actor: Actor, id: string): Promise<{ proposal: ProposalView; version: number; contentHash: string }> {
    const p = await this.#pending(actor, id);
    const at = this.now().toISOString();
    const by = personOf(actor);
    const done = await this.store.transaction(async (trx) => {
      let v: FeatureLibraryVersion;
      if (p.kind === 'rollback') {
        const target = await this.sql.version(trx, p.content);
        if (!target) throw new HeguiError('not_found', 'the rollback target no longer exists');
        v = target;
      } else {
        const content = JSON.parse(p.content) as VersionContent;
        const body = {
          version: (await this.sql.maxVersion(trx, this.library)) + 1,
          createdAt: at,
          note: p.note,
          parent: p.base_hash || null,
          settings: content.settings,
          entries: content.entries.map((e) => ({ ...e, proposedBy: p.proposed_by, approvedBy: by })),
          allow: [...new Set(content.allow)].sort(),
          commonWords: [...new Set(content.commonWords)].sort(),
          cooccurrence: content.cooccurrence,
        };
        v = { ...body, contentHash: hashVersion(body) };
      }
      if (!(await this.sql.closeProposal(trx, p.id, 'published', by, at, v.contentHash))) {
        throw new HeguiError('conflict', 'the proposal was decided meanwhile');
      }
      const seq = await this.sql.moveHead(trx, this.library, p.base_hash, v.contentHash);
      if (seq === null) {
        throw new HeguiError('conflict', 'another version was published after this proposal; propose again', {
          rule: 'stale_base',
        });
      }
      if (p.kind !== 'rollback') await this.sql.insertVersion(trx, this.library, v, p.id);
      const pub: PublicationRow = {
        id: newId(),
        library: this.library,
        seq,
        content_hash: v.contentHash,
        kind: p.kind === 'rollback' ? 'rollback' : 'publish',
        proposal_id: p.id,
        published_by: by,
        published_at: at,
      };
      await this.sql.insertPublication(trx, pub);
      await this.audit.append(trx, {
        type: p.kind === 'rollback' ? 'feature_library.rolled_back' : 'feature_library.published',
        actor: actorRef(actor),
        subject: `feature_library_version:${v.contentHash}`,
        payload: {
          library: this.library,
          proposal: p.id,
          proposedBy: p.proposed_by,
          version: v.version,
          contentHash: v.contentHash,
          parent: p.base_hash || null,
          entries: v.entries.length,
        },
      });
      // Compiled before COMMIT: a version that cannot be compiled is never published.
      const compiled = this.holder.prepare(v, seq);
      return { v, compiled };
    });
    this.holder.swap(done.compiled);
    return {
      proposal: await this.proposal(p.id),
      version: done.v.version,
      contentHash: done.v.contentHash,
    };
  }

  async reject(actor: Actor, id: string, reason: string): Promise<ProposalView> {
    const p = await this.#pending(actor, id);
    await this.store.transaction(async (trx) => {
      if (!(await this.sql.closeProposal(trx, p.id, 'rejected', personOf(actor), this.now().toISOString(), null))) {
        throw new HeguiError('conflict', 'the proposal was decided meanwhile');
      }
      await this.audit.append(trx, {
        type: 'feature_library.rejected',
        actor: actorRef(actor),
        subject: `feature_library_proposal:${p.id}`,
        payload: { library: this.library, reason },
      });
    });
    return this.proposal(p.id);
  }

  async versions(): Promise<FeatureLibraryVersion[]> {
    return this.sql.versions(this.store.db, this.library);
  }

  async version(hash: string): Promise<FeatureLibraryVersion> {
    const v = await this.sql.version(this.store.db, hash);
    if (!v) throw new HeguiError('not_found', 'no such library version');
    return v;
  }

  async publications(): Promise<PublicationRow[]> {
    return this.sql.publications(this.store.db, this.library);
  }

  async coverage(): Promise<CoverageReport> {
    const v = await this.current();
    if (!v) throw new HeguiError('not_found', 'no library version is published yet');
    return coverage(v, this.now());
  }

  /** TC260-003: the library is updated at least weekly. An alert when no new version was published for 7 days. */
  async staleness(): Promise<StalenessAlert> {
    const last = await this.sql.lastPublished(this.store.db, this.library, 'publish');
    const ageDays = last ? (this.now().getTime() - Date.parse(last.published_at)) / 86_400_000 : null;
    const stale = ageDays === null || ageDays >= STALE_AFTER_DAYS;
    const message =
      ageDays === null
        ? 'no feature library version has been published'
        : `no feature library version was published for ${Math.floor(ageDays)} days (at least every ${STALE_AFTER_DAYS})`;
    return {
      stale,
      lastPublishedAt: last?.published_at ?? null,
      ageDays,
      maxAgeDays: STALE_AFTER_DAYS,
      alert: stale ? { code: 'feature_library_stale', message } : null,
    };
  }
}

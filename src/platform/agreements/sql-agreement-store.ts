/** AgreementStore on SQLite and PostgreSQL: versioned documents and the acceptances of them (Provisions Art. 8). */
import type { Selectable } from 'kysely';
import { newId } from '../../store/ids.ts';
import type { AgreementAcceptanceTable, AgreementDocumentTable } from '../../store/schema/platform-tables.ts';
import { type Db, insertOrConflict, json, parseJson } from '../sql-rows.ts';
import type { Acceptance, AcceptanceChannel, AgreementDocument, AgreementStore, DocumentKind } from './agreement.ts';

function documentOf(r: Selectable<AgreementDocumentTable>): AgreementDocument {
  return {
    kind: r.kind as DocumentKind,
    version: Number(r.version),
    title: parseJson(r.title),
    body: parseJson(r.body),
    summary: r.summary,
    requiresAcceptance: r.requires_acceptance === 1,
    publishedAt: r.published_at,
    publishedBy: r.published_by,
    template: r.template === 1,
  };
}

function acceptanceOf(r: Selectable<AgreementAcceptanceTable>): Acceptance {
  return {
    accountId: r.account_id,
    kind: r.kind as DocumentKind,
    version: Number(r.version),
    acceptedAt: r.accepted_at,
    channel: r.channel as AcceptanceChannel,
  };
}

export class SqlAgreementStore implements AgreementStore {
  constructor(private readonly db: Db) {}

  async insertVersion(d: AgreementDocument): Promise<void> {
    const row = {
      kind: d.kind,
      version: d.version,
      title: json(d.title),
      body: json(d.body),
      summary: d.summary,
      requires_acceptance: d.requiresAcceptance ? 1 : 0,
      published_at: d.publishedAt,
      published_by: d.publishedBy,
      template: d.template ? 1 : 0,
    };
    await insertOrConflict(
      () => this.db.insertInto('agreement_document').values(row).execute(),
      'that version is already published',
    );
  }

  async latest(kind: DocumentKind): Promise<AgreementDocument | undefined> {
    const r = await this.db
      .selectFrom('agreement_document')
      .selectAll()
      .where('kind', '=', kind)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r && documentOf(r);
  }

  async getVersion(kind: DocumentKind, version: number): Promise<AgreementDocument | undefined> {
    const r = await this.db
      .selectFrom('agreement_document')
      .selectAll()
      .where('kind', '=', kind)
      .where('version', '=', version)
      .executeTakeFirst();
    return r && documentOf(r);
  }

  async listVersions(kind: DocumentKind): Promise<AgreementDocument[]> {
    const rows = await this.db
      .selectFrom('agreement_document')
      .selectAll()
      .where('kind', '=', kind)
      .orderBy('version')
      .execute();
    return rows.map(documentOf);
  }

  async insertAcceptance(a: Acceptance): Promise<void> {
    await this.db
      .insertInto('agreement_acceptance')
      .values({
        id: newId(Date.parse(a.acceptedAt) || Date.now()),
        account_id: a.accountId,
        kind: a.kind,
        version: a.version,
        accepted_at: a.acceptedAt,
        channel: a.channel,
      })
      .execute();
  }

  async acceptancesOf(accountId: string): Promise<Acceptance[]> {
    const rows = await this.db
      .selectFrom('agreement_acceptance')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('id')
      .execute();
    return rows.map(acceptanceOf);
  }

  async listAcceptances(f: { kind?: DocumentKind; version?: number; limit?: number }): Promise<Acceptance[]> {
    let q = this.db.selectFrom('agreement_acceptance').selectAll();
    if (f.kind) q = q.where('kind', '=', f.kind);
    if (f.version !== undefined) q = q.where('version', '=', f.version);
    const rows = await q
      .orderBy('id')
      .limit(f.limit ?? 500)
      .execute();
    return rows.map(acceptanceOf);
  }
}

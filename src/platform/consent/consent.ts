/**
 * Biometric consent (Provisions Art. 14: "提供人脸、人声等生物识别信息编辑功能的，应当提示使用者依法告知被编辑的个人，
 * 并取得其单独同意"). A record says whose likeness (the subject), who may edit it (the grantee), for which modalities and
 * uses, on what evidence, until when; revoking it stops every later edit. The store keeps rows; the service decides.
 */
import type { Kysely } from 'kysely';
import type { StoreSchema, StoreTransaction } from '../../store/index.ts';
import type { BiometricConsentTable } from '../../store/schema/oversight-tables.ts';

export const MODALITIES = ['face', 'voice'] as const;
export type Modality = (typeof MODALITIES)[number];

/** Why an edit is refused, as a stable code the gateway can show. */
export const CONSENT_REFUSALS = ['none', 'expired', 'revoked', 'out_of_scope'] as const;
export type ConsentRefusal = (typeof CONSENT_REFUSALS)[number];

export type ConsentRow = BiometricConsentTable;

export interface ConsentStore {
  insert(trx: StoreTransaction, row: ConsentRow): Promise<void>;
  get(id: string, trx?: StoreTransaction): Promise<ConsentRow | undefined>;
  revoke(trx: StoreTransaction, id: string, at: string, reason: string): Promise<boolean>;
  /** Records of one subject, newest first; `grantee` also matches records granted to any requester ('*'). */
  forSubject(subjectRef: string, grantee?: string): Promise<ConsentRow[]>;
  list(o: { subjectRef?: string; idNumberHash?: string; limit: number; offset: number }): Promise<ConsentRow[]>;
}

export class SqlConsentStore implements ConsentStore {
  constructor(private readonly db: Kysely<StoreSchema>) {}

  async insert(trx: StoreTransaction, row: ConsentRow): Promise<void> {
    await trx.insertInto('biometric_consent').values(row).execute();
  }

  get(id: string, trx?: StoreTransaction): Promise<ConsentRow | undefined> {
    return (trx ?? this.db).selectFrom('biometric_consent').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async revoke(trx: StoreTransaction, id: string, at: string, reason: string): Promise<boolean> {
    const r = await trx
      .updateTable('biometric_consent')
      .set({ revoked_at: at, revoked_reason: reason })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  forSubject(subjectRef: string, grantee?: string): Promise<ConsentRow[]> {
    let q = this.db.selectFrom('biometric_consent').selectAll().where('subject_ref', '=', subjectRef);
    if (grantee !== undefined) q = q.where('grantee', 'in', [grantee, '*']);
    return q.orderBy('id', 'desc').execute();
  }

  list(o: { subjectRef?: string; idNumberHash?: string; limit: number; offset: number }): Promise<ConsentRow[]> {
    let q = this.db.selectFrom('biometric_consent').selectAll();
    if (o.subjectRef) q = q.where('subject_ref', '=', o.subjectRef);
    if (o.idNumberHash) q = q.where('subject_id_number_hash', '=', o.idNumberHash);
    return q.orderBy('id', 'desc').limit(o.limit).offset(o.offset).execute();
  }
}

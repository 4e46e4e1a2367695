/**
 * Publishing rules and agreements and recording acceptance (Provisions Art. 8; Labelling Measures Art. 8). A new
 * version is published by an admin or compliance officer; users accept the current version of each kind that requires
 * acceptance before the publishing gate lets them through; every acceptance records who, which version, when and
 * through which channel.
 */
import { HeguiError } from '../../errors.ts';
import type { Actor } from '../actor.ts';
import { actorRef } from '../actor.ts';
import { auditEvent } from '../audit-sink.ts';
import type { PlatformStores } from '../stores.ts';
import {
  type Acceptance,
  type AcceptanceChannel,
  type AgreementDocument,
  DOCUMENT_KINDS,
  type DocumentKind,
  type Locale,
} from './agreement.ts';
import { fillPlaceholders, TEMPLATES } from './templates/index.ts';

export interface NewVersion {
  kind: DocumentKind;
  title: Record<Locale, string>;
  body: Record<Locale, string>;
  summary: string;
  requiresAcceptance?: boolean;
}

export class AgreementService {
  constructor(
    private readonly stores: PlatformStores,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async current(): Promise<AgreementDocument[]> {
    const out: AgreementDocument[] = [];
    for (const kind of DOCUMENT_KINDS) {
      const d = await this.stores.agreements.latest(kind);
      if (d) out.push(d);
    }
    return out;
  }

  versions(kind: DocumentKind): Promise<AgreementDocument[]> {
    return this.stores.agreements.listVersions(kind);
  }

  async getVersion(kind: DocumentKind, version: number): Promise<AgreementDocument> {
    const d = await this.stores.agreements.getVersion(kind, version);
    if (!d) throw new HeguiError('not_found', 'no such document version');
    return d;
  }

  async publish(actor: Actor, v: NewVersion, template = false): Promise<AgreementDocument> {
    const now = this.now();
    return this.stores.transaction(async (tx) => {
      const latest = await tx.agreements.latest(v.kind);
      const doc: AgreementDocument = {
        kind: v.kind,
        version: (latest?.version ?? 0) + 1,
        title: v.title,
        body: v.body,
        summary: v.summary,
        requiresAcceptance: v.requiresAcceptance ?? true,
        publishedAt: now.toISOString(),
        publishedBy: actorRef(actor),
        template,
      };
      await tx.agreements.insertVersion(doc);
      await tx.audit.append(
        auditEvent(
          actor,
          'agreement.published',
          { type: 'agreement', id: `${doc.kind}@${doc.version}` },
          {
            template,
            requiresAcceptance: doc.requiresAcceptance,
          },
        ),
      );
      return doc;
    });
  }

  /**
   * First start: every kind with no version gets the shipped template, its placeholders filled from the operator's
   * configuration. A document still holding a placeholder is marked `template` and shown with a notice.
   */
  async publishTemplatesWhereMissing(actor: Actor, values: Record<string, string>): Promise<AgreementDocument[]> {
    const out: AgreementDocument[] = [];
    for (const kind of DOCUMENT_KINDS) {
      if (await this.stores.agreements.latest(kind)) continue;
      const t = TEMPLATES[kind];
      const zh = fillPlaceholders(t.zh.body, values);
      const en = fillPlaceholders(t.en.body, values);
      const template = zh.unfilled.length + en.unfilled.length > 0;
      out.push(
        await this.publish(
          actor,
          {
            kind,
            title: { zh: t.zh.title, en: t.en.title },
            body: { zh: zh.text, en: en.text },
            summary: 'Initial version from the Hegui template',
          },
          template,
        ),
      );
    }
    return out;
  }

  /** Accept exactly the current versions; accepting an outdated version is refused with `conflict`. */
  async accept(
    actor: Actor,
    accountId: string,
    documents: { kind: DocumentKind; version: number }[],
    channel: AcceptanceChannel,
  ): Promise<Acceptance[]> {
    const now = this.now();
    return this.stores.transaction(async (tx) => {
      const out: Acceptance[] = [];
      for (const d of documents) {
        const latest = await tx.agreements.latest(d.kind);
        if (!latest) throw new HeguiError('not_found', `no ${d.kind} is published`);
        if (latest.version !== d.version) {
          throw new HeguiError('conflict', `version ${d.version} of the ${d.kind} is not the current one`, {
            kind: d.kind,
            current: latest.version,
          });
        }
        const a: Acceptance = { accountId, kind: d.kind, version: d.version, acceptedAt: now.toISOString(), channel };
        await tx.agreements.insertAcceptance(a);
        await tx.audit.append(
          auditEvent(
            actor,
            'agreement.accepted',
            { type: 'account', id: accountId },
            {
              document: `${d.kind}@${d.version}`,
              channel,
            },
          ),
        );
        out.push(a);
      }
      return out;
    });
  }

  acceptancesOf(accountId: string): Promise<Acceptance[]> {
    return this.stores.agreements.acceptancesOf(accountId);
  }

  listAcceptances(filter: { kind?: DocumentKind; version?: number; limit?: number }): Promise<Acceptance[]> {
    return this.stores.agreements.listAcceptances(filter);
  }

  /**
   * Kinds whose current version requires acceptance and is not accepted by the account. A user agreement that was
   * never published counts as missing: nobody can accept what is not there (Art. 8).
   */
  async missingAcceptances(accountId: string): Promise<{ kind: DocumentKind; version: number | null }[]> {
    const accepted = await this.stores.agreements.acceptancesOf(accountId);
    const missing: { kind: DocumentKind; version: number | null }[] = [];
    for (const kind of DOCUMENT_KINDS) {
      const latest = await this.stores.agreements.latest(kind);
      if (!latest) {
        if (kind === 'user_agreement') missing.push({ kind, version: null });
        continue;
      }
      if (!latest.requiresAcceptance) continue;
      if (!accepted.some((a) => a.kind === kind && a.version === latest.version)) {
        missing.push({ kind, version: latest.version });
      }
    }
    return missing;
  }
}

/**
 * Published rules and agreements (Provisions Art. 8: management rules and a platform convention, published, with users
 * told of their duties; Labelling Measures Art. 8: the user agreement states the labelling methods, styles and the
 * user's duties). Each kind is versioned; a new version replaces the current one for new acceptances, and users must
 * accept the current version of every kind that requires acceptance before using the service.
 */
export const DOCUMENT_KINDS = ['platform_rules', 'user_convention', 'user_agreement'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export const LOCALES = ['zh', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export interface AgreementDocument {
  kind: DocumentKind;
  /** 1, 2, 3… per kind. */
  version: number;
  title: Record<Locale, string>;
  body: Record<Locale, string>;
  /** What changed, for the users asked to accept again. */
  summary: string;
  requiresAcceptance: boolean;
  publishedAt: string;
  publishedBy: string;
  /** True while the text is the shipped template (placeholders not all filled): shown with a notice. */
  template: boolean;
}

export const ACCEPTANCE_CHANNELS = ['web', 'app', 'api', 'other'] as const;
export type AcceptanceChannel = (typeof ACCEPTANCE_CHANNELS)[number];

export interface Acceptance {
  accountId: string;
  kind: DocumentKind;
  version: number;
  acceptedAt: string;
  channel: AcceptanceChannel;
}

export interface AgreementStore {
  /** Fails with `conflict` if that kind already has that version. */
  insertVersion(doc: AgreementDocument): Promise<void>;
  latest(kind: DocumentKind): Promise<AgreementDocument | undefined>;
  getVersion(kind: DocumentKind, version: number): Promise<AgreementDocument | undefined>;
  listVersions(kind: DocumentKind): Promise<AgreementDocument[]>;
  insertAcceptance(a: Acceptance): Promise<void>;
  acceptancesOf(accountId: string): Promise<Acceptance[]>;
  listAcceptances(filter: { kind?: DocumentKind; version?: number; limit?: number }): Promise<Acceptance[]>;
}

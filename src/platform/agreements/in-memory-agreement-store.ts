/** Test and development implementation of AgreementStore: arrays, lost at exit. Not the product's storage. */
import { HeguiError } from '../../errors.ts';
import type { Acceptance, AgreementDocument, AgreementStore, DocumentKind } from './agreement.ts';

export class InMemoryAgreementStore implements AgreementStore {
  private readonly docs: AgreementDocument[] = [];
  private readonly acceptances: Acceptance[] = [];

  async insertVersion(doc: AgreementDocument): Promise<void> {
    if (this.docs.some((d) => d.kind === doc.kind && d.version === doc.version)) {
      throw new HeguiError('conflict', 'that version is already published');
    }
    this.docs.push(structuredClone(doc));
  }

  async latest(kind: DocumentKind): Promise<AgreementDocument | undefined> {
    const all = await this.listVersions(kind);
    return all[all.length - 1];
  }

  async getVersion(kind: DocumentKind, version: number): Promise<AgreementDocument | undefined> {
    const d = this.docs.find((x) => x.kind === kind && x.version === version);
    return d && structuredClone(d);
  }

  async listVersions(kind: DocumentKind): Promise<AgreementDocument[]> {
    return this.docs
      .filter((d) => d.kind === kind)
      .sort((a, b) => a.version - b.version)
      .map((d) => structuredClone(d));
  }

  async insertAcceptance(a: Acceptance): Promise<void> {
    this.acceptances.push({ ...a });
  }

  async acceptancesOf(accountId: string): Promise<Acceptance[]> {
    return this.acceptances.filter((a) => a.accountId === accountId).map((a) => ({ ...a }));
  }

  async listAcceptances(f: { kind?: DocumentKind; version?: number; limit?: number }): Promise<Acceptance[]> {
    return this.acceptances
      .filter((a) => (!f.kind || a.kind === f.kind) && (f.version === undefined || a.version === f.version))
      .slice(0, f.limit ?? 500)
      .map((a) => ({ ...a }));
  }
}

import type { AigcField, AigcRecord } from '../aigc/record.ts';
import type { DigestAlgorithm } from './content-binding.ts';

/**
 * The `SecurityData` object of TC260-PG-202511A, as the guide's samples and real producers write it into
 * ReservedCode1 / ReservedCode2 (docs/signature-scheme.md):
 *
 *   {"SecurityData":{"Type":"TC260PG","Version":1,"PubSD":[ entries ]}}
 *
 * with entries of type `DS` (a digital signature: `AlgID`, `TBSData.Type` naming what was signed, `Signature` in hex),
 * `PubKey` (`AlgID`, `KeyValue`: the SubjectPublicKeyInfo DER in hex) and, this project's content binding, `Bnd`
 * (`AlgID` of the hash, `CntSel` naming the byte selection, `Hash` in hex). Hex is upper case, as in the samples:
 * every character is inside GB 45438 App. E j.
 */
export const SECURITY_DATA_TYPE = 'TC260PG';
export const SECURITY_DATA_VERSION = 1;

/** `TBSData.Type` of the label signature: the guide's `Md`; MiniMax and StepFun write `LabelMataData`. */
export const TBS_LABEL = 'Md';
export const TBS_LABEL_ALIASES: ReadonlySet<string> = new Set(['Md', 'LabelMataData']);
/** `TBSData.Type` of the signature over the label and the content binding (this project's). */
export const TBS_BINDING = 'Bnd';

/** The content selection of docs/signature-scheme.md: the codec's canonical write with the placeholder label. */
export const CONTENT_SELECTION = 'hegui-canonical-1';

export const HASH_OID: Record<DigestAlgorithm, string> = {
  sm3: '1.2.156.10197.1.401',
  sha256: '2.16.840.1.101.3.4.2.1',
};

export interface SecurityEntry {
  Type: string;
  [key: string]: unknown;
}

export interface BindingEntry {
  Type: 'Bnd';
  AlgID: string;
  CntSel: string;
  Hash: string;
}

/** The producer's label fields, signed into ReservedCode1: the guide's App. A.1 message. */
export const PRODUCER_SIGNED_FIELDS: readonly AigcField[] = ['Label', 'ContentProducer', 'ProduceID'];
/**
 * The propagator's, signed into ReservedCode2: its own fields and everything the producer wrote, ReservedCode1
 * included, so a propagator's signature also pins the producer's signature. (The guide's propagator message could
 * not be confirmed (?); this is the project's choice.)
 */
export const PROPAGATOR_SIGNED_FIELDS: readonly AigcField[] = [
  'Label',
  'ContentProducer',
  'ProduceID',
  'ReservedCode1',
  'ContentPropagator',
  'PropagateID',
];

export type SignerRole = 'producer' | 'propagator';

export const signedFields = (role: SignerRole): readonly AigcField[] =>
  role === 'producer' ? PRODUCER_SIGNED_FIELDS : PROPAGATOR_SIGNED_FIELDS;

/** `"Label":"1","ContentProducer":"…","ProduceID":"…"`: each field as a JSON member, comma-separated, UTF-8. */
export function labelMessage(record: AigcRecord, fields: readonly AigcField[]): Uint8Array {
  return Buffer.from(fields.map((f) => `${JSON.stringify(f)}:${JSON.stringify(record[f])}`).join(','), 'utf8');
}

/** The binding entry exactly as it is serialised (and signed): key order Type, AlgID, CntSel, Hash. */
export function serializeBinding(b: BindingEntry): string {
  return JSON.stringify({ Type: b.Type, AlgID: b.AlgID, CntSel: b.CntSel, Hash: b.Hash });
}

/** The message of the binding signature: the label message, then `,"Bnd":` and the binding entry. */
export function bindingMessage(label: Uint8Array, binding: BindingEntry): Uint8Array {
  return Buffer.concat([label, Buffer.from(`,"Bnd":${serializeBinding(binding)}`, 'utf8')]);
}

export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();

export function fromHex(s: unknown): Uint8Array | null {
  if (typeof s !== 'string' || s.length % 2 !== 0 || !/^[0-9A-Fa-f]*$/.test(s)) return null;
  return new Uint8Array(Buffer.from(s, 'hex'));
}

export function serializeSecurityData(entries: SecurityEntry[]): string {
  return JSON.stringify({ SecurityData: { Type: SECURITY_DATA_TYPE, Version: SECURITY_DATA_VERSION, PubSD: entries } });
}

export type ParsedSecurityData =
  | { kind: 'empty' }
  | { kind: 'other' } // something else: a vendor's opaque string, or JSON that is not SecurityData
  | { kind: 'security_data'; version: unknown; entries: SecurityEntry[] };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Read a reserved field. Never throws. `PubSd` (Honor's spelling) is read as `PubSD`. */
export function parseSecurityData(text: string): ParsedSecurityData {
  if (text === '') return { kind: 'empty' };
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { kind: 'other' };
  }
  const sd = isObject(v) ? v['SecurityData'] : undefined;
  if (!isObject(sd) || sd['Type'] !== SECURITY_DATA_TYPE) return { kind: 'other' };
  const list = sd['PubSD'] ?? sd['PubSd'];
  const entries = Array.isArray(list)
    ? list.filter((e): e is SecurityEntry => isObject(e) && typeof e['Type'] === 'string')
    : [];
  return { kind: 'security_data', version: sd['Version'], entries };
}

export function tbsType(e: SecurityEntry): string | undefined {
  const t = e['TBSData'];
  return isObject(t) && typeof t['Type'] === 'string' ? t['Type'] : undefined;
}

export function asBinding(e: SecurityEntry): BindingEntry | null {
  const { Type, AlgID, CntSel, Hash } = e;
  if (Type !== 'Bnd' || typeof AlgID !== 'string' || typeof CntSel !== 'string' || typeof Hash !== 'string')
    return null;
  return { Type, AlgID, CntSel, Hash };
}

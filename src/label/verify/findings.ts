import type { LabelFindingCode } from '../aigc/findings.ts';
import type { FileFindingCode } from '../label-file.ts';

/**
 * Everything a verifier reports, by stable code. `error` fails the file, `warning` is worth a look but passes,
 * `info` is evidence (what was checked and how).
 */
export type VerifyFindingCode =
  | LabelFindingCode
  | FileFindingCode
  | 'format_unknown' // no codec recognises the bytes
  | 'structure_error' // the codec could not walk the file (truncated, malformed, oversize)
  | 'structure_damaged' // the codec read the file but met damage where a label could be (a truncated chunk, …)
  | 'structure_warning' // the codec met something odd but harmless
  | 'label_shell_empty' // a label placement with nothing in it: wiped, or written empty
  | 'producer_not_code' // ContentProducer is a name, not a provider code (App. E allows "name or code")
  | 'propagator_not_code'
  | 'signature_missing'
  | 'signature_invalid'
  | 'signature_unknown_key'
  | 'signature_key_expired'
  | 'signature_key_not_yet_valid'
  | 'signature_unsupported' // an algorithm or signed-data type this verifier does not check (RSA, …)
  | 'security_data_unrecognised' // the reserved field holds something other than TC260 SecurityData
  | 'content_changed' // the content binding no longer matches the file: the media changed after signing
  | 'binding_absent' // the signature covers the label only
  | 'binding_unsupported' // a content binding with a byte selection this verifier does not know
  | 'binding_unverifiable'; // a content binding, but this format has no canonical form to compute it from

export type Severity = 'error' | 'warning' | 'info';

export interface VerifyFinding {
  code: VerifyFindingCode;
  severity: Severity;
  message: string;
  /** The label field concerned. */
  field?: string;
  /** Index into the result's sites, for a finding about one label site. */
  site?: number;
  offset?: number;
  /** For signature findings: whose signature (ReservedCode1 producer, ReservedCode2 propagator). */
  role?: 'producer' | 'propagator';
}

export const errorsIn = (findings: readonly VerifyFinding[]): VerifyFinding[] =>
  findings.filter((f) => f.severity === 'error');

/** A named problem with a label, as a verifier reports it. `error` fails verification; `warning` does not. */
export type LabelFindingCode =
  | 'malformed_json'
  | 'not_object'
  | 'missing_field'
  | 'extra_field'
  | 'non_string_value'
  | 'label_value_invalid'
  | 'charset_violation'
  | 'oversize'
  | 'provider_code_invalid'
  | 'empty';

export interface LabelFinding {
  code: LabelFindingCode;
  severity: 'error' | 'warning';
  /** The field concerned, when there is one. */
  field?: string;
  message: string;
}

export const hasErrors = (findings: readonly LabelFinding[]): boolean => findings.some((f) => f.severity === 'error');

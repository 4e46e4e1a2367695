import type { LabelFinding } from './findings.ts';
import { AIGC_FIELDS, type AigcRecord, isAigcField, LABEL_VALUES, MAX_LABEL_BYTES } from './record.ts';

export type LabelForm = 'bare' | 'wrapped';

export interface ParsedLabel {
  /** Which JSON shape was found, when the text was a JSON object. */
  form?: LabelForm;
  /** The seven fields when every one is present as a string (even if other findings exist). */
  record?: AigcRecord;
  /** Whatever string fields were present, for evidence. */
  fields: Partial<Record<string, string>>;
  findings: LabelFinding[];
}

/**
 * GB 45438 App. E j: values consist of 0x21, 0x23–0x5B, 0x5D–0x7E and the escape `\"`, i.e. printable ASCII with no
 * space and no bare quote or backslash. After JSON decoding an escaped quote is a plain `"`, so the decoded value may
 * hold 0x21–0x7E except the backslash.
 */
export function charsetViolation(value: string): number {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x21 || c > 0x7e || c === 0x5c) return i;
  }
  return -1;
}

/**
 * Parse label text as found in a file: the bare seven-field object or the `{"AIGC":{…}}` wrapper. Never throws:
 * every problem is a named finding.
 */
export function parseLabelText(text: string): ParsedLabel {
  const findings: LabelFinding[] = [];
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_LABEL_BYTES) {
    return {
      fields: {},
      findings: [
        { code: 'oversize', severity: 'error', message: `label text is ${bytes} bytes, over ${MAX_LABEL_BYTES}` },
      ],
    };
  }
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed === '')
    return { fields: {}, findings: [{ code: 'empty', severity: 'error', message: 'label text is empty' }] };
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return {
      fields: {},
      findings: [{ code: 'malformed_json', severity: 'error', message: 'label text is not valid JSON' }],
    };
  }
  if (!isPlainObject(value)) {
    return {
      fields: {},
      findings: [{ code: 'not_object', severity: 'error', message: 'label JSON is not an object' }],
    };
  }
  let form: LabelForm = 'bare';
  let obj: Record<string, unknown> = value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'AIGC') {
    if (!isPlainObject(value['AIGC'])) {
      return {
        form: 'wrapped',
        fields: {},
        findings: [
          { code: 'not_object', severity: 'error', field: 'AIGC', message: 'the AIGC wrapper does not hold an object' },
        ],
      };
    }
    form = 'wrapped';
    obj = value['AIGC'];
  }
  return { form, ...validateFields(obj, findings) };
}

function validateFields(obj: Record<string, unknown>, findings: LabelFinding[]): Omit<ParsedLabel, 'form'> {
  const fields: Partial<Record<string, string>> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (!isAigcField(k)) {
      findings.push({
        code: 'extra_field',
        severity: 'error',
        field: k.slice(0, 64),
        message: `field not in GB 45438 App. E`,
      });
      continue;
    }
    if (typeof v !== 'string') {
      findings.push({
        code: 'non_string_value',
        severity: 'error',
        field: k,
        message: `${k} is a ${typeName(v)}, not a string`,
      });
      continue;
    }
    fields[k] = v;
  }
  for (const f of AIGC_FIELDS) {
    if (!(f in obj)) findings.push({ code: 'missing_field', severity: 'error', field: f, message: `${f} is missing` });
  }
  findings.push(...validateValues(fields));
  const complete = AIGC_FIELDS.every((f) => typeof fields[f] === 'string');
  const result: Omit<ParsedLabel, 'form'> = { fields, findings };
  if (complete) {
    const record = {} as AigcRecord;
    for (const f of AIGC_FIELDS) record[f] = fields[f]!;
    result.record = record;
  }
  return result;
}

/** Value rules that apply to any set of fields: Label 1/2/3 and the App. E j character set. */
export function validateValues(fields: Partial<Record<string, string>>): LabelFinding[] {
  const findings: LabelFinding[] = [];
  const label = fields['Label'];
  if (label !== undefined && !(LABEL_VALUES as readonly string[]).includes(label)) {
    findings.push({
      code: 'label_value_invalid',
      severity: 'error',
      field: 'Label',
      message: 'Label must be "1", "2" or "3"',
    });
  }
  for (const f of AIGC_FIELDS) {
    const v = fields[f];
    if (v === undefined) continue;
    const at = charsetViolation(v);
    if (at >= 0) {
      findings.push({
        code: 'charset_violation',
        severity: 'error',
        field: f,
        message: `${f} has a character outside GB 45438 App. E j (printable ASCII, no space or backslash) at position ${at}`,
      });
    }
  }
  return findings;
}

/** Validate a record before writing it: the same rules a verifier applies, plus non-empty producer and ID. */
export function validateRecord(record: AigcRecord): LabelFinding[] {
  const findings = validateFields(record as unknown as Record<string, unknown>, []).findings;
  for (const f of ['ContentProducer', 'ProduceID'] as const) {
    if (record[f] === '')
      findings.push({ code: 'missing_field', severity: 'error', field: f, message: `${f} is empty` });
  }
  return findings;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

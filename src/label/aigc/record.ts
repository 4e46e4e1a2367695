/**
 * The GB 45438-2025 App. E metadata label: seven string fields, all always present, in this order.
 */
export const AIGC_FIELDS = [
  'Label',
  'ContentProducer',
  'ProduceID',
  'ReservedCode1',
  'ContentPropagator',
  'PropagateID',
  'ReservedCode2',
] as const;

export type AigcField = (typeof AIGC_FIELDS)[number];
export type AigcRecord = { [K in AigcField]: string };

/**
 * The label a canonical write uses for the content binding (docs/signature-scheme.md): all seven fields empty. It is
 * never written into a file (the writer's validation refuses an empty ContentProducer).
 */
export const PLACEHOLDER_LABEL: Readonly<AigcRecord> = Object.freeze({
  Label: '',
  ContentProducer: '',
  ProduceID: '',
  ReservedCode1: '',
  ContentPropagator: '',
  PropagateID: '',
  ReservedCode2: '',
});

/** App. E: "1" is AI-generated (属于), "2" possibly (可能为), "3" suspected (疑似为). */
export const LABEL_VALUES = ['1', '2', '3'] as const;
export type LabelValue = (typeof LABEL_VALUES)[number];

export const LABEL_MEANING: Record<LabelValue, { zh: string; en: string }> = {
  '1': { zh: '属于AI生成合成内容', en: 'AI-generated' },
  '2': { zh: '可能为AI生成合成内容', en: 'possibly AI-generated' },
  '3': { zh: '疑似AI生成合成内容', en: 'suspected AI-generated' },
};

/** A label text larger than this is not parsed (readers bound what they read; a signature object fits easily). */
export const MAX_LABEL_BYTES = 64 * 1024;

const FIELD_SET: ReadonlySet<string> = new Set(AIGC_FIELDS);

export function isAigcField(name: string): name is AigcField {
  return FIELD_SET.has(name);
}

export interface NewLabel {
  /** ContentProducer: the provider's code (TC260-PG-20252A), never a Chinese name (App. E j). */
  producer: string;
  produceId: string;
  label?: LabelValue;
  reservedCode1?: string;
}

/**
 * A label as first written by a producer. GB 45438 App. E: on first write the propagator fields equal the producer's
 * (a propagation platform overwrites them later).
 */
export function createLabel(input: NewLabel): AigcRecord {
  return {
    Label: input.label ?? '1',
    ContentProducer: input.producer,
    ProduceID: input.produceId,
    ReservedCode1: input.reservedCode1 ?? '',
    ContentPropagator: input.producer,
    PropagateID: input.produceId,
    ReservedCode2: '',
  };
}

/** Compact JSON in the standard's key order, the bare seven-field object. */
export function serializeBare(record: AigcRecord): string {
  const ordered: Record<string, string> = {};
  for (const f of AIGC_FIELDS) ordered[f] = record[f];
  return JSON.stringify(ordered);
}

/** `{"AIGC":{…}}`, for containers whose field is generic (EXIF UserComment, a generic text chunk). */
export function serializeWrapped(record: AigcRecord): string {
  return `{"AIGC":${serializeBare(record)}}`;
}

export function recordsEqual(a: AigcRecord, b: AigcRecord): boolean {
  return AIGC_FIELDS.every((f) => a[f] === b[f]);
}

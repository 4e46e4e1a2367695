/**
 * Hegui: GB 45438-2025 labels and Deep Synthesis Provisions compliance, as a library.
 */
import './label/codecs/index.ts';

export { HeguiError, isHeguiError, type HeguiErrorCode } from './errors.ts';
export {
  AIGC_FIELDS,
  type AigcField,
  type AigcRecord,
  createLabel,
  LABEL_MEANING,
  LABEL_VALUES,
  type LabelValue,
  type NewLabel,
  recordsEqual,
  serializeBare,
  serializeWrapped,
} from './label/aigc/record.ts';
export { type LabelFinding, type LabelFindingCode, hasErrors } from './label/aigc/findings.ts';
export { charsetViolation, type ParsedLabel, parseLabelText, validateRecord } from './label/aigc/parse.ts';
export {
  formatProviderCode,
  parseProviderCode,
  type ProviderCode,
  type ProviderCodeCheck,
} from './label/aigc/provider-code.ts';
export { validateUscc, type UsccResult } from './identity/uscc.ts';
export { buildXmpPacket, mergeXmpAigc, readXmpAigc, TC260_NS } from './label/xmp/xmp.ts';
export type { Codec, CodecWarning, LabelSite, MediaKind } from './label/codecs/codec.ts';
export { allCodecs, codecById } from './label/codecs/index.ts';
export {
  detectFormat,
  type FileFinding,
  type FormatInfo,
  type LabelReading,
  labelBytes,
  readLabel,
  type SiteReading,
  writeLabel,
  type WriteLabelOptions,
  type WriteLabelResult,
} from './label/label-file.ts';

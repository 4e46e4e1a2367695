/**
 * Hegui: GB 45438-2025 labels and Deep Synthesis Provisions compliance, as a library.
 */
import './label/codecs/index.ts';

export { HeguiError, type HeguiErrorCode, isHeguiError } from './errors.ts';
export { type UsccResult, validateUscc } from './identity/uscc.ts';
export { hasErrors, type LabelFinding, type LabelFindingCode } from './label/aigc/findings.ts';
export { charsetViolation, type ParsedLabel, parseLabelText, validateRecord } from './label/aigc/parse.ts';
export {
  formatProviderCode,
  type ProviderCode,
  type ProviderCodeCheck,
  parseProviderCode,
} from './label/aigc/provider-code.ts';
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
export type { Codec, CodecWarning, LabelSite, MediaKind } from './label/codecs/codec.ts';
export { allCodecs, codecById } from './label/codecs/index.ts';
// Explicit labels (GB 45438 §5): drawn on images and videos, measured back from the pixels.
export {
  type Box,
  type Criterion,
  checkLabelText,
  contrastRatio,
  DEFAULT_LABEL_TEXT,
  DEFAULT_POSITION,
  DESIGN_CONTRAST,
  type ExplicitCheck,
  type ExplicitMedia,
  type ExplicitOptions,
  type ImageLabelOptions,
  type ImageLabelReport,
  isValidLabelText,
  LABEL_FONT_FAMILY,
  LABEL_POSITIONS,
  type LabelImageFileOptions,
  type LabelImageFileResult,
  type LabelPosition,
  type LabelText,
  type LabelTextKind,
  type LabelVideoFileOptions,
  labelFontFile,
  labelImageFile,
  labelVideoFile,
  MAX_LABEL_CHARS,
  MIN_CONTRAST,
  MIN_HEIGHT_RATIO,
  MIN_INK_PX,
  MIN_VIDEO_SECONDS,
  measureExplicitLabel,
  type PictureLabel,
  type Polarity,
  type RenderedImage,
  relativeLuminance,
  renderImageLabel,
  renderVideoLabel,
  sniffMedia,
  sniffMediaFile,
  VIDEO_SPANS,
  type VideoLabelOptions,
  type VideoLabelReport,
  type VideoSpan,
  type VideoTiming,
} from './label/explicit/index.ts';
export {
  detectFormat,
  type FileFinding,
  type FormatInfo,
  type LabelReading,
  labelBytes,
  readLabel,
  type SiteReading,
  type WriteLabelOptions,
  type WriteLabelResult,
  writeLabel,
} from './label/label-file.ts';
export { buildXmpPacket, mergeXmpAigc, readXmpAigc, TC260_NS } from './label/xmp/xmp.ts';

/**
 * Explicit labels (GB 45438-2025 §5; Deep Synthesis Provisions Art. 17): text a person sees on an image or a video,
 * drawn at a measured size with guaranteed contrast, and the checker that measures them back from the pixels.
 */
export {
  contrastRatio,
  DESIGN_CONTRAST,
  MIN_CONTRAST,
  type Polarity,
  relativeLuminance,
} from './contrast.ts';
export { drawableLabelText, MAX_DRAWN_LABEL_CHARS } from './drawable.ts';
export { LABEL_FONT_FAMILY, labelFontFile } from './font.ts';
export {
  type ImageLabelOptions,
  type ImageLabelReport,
  type LabelImageFileOptions,
  type LabelImageFileResult,
  labelImageFile,
  type RenderedImage,
  renderImageLabel,
} from './image.ts';
export {
  type Box,
  DEFAULT_POSITION,
  LABEL_POSITIONS,
  type LabelPosition,
  MIN_HEIGHT_RATIO,
  MIN_INK_PX,
} from './layout.ts';
export {
  type Criterion,
  type ExplicitCheck,
  measureExplicitLabel,
  type PictureLabel,
  type VideoTiming,
} from './measure/index.ts';
export { type ExplicitMedia, sniffMedia, sniffMediaFile } from './media.ts';
export type { ExplicitOptions } from './options.ts';
export {
  checkLabelText,
  DEFAULT_LABEL_TEXT,
  isValidLabelText,
  LABEL_TEXT_KINDS,
  type LabelText,
  type LabelTextKind,
  MAX_LABEL_CHARS,
} from './rule.ts';
export {
  type LabelVideoFileOptions,
  labelVideoFile,
  renderVideoLabel,
  type VideoLabelOptions,
  type VideoLabelReport,
} from './video.ts';
export { MIN_VIDEO_SECONDS, VIDEO_SPANS, type VideoSpan } from './video-span.ts';

/** Explicit labels in text (GB 45438 §5): whole texts, token streams, chat-completion event streams. */
export { labelChatCompletion } from './chat.ts';
export { detectTextFormat, formatFromName } from './detect.ts';
export { type FoundTextLabel, findTextLabels, type TextLabelPosition } from './find.ts';
export {
  hasTextLabel,
  type LabelTextOptions,
  type LabelTextResult,
  labelText,
  labelTextWithResult,
} from './label-text.ts';
export { measureText, measureTextLabel, type TextLabelMeasurement } from './measure.ts';
export {
  type CornerPosition,
  defaultLabelText,
  HTML_LABEL_CLASS,
  type Newline,
  resolveTextLabel,
  TEXT_FORMATS,
  TEXT_LABEL_MODES,
  type TextFormat,
  type TextLabelMode,
  type TextLabelOptions,
} from './options.ts';
export { createSseLabeller, type SseLabeller } from './sse.ts';
export { createStreamLabeller, MAX_HOLD, type StreamLabeller, type StreamLabelOptions } from './stream.ts';
export { labelTextFile, MAX_TEXT_BYTES, readTextFile } from './text-file.ts';

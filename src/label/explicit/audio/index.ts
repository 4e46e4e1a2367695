/** Explicit labels in audio (GB 45438 §5): the rhythm "短长 短短" and/or a spoken prompt, and their measurement. */
export {
  AUDIO_LABEL_POSITIONS,
  type AudioLabelOptions,
  type AudioLabelPlacement,
  type AudioLabelPosition,
  type AudioLabelResult,
  checkAudioLabelOptions,
  labelAudioBytes,
  labelAudioFile,
} from './label-audio.ts';
export {
  type AudioLabelMeasurement,
  type MeasureAudioOptions,
  type MeasuredTone,
  measureAudioLabel,
  type RhythmFinding,
  type RhythmPosition,
} from './measure.ts';
export { MAX_PROMPT_SECONDS } from './prompt.ts';
export { RHYTHM_DEFAULTS, RHYTHM_PATTERN, type RhythmOptions, synthRhythm } from './rhythm.ts';
export type { AudioContainer } from './transcode.ts';

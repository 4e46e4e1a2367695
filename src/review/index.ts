/** The review engine's public surface (text side; the image stage adds its own exports beside these). */
export { type Automaton, findAll, type KeyMatch, leftmostLongest, step } from './automaton/automaton.ts';
export { buildAutomaton } from './automaton/build.ts';
export { createStringMatcher, type StringMatch, type StringMatcher } from './automaton/string-matcher.ts';
export { artifactHash, isCompiledLibrary, loadLibrary, serialiseLibrary } from './compiled/artifact.ts';
export { BUILT_IN_COMMON_WORDS, type CompileReport, compileVersion } from './compiled/compile.ts';
export type { ArtifactHeader, CompiledLibrary } from './compiled/compiled-library.ts';
export {
  DECISION_RANK,
  decide,
  type ImageHit,
  type ReviewDecision,
  type ReviewHit,
  type ReviewResult,
  type Span,
  type SuppressedHit,
  stricter,
  type TextHit,
  type VariantKind,
} from './decision.ts';
export { type CoverageMinimums, type CoverageReport, coverage, TC260_MINIMUMS } from './library/coverage.ts';
export { diffVersions, type LibraryDiff } from './library/diff.ts';
export { exportCsv, exportJsonl } from './library/export.ts';
export {
  type Imported,
  type ImportFormat,
  type ImportOptions,
  importAllow,
  importText,
  WORD_TAGS,
} from './library/import.ts';
export {
  type BoundaryPolicy,
  type CooccurrenceRule,
  createLibrary,
  DEFAULT_SETTINGS,
  type FeatureEntry,
  type FeatureLibrary,
  type FeatureLibraryVersion,
  hashVersion,
  type LibrarySettings,
  latestVersion,
  type PatternKind,
  publishVersion,
  toEntry,
  verifyVersion,
} from './library/model.ts';
export { STARTER_DIR, starterFiles } from './library/starter.ts';
export { readLibrary, writeLibrary } from './library/store.ts';
export { foldCodePoint, foldTable } from './normalise/fold.ts';
export { BREAK, type NormalisedText, type NormaliseOptions, normalise, normaliseKey } from './normalise/normalise.ts';
export { openCompiledLibrary } from './open.ts';
export { DEFAULT_MAX_MATCH, MAX_MATCH_LIMIT, type RegexBounds, regexBounds } from './regex/bounds.ts';
export { type RegexProblem, regexProblem } from './regex/safety.ts';
export type { RegexStageOptions } from './regex/stage.ts';
export { type ReviewOptions, reviewText } from './review.ts';
export {
  ACTIONS,
  isRiskCode,
  type ReviewAction,
  RISK_CATEGORIES,
  RISK_CODES,
  RISKS,
  type Risk,
  type RiskCode,
  riskByCode,
  type Severity,
} from './risk.ts';
export { createStreamReviewer, type StreamReviewer, type StreamUpdate } from './stream.ts';
export { GENERATED_VARIANT_KINDS, type GeneratedVariantKind, generateVariants } from './variants/expand.ts';

/**
 * Hegui: GB 45438-2025 labels and Deep Synthesis Provisions compliance, as a library.
 */
import './label/codecs/index.ts';

export { HeguiError, type HeguiErrorCode, isHeguiError } from './errors.ts';
// Review engine, images (PDQ, multi-index hash, SHA-256 bank) and identity validators (Provisions Art. 9, 10).
export { type BirthDateProblem, checkBirthDate } from './identity/birth-date.ts';
export { mod11_2Check } from './identity/check-char.ts';
export { checkIdentity, detectIdentityType, type IdentityCheck, type IdentityType } from './identity/check-identity.ts';
export {
  type IdCheckOptions,
  type IdInvalidReason,
  type IdNumberKind,
  type IdNumberResult,
  upgradeLegacyResidentId,
  validateIdNumber,
} from './identity/id-number.ts';
export { maskGeneric, maskIdNumber, maskMobile } from './identity/mask.ts';
export { type MobileCheckOptions, type MobileResult, nationalMobileNumber, validateMobile } from './identity/mobile.ts';
export { type Carrier, type SegmentService, segmentOf } from './identity/mobile-segments.ts';
export { lookupRegion, type Region } from './identity/regions.ts';
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
// Platform store (SQLite or PostgreSQL) and the tamper-evident log (Cybersecurity Law Art. 21; Provisions Art. 16, 21).
export {
  type AppendedEntry,
  AuditLog,
  type CheckpointPolicy,
  type ConsistencyProof,
  type InclusionProof,
} from './platform/audit/audit-log.ts';
export { checkpointBody, type SignedCheckpoint, verifyCheckpointSignature } from './platform/audit/checkpoint.ts';
export {
  type AuditLogOptions,
  type AuditSlice,
  createAuditLog,
  defaultSigningKeyFile,
} from './platform/audit/create-audit-log.ts';
export type { ExportedEntry, ExportManifest } from './platform/audit/export/manifest.ts';
export { type ExportOptions, exportForRegulator } from './platform/audit/export/regulator-export.ts';
export { type AuditEvent, entryLeafHash, leafBytes } from './platform/audit/leaf.ts';
export { type LegalHold, LegalHolds } from './platform/audit/legal-holds.ts';
export { leafHash, nodeHash } from './platform/audit/merkle/hash.ts';
export { rootFromRun } from './platform/audit/merkle/range-root.ts';
export { verifyConsistency, verifyInclusion } from './platform/audit/merkle/verify.ts';
export { type PurgeReport, RetentionJob } from './platform/audit/retention-job.ts';
export {
  LEGAL_MINIMUM_MONTHS,
  type RetentionConfig,
  type RetentionPeriod,
  RetentionPolicy,
} from './platform/audit/retention-policy.ts';
export { type CheckpointSigner, loadSigningKey } from './platform/audit/signing-key.ts';
export type { Problem, ProblemCode, VerifyReport } from './platform/audit/verify/report.ts';
export { verifyDatabase } from './platform/audit/verify/verify-database.ts';
export { verifyExport } from './platform/audit/verify/verify-export.ts';
export { DEFAULT_MAX_PIXELS, type DecodeOptions } from './review/image/decode.ts';
export { DIHEDRAL, type Dihedral } from './review/image/dihedral.ts';
export { type Hash256, hamming, hash256FromHex, hash256ToHex } from './review/image/hash256.ts';
export { hashImage, type ImageHash } from './review/image/hasher.ts';
export { deserializePdqIndex, serializePdqIndex } from './review/image/index-file.ts';
export { DEFAULT_MIN_QUALITY, ImageLibrary, type ImageLibraryOptions } from './review/image/library.ts';
export { bruteForceQuery, type IndexMatch, PdqIndex } from './review/image/mih.ts';
export { dihedralHashes, type PdqResult, pdqFromLuma } from './review/image/pdq.ts';
export {
  DEFAULT_MAX_DISTANCE,
  type ImageReview,
  type ImageReviewOptions,
  reviewImage,
} from './review/image/review-image.ts';
export { Sha256Bank, sha256Hex } from './review/image/sha256-bank.ts';
export type { ImageAction, ImageHit, ImageLibraryEntry } from './review/image/types.ts';
export {
  type DialectCapabilities,
  type DialectName,
  type MigrationReport,
  newId,
  openStore,
  type Store,
  type StoreOptions,
  type StoreSchema,
  type StoreTransaction,
  storeOptionsFromEnv,
} from './store/index.ts';

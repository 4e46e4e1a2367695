/**
 * Hegui: GB 45438-2025 labels and Deep Synthesis Provisions compliance, as a library.
 */
import './label/codecs/index.ts';

export { sha256Hex } from './digest.ts';
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
  PLACEHOLDER_LABEL,
  recordsEqual,
  serializeBare,
  serializeWrapped,
} from './label/aigc/record.ts';
export type { Codec, CodecWarning, LabelSite, MediaKind } from './label/codecs/codec.ts';
export { allCodecs, codecById } from './label/codecs/index.ts';
export * from './label/explicit/audio/index.ts';
// Explicit labels (GB 45438 §5): drawn on images and videos, measured back from the pixels.
export {
  type Box,
  type Criterion,
  checkLabelText,
  contrastRatio,
  DEFAULT_LABEL_TEXT,
  DEFAULT_POSITION,
  DESIGN_CONTRAST,
  drawableLabelText,
  type ExplicitCheck,
  type ExplicitMedia,
  type ExplicitOptions,
  type ImageLabelOptions,
  type ImageLabelReport,
  isValidLabelText,
  LABEL_FONT_FAMILY,
  LABEL_POSITIONS,
  LABEL_TEXT_KINDS,
  type LabelImageFileOptions,
  type LabelImageFileResult,
  type LabelPosition,
  type LabelText,
  type LabelTextKind,
  type LabelVideoFileOptions,
  labelFontFile,
  labelImageFile,
  labelVideoFile,
  MAX_DRAWN_LABEL_CHARS,
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
export * from './label/explicit/text/index.ts';
export {
  detectFormat,
  type FileFinding,
  type FormatInfo,
  type LabelReading,
  labelBytes,
  labelBytesResult,
  readLabel,
  type SiteReading,
  type WriteLabelOptions,
  type WriteLabelResult,
  writeLabel,
} from './label/label-file.ts';
// Labelling policies (Provisions Art. 16–17; Labelling Measures Art. 9): which labels each service type applies.
export * from './label/policy/index.ts';
export {
  DECLARATION_REMINDER,
  type DetectionEvidence,
  type NotWrittenCode,
  type PropagateOptions,
  type PropagationCase,
  type PropagationDecision,
  type PropagationResult,
  propagate,
} from './label/propagate.ts';
export type { BindingStatus, SignatureReport, SignatureStatus } from './label/security/check.ts';
export { contentDigest, type DigestAlgorithm } from './label/security/content-binding.ts';
export {
  generateKeyPair,
  type LabelSigner,
  loadPrivateKey,
  loadPublicKey,
  SIGNATURE_ALGORITHMS,
  SIGNATURE_OID,
  type SignatureAlgorithm,
  type VerifyKey,
} from './label/security/keys.ts';
export {
  CONTENT_SELECTION,
  labelMessage,
  type ParsedSecurityData,
  parseSecurityData,
  type SignerRole,
} from './label/security/security-data.ts';
export { digestAlgorithmFor, type SignRecordOptions, signRecord } from './label/security/sign.ts';
export {
  EMPTY_TRUST_LIST,
  loadTrustList,
  parseTrustList,
  type TrustedKey,
  type TrustedProvider,
  type TrustList,
} from './label/security/trust-list.ts';
export { renderAuditHtml } from './label/verify/audit-html.ts';
export { type AuditEntry, type AuditReport, buildAuditReport } from './label/verify/audit-report.ts';
export type { Severity, VerifyFinding, VerifyFindingCode } from './label/verify/findings.ts';
export { summariseResults, type VerifySummary } from './label/verify/summary.ts';
export {
  type Outcome,
  type VerifiedSite,
  type VerifyOptions,
  type VerifyResult,
  verify,
  verifySource,
} from './label/verify/verify.ts';
export { buildXmpPacket, mergeXmpAigc, readXmpAigc, TC260_NS } from './label/xmp/xmp.ts';
// Platform (Provisions Art. 8, 9): PII protection, staff authentication, real-name verification, agreements, server.
export type { Account, AccountView } from './platform/accounts/account.ts';
export type { AccountStore } from './platform/accounts/account-store.ts';
export {
  type GateCheck,
  type GateDecision,
  type GateRefusal,
  RealNameGate,
} from './platform/accounts/real-name-gate.ts';
export { RealNameService } from './platform/accounts/real-name-service.ts';
export { buildProviders, type VerificationConfig } from './platform/accounts/verification/configure.ts';
export type { HttpCallConfig } from './platform/accounts/verification/http-call.ts';
export { ManualReviewVerification } from './platform/accounts/verification/manual-review.ts';
export { NationalIdentityVerification } from './platform/accounts/verification/national-identity.ts';
export {
  type AssuranceLevel,
  type Challenge,
  type ChallengeStart,
  isVerified,
  type NotVerified,
  type VerificationMethod,
  VerificationProvider,
  type VerificationResult,
  type Verified,
} from './platform/accounts/verification/provider.ts';
export { KycResidentIdVerification } from './platform/accounts/verification/resident-id-kyc.ts';
export { SmsCodeVerification } from './platform/accounts/verification/sms-code.ts';
export { DevelopmentSmsSender, type SmsSender, WebhookSmsSender } from './platform/accounts/verification/sms-sender.ts';
export {
  HttpOrganisationRegistry,
  type OrganisationRegistry,
  UsccRegistryVerification,
} from './platform/accounts/verification/uscc-registry.ts';
export type { VerificationRecord, VerificationStore } from './platform/accounts/verification-store.ts';
export type { AgreementDocument, AgreementStore, DocumentKind } from './platform/agreements/agreement.ts';
export { AgreementService } from './platform/agreements/agreement-service.ts';
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
export { type AuditSink, auditEvent } from './platform/audit-sink.ts';
export { hashPassword, verifyPassword } from './platform/auth/password.ts';
export { checkPassword } from './platform/auth/password-policy.ts';
export { PERMISSION_TABLE, type Permission, ROLES, type Role } from './platform/auth/roles.ts';
export { hotp, otpauthUri, totp, verifyTotp } from './platform/auth/totp.ts';
export { keyRingFromFile, keyRingFromKey, loadKeyRing } from './platform/pii/key-ring.ts';
export { PiiCipher } from './platform/pii/pii-cipher.ts';
export { IdentifierProtector, type ProtectedIdentifier } from './platform/pii/protected-identifier.ts';
export { containsIdentifier, REDACTED_FIELDS, redact, redactFields, scrubText } from './platform/pii/redact.ts';
export { createPlatform, type Platform, type PlatformOptions } from './platform/platform.ts';
export { createSqlStores } from './platform/sql-platform-stores.ts';
export type { PlatformStores } from './platform/stores.ts';
export {
  type BadRecordLine,
  DELIVERY_EVENT_TYPE,
  deliverySubject,
  findUnlabelledDelivery,
  type IngestFileReport,
  type IngestOptions,
  type IngestReport,
  ingestDeliveryRecords,
  type LoggedDelivery,
} from './platform/unlabelled-deliveries/ingest.ts';
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
export { Sha256Bank } from './review/image/sha256-bank.ts';
export type { ImageAction, ImageHit, ImageLibraryEntry } from './review/image/types.ts';

// Review engine, text side (Provisions Art. 10): normaliser, automaton, feature library, decision, streaming.
export * from './review/index.ts';
export { loadConfig, type ServerConfig } from './server/config.ts';
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

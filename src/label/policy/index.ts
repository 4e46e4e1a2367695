/** Labelling policies: which labels each kind of service puts on its output, applied to files (README "Labelling policy"). */
export {
  type ApplyPolicyOptions,
  applyPolicy,
  type ExplicitOutcome,
  type PolicyReport,
  type StagedOutput,
  sha256OfFile,
  type WithoutExplicitRequest,
} from './apply.ts';
export { type MediumOf, mediumOf, POLICY_MEDIA, type PolicyMedium } from './medium.ts';
export {
  type AudioPolicy,
  canonicalJson,
  defaultPolicy,
  defaultServicePolicy,
  type ExplicitOverrides,
  type ExplicitPolicy,
  type ImagePolicy,
  type LabellingPolicy,
  loadPolicy,
  overrideExplicit,
  parsePolicy,
  type ServicePolicy,
  type TextPolicy,
  type VideoPolicy,
} from './policy.ts';
export { checkServiceType, type PreparedService, prepareService } from './prepare.ts';
export {
  appendRecord,
  checkRecipient,
  newRecordId,
  pseudonymiseRecipient,
  RECORD_TYPE,
  type RecipientKey,
  type RecordedRecipient,
  type UnlabelledDeliveryRecord,
} from './record.ts';
export { MAX_RECORD_LINE_BYTES, type ParsedRecord, parseRecordLine } from './record-line.ts';
export { POLICY_VERSION } from './schema.ts';
export {
  isServiceType,
  SERVICE_TYPE_INFO,
  SERVICE_TYPES,
  type ServiceType,
  type ServiceTypeInfo,
} from './service-types.ts';
export { type Fingerprint, LabelState, type Resume, STATE_FILE_NAME, type StateEntry } from './state.ts';

import { HeguiError } from '../errors.ts';
import { hasErrors } from './aigc/findings.ts';
import { validateValues } from './aigc/parse.ts';
import { parseProviderCode } from './aigc/provider-code.ts';
import { type AigcRecord, LABEL_MEANING, type LabelValue } from './aigc/record.ts';
import { labelBytesResult, writeLabel } from './label-file.ts';
import type { LabelSigner } from './security/keys.ts';
import type { SignerRole } from './security/security-data.ts';
import type { TrustList } from './security/trust-list.ts';
import { errorsIn } from './verify/findings.ts';
import { type VerifyResult, verify } from './verify/verify.ts';

/** What a platform's own detection found (Labelling Measures Art. 6(3)). */
export interface DetectionEvidence {
  kind: 'explicit_label' | 'watermark' | 'traces';
  /** Free text for the record: which detector, what score. Never written into the file. */
  detail?: string;
}

export interface PropagateOptions {
  /** ContentPropagator: the platform's provider code. */
  platform: string;
  /** PropagateID: the platform's ID for this content. */
  propagateId: string;
  /** The uploading user declared the content AI-generated (Art. 6(2)). */
  declaredAi?: boolean;
  /** The platform's detection found an explicit label, a watermark or other traces (Art. 6(3)). */
  detected?: DetectionEvidence | null;
  /** Signs ReservedCode2 (and ReservedCode1 when the platform also stands as the producer, cases 2 and 3). */
  signer?: LabelSigner;
  trust?: TrustList;
  /**
   * ContentProducer for a file that had no label (cases 2 and 3), which the Measures leave open (?). Default: the
   * platform's own code, since the platform is the one attesting the label; App. E wants every field filled.
   */
  producer?: string;
  /** ProduceID for a file that had no label. Default: the PropagateID. */
  produceId?: string;
  /** For a path: where to write (default: replace the file atomically). */
  out?: string;
  now?: Date;
}

/**
 * `labelled`: the file carries a valid label (Art. 6(1)); `declared`: none, the user declared it (6(2)); `detected`:
 * none, detection found traces (6(3)); `none`: nothing known, nothing written; `refused`: the file carries a label
 * that does not verify (or cannot be read), reported and left untouched, never silently repaired.
 */
export type PropagationCase = 'labelled' | 'declared' | 'detected' | 'none' | 'refused';

export interface PropagationDecision {
  case: PropagationCase;
  /** The Label value the file carries after propagation. */
  label: LabelValue | null;
  /** The prominent notice the platform must show next to the content, or null. */
  display: string | null;
  reason: string;
}

export interface PropagationResult {
  decision: PropagationDecision;
  /** Art. 6: whatever the case, the platform offers users a declaration function and reminds them to use it. */
  reminder: string;
  /** The input as the verifier saw it. */
  verification: VerifyResult;
  /** What was written (absent for `none` and `refused`). */
  written?: { path?: string; bytes?: Uint8Array; label: AigcRecord };
  warnings: string[];
}

export const DECLARATION_REMINDER =
  '提供声明功能并提醒用户主动声明其上传内容是否为AI生成合成内容 (Labelling Measures Art. 6: offer the declaration function and remind users to use it)';

function checkIds(o: PropagateOptions): string[] {
  const warnings: string[] = [];
  for (const [name, v] of [
    ['platform', o.platform],
    ['propagate ID', o.propagateId],
    ['producer', o.producer],
    ['produce ID', o.produceId],
  ] as const) {
    if (v === undefined) continue;
    if (v === '' || hasErrors(validateValues({ ContentPropagator: v }))) {
      throw new HeguiError('usage', `the ${name} must be printable ASCII without spaces (GB 45438 App. E j)`);
    }
  }
  const code = parseProviderCode(o.platform);
  if (!code.valid) warnings.push('the platform is not a valid TC260-PG-20252A provider code');
  else if (code.code?.serviceType !== '2')
    warnings.push('the platform code is not a propagation-service code (type 2)');
  return warnings;
}

function decide(v: VerifyResult, o: PropagateOptions): PropagationDecision {
  if (v.sites.length > 0) {
    if (!v.passed) {
      const errors = errorsIn(v.findings).map((f) => f.code);
      return {
        case: 'refused',
        label: null,
        display: null,
        reason: `the file carries a label that does not verify (${[...new Set(errors)].join(', ')}); it is reported, not repaired`,
      };
    }
    const kept = v.label!.Label as LabelValue;
    return {
      case: 'labelled',
      label: kept,
      display: LABEL_MEANING['1'].zh,
      reason:
        kept === '1'
          ? 'the file carries a valid metadata label (Art. 6(1))'
          : `the file carries a valid metadata label (Art. 6(1)) whose Label is "${kept}"; the producer's value is kept (it is signed and may not be altered, Provisions Art. 18)`,
    };
  }
  if (v.outcome === 'inconclusive') {
    return { case: 'refused', label: null, display: null, reason: 'the file could not be read where a label could be' };
  }
  if (o.declaredAi) {
    return {
      case: 'declared',
      label: '2',
      display: LABEL_MEANING['2'].zh,
      reason: 'no label; the user declared it AI-generated (Art. 6(2))',
    };
  }
  if (o.detected) {
    return {
      case: 'detected',
      label: '3',
      display: LABEL_MEANING['3'].zh,
      reason: `no label, no declaration; detection found ${o.detected.kind.replace('_', ' ')} (Art. 6(3))`,
    };
  }
  return {
    case: 'none',
    label: null,
    display: null,
    reason: 'not AI-generated as far as known: no label, no declaration, nothing detected; nothing is written',
  };
}

/**
 * The propagation platform's flow of Labelling Measures Art. 6 (labeling.md §6): read and verify the label, decide
 * the case, write the platform's ContentPropagator / PropagateID (and its signature in ReservedCode2) keeping the
 * producer's fields and exactly one label, and return the notice to show.
 */
export async function propagate(input: string | Uint8Array, o: PropagateOptions): Promise<PropagationResult> {
  const warnings = checkIds(o);
  const verification = await verify(input, {
    ...(o.trust ? { trust: o.trust } : {}),
    ...(o.now ? { now: o.now } : {}),
  });
  const decision = decide(verification, o);
  const base = { decision, reminder: DECLARATION_REMINDER, verification, warnings };
  if (decision.case === 'none' || decision.case === 'refused') return base;

  let record: AigcRecord;
  let roles: SignerRole[] = ['propagator'];
  if (decision.case === 'labelled') {
    record = { ...verification.label!, ContentPropagator: o.platform, PropagateID: o.propagateId, ReservedCode2: '' };
  } else {
    const producer = o.producer ?? o.platform;
    record = {
      Label: decision.label!,
      ContentProducer: producer,
      ProduceID: o.produceId ?? o.propagateId,
      ReservedCode1: '',
      ContentPropagator: o.platform,
      PropagateID: o.propagateId,
      ReservedCode2: '',
    };
    // The platform stands as the producer too, so it signs those fields; it never signs for someone else.
    if (producer === o.platform) roles = ['producer', 'propagator'];
  }
  const sign = o.signer ? { sign: { signer: o.signer, roles } } : {};
  if (typeof input === 'string') {
    const res = await writeLabel(input, record, { ...(o.out ? { out: o.out } : {}), ...sign });
    return { ...base, written: { path: res.path, label: res.label } };
  }
  const res = await labelBytesResult(input, record, sign);
  return { ...base, written: { bytes: res.bytes, label: res.label } };
}

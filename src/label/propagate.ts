import { HeguiError } from '../errors.ts';
import { hasErrors } from './aigc/findings.ts';
import { validateValues } from './aigc/parse.ts';
import { parseProviderCode } from './aigc/provider-code.ts';
import { type AigcRecord, LABEL_MEANING, type LabelValue } from './aigc/record.ts';
import { byName, codecById } from './codecs/registry.ts';
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
  /**
   * The file's name, for bytes (a path names itself): a text named `.md` or `.markdown` is Markdown and takes a front
   * matter block; any other text is plain text, which has no metadata container.
   */
  name?: string;
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
  /**
   * The Label of the decision, which the display states (labeling.md §6 steps 1–3): "1" for a file carrying a valid
   * label, "2" declared, "3" detected; null for `none` and `refused`.
   */
  label: LabelValue | null;
  /**
   * Case 1 only: the Label the producer's label says, which the file keeps unchanged ("2" or "3" as well as "1"):
   * the platform writes only its own fields (§6 step 5), and a signed label may not be altered (Provisions Art. 18).
   */
  producerLabel?: LabelValue;
  /** Case 3: the evidence, the platform's detection or an explicit label found in the text. Never written into the file. */
  evidence?: DetectionEvidence;
  /** The prominent notice the platform must show next to the content, or null. */
  display: string | null;
  reason: string;
}

/**
 * Why nothing was written: `nothing_to_write` (case none), `refused` (the file's label does not verify),
 * `no_container` (cases 1–3 in a format with nowhere to hold a metadata label, plain text: the decision and the notice
 * stand, the platform shows the notice and keeps the decision in its own records).
 */
export type NotWrittenCode = 'nothing_to_write' | 'refused' | 'no_container';

export interface PropagationResult {
  decision: PropagationDecision;
  /** Art. 6: whatever the case, the platform offers users a declaration function and reminds them to use it. */
  reminder: string;
  /** The input as the verifier saw it. */
  verification: VerifyResult;
  /** What was written; absent exactly when `notWritten` is present. */
  written?: { path?: string; bytes?: Uint8Array; label: AigcRecord };
  notWritten?: { code: NotWrittenCode; reason: string };
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

/** §6 step 3: an explicit label the verifier found in the text (a prompt or corner mark) is detection evidence. */
function explicitEvidence(v: VerifyResult): DetectionEvidence | null {
  const found = v.explicit[0];
  if (!found) return null;
  return { kind: 'explicit_label', detail: `${found.kind} "${found.text}" at the ${found.position} of the text` };
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
    // labeling.md §6 step 1 (Measures Art. 6(1)): a valid label means 属于, Label "1". Step 5 has the platform write
    // only ContentPropagator / PropagateID / ReservedCode2, keeping the producer's fields; the producer's Label is
    // one of them, signed in ReservedCode1, and may not be altered (Provisions Art. 18, §1). So the decision is
    // Label "1" with its notice, and the file keeps whatever Label the producer wrote.
    const kept = v.label!.Label as LabelValue;
    return {
      case: 'labelled',
      label: '1',
      producerLabel: kept,
      display: LABEL_MEANING['1'].zh,
      reason:
        kept === '1'
          ? 'the file carries a valid metadata label (Art. 6(1))'
          : `the file carries a valid metadata label (Art. 6(1)), so 属于, Label 1; the producer's own Label "${kept}" stays in the file unchanged (the platform writes only its own fields; Provisions Art. 18)`,
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
  // The platform's own detection first (it names what it found), else an explicit label in the text itself.
  const evidence = o.detected ?? explicitEvidence(v);
  if (evidence) {
    return {
      case: 'detected',
      label: '3',
      evidence,
      display: LABEL_MEANING['3'].zh,
      reason: `no label, no declaration; detection found ${
        evidence === o.detected ? evidence.kind.replace('_', ' ') : `an explicit label in the text (${evidence.detail})`
      } (Art. 6(3))`,
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
 * producer's fields and exactly one label, and return the notice to show. A format without a metadata container
 * (plain text) gets the decision and the notice with nothing written (`notWritten.code` `no_container`).
 */
export async function propagate(input: string | Uint8Array, o: PropagateOptions): Promise<PropagationResult> {
  const warnings = checkIds(o);
  const verification = await verify(input, {
    ...(o.trust ? { trust: o.trust } : {}),
    ...(o.now ? { now: o.now } : {}),
  });
  const decision = decide(verification, o);
  const base = { decision, reminder: DECLARATION_REMINDER, verification, warnings };
  if (decision.case === 'none')
    return { ...base, notWritten: { code: 'nothing_to_write', reason: 'case none: there is no label to write' } };
  if (decision.case === 'refused') return { ...base, notWritten: { code: 'refused', reason: decision.reason } };
  // Plain text has nowhere to hold the label: the decision and the notice stand, nothing is written.
  // Decided from the format the verifier sniffed and the file's name, without reading the file again.
  const sniffed = verification.format ? codecById(verification.format.codec) : undefined;
  const none = sniffed && byName(sniffed, typeof input === 'string' ? input : o.name).noContainer;
  if (none) return { ...base, notWritten: { code: 'no_container', reason: none } };

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
  const res = await labelBytesResult(input, record, { ...sign, ...(o.name ? { name: o.name } : {}) });
  return { ...base, written: { bytes: res.bytes, label: res.label } };
}

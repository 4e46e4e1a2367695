/**
 * Apply a labelling policy to one file (architecture: "file labelling"): the medium by the file's bytes, the
 * explicit label by that medium's renderer when the policy asks for it, then the metadata label (signed when the
 * policy names a key), read back by the writer; the result is staged beside the target and only then renamed over
 * it, so a hook (a resumable run's journal, the Art. 9 record) sees the finished file before anyone else does.
 */
import '../codecs/index.ts';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, copyFile, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { HeguiError } from '../../errors.ts';
import { type AigcRecord, createLabel, type LabelValue } from '../aigc/record.ts';
import { labelAudioFile } from '../explicit/audio/label-audio.ts';
import { labelImageFile } from '../explicit/image.ts';
import type { LabelPosition } from '../explicit/layout.ts';
import { labelTextFile } from '../explicit/text/text-file.ts';
import { labelVideoFile } from '../explicit/video.ts';
import { ioError } from '../io/source.ts';
import { writeLabel } from '../label-file.ts';
import type { LabelSigner, SignatureAlgorithm } from '../security/keys.ts';
import { type MediumOf, mediumOf, type PolicyMedium } from './medium.ts';
import type { LabellingPolicy, ServicePolicy } from './policy.ts';
import { prepareService } from './prepare.ts';
import {
  appendRecord,
  checkRecipient,
  newRecordId,
  pseudonymiseRecipient,
  RECORD_TYPE,
  type RecipientKey,
  type UnlabelledDeliveryRecord,
} from './record.ts';
import type { ServiceType } from './service-types.ts';

export interface WithoutExplicitRequest {
  /** Who asked for the content without its explicit label (an account ID): recorded. */
  recipient: string;
  /** The records file (JSON Lines) the delivery is appended to. */
  recordLog: string;
  /** Record the recipient as a keyed hash under this key (else as given). */
  recipientKey?: RecipientKey;
}

export interface StagedOutput {
  /** Where the finished output is until it is committed. */
  path: string;
  /** Where it goes. */
  target: string;
  sha256: string;
  size: number;
  /** What will be reported once it is committed. */
  report: PolicyReport;
}

export interface ApplyPolicyOptions {
  producer: string;
  produceId: string;
  /** Label value (default "1": the producer's own content is AI-generated). */
  label?: LabelValue;
  /** Output file; or `inPlace` to replace the input. */
  out?: string;
  inPlace?: boolean;
  /** Provisions Art. 17 ¶2: the user asked for the explicit label where the policy leaves it off. */
  explicit?: boolean;
  /** Labelling Measures Art. 9: the user asked for the content without its explicit label. */
  withoutExplicit?: WithoutExplicitRequest;
  /** Called with the finished output before it replaces the target (a journal writes here); a throw aborts. */
  beforeCommit?: (output: StagedOutput) => Promise<void>;
}

export type ExplicitOutcome =
  | {
      applied: true;
      medium: 'image' | 'video';
      text: string;
      position: LabelPosition;
      inkHeightPx: number;
      inkHeightRatio: number;
      contrast: number;
      /** Video: seconds from the first frame during which the label is drawn. */
      intervals?: { from: number; to: number }[];
    }
  | {
      applied: true;
      medium: 'audio';
      position: 'before' | 'after' | 'both';
      rhythm: boolean;
      prompt: boolean;
      lossless: boolean;
    }
  | { applied: true; medium: 'text'; format: string; mode: string; alreadyLabelled: boolean }
  | {
      applied: false;
      /** `user-request`: Measures Art. 9; `shown-by-interface`: the interface shows it; `not-required`: Art. 17 ¶2. */
      reason: 'user-request' | 'shown-by-interface' | 'not-required';
    };

export interface PolicyReport {
  file: string;
  output: string;
  serviceType: ServiceType;
  medium: PolicyMedium;
  /** The file format as the codecs name it. */
  format: string | null;
  explicit: ExplicitOutcome;
  metadata: { written: true; label: AigcRecord } | { written: false; reason: string };
  signature: { signed: true; algorithm: SignatureAlgorithm; keyId: string } | { signed: false };
  watermark: { applied: false; reason: string };
  /** SHA-256 (hex) and size of the output. */
  sha256: string;
  size: number;
  /** The settings' hash ({@link PreparedService.hash}). */
  policy: string;
  /** The Art. 9 record appended for this delivery. */
  record?: UnlabelledDeliveryRecord;
  warnings: string[];
}

const WATERMARK = { applied: false as const, reason: 'digital watermarks are not available in this version' };

export async function sha256OfFile(path: string): Promise<string> {
  const h = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  } catch (e) {
    throw ioError(e, 'read the output');
  }
  return h.digest('hex');
}

function decideExplicit(p: ServicePolicy, o: ApplyPolicyOptions): ExplicitOutcome | null {
  if (o.withoutExplicit) {
    if (o.explicit) throw new HeguiError('usage', 'ask for the explicit label or for content without it, not both');
    const allowed = p.withoutExplicitOnRequest;
    if (!allowed) {
      throw new HeguiError(
        'not_permitted',
        `the labelling policy for ${p.serviceType} does not permit content without its explicit label; it must allow it ("withoutExplicitOnRequest") and name the user agreement that states the user's labelling duty (Labelling Measures Art. 9)`,
      );
    }
    checkRecipient(o.withoutExplicit.recipient);
    return { applied: false, reason: 'user-request' };
  }
  if (o.explicit || p.explicit.enabled) return null;
  return { applied: false, reason: p.explicit.shownBy === 'interface' ? 'shown-by-interface' : 'not-required' };
}

interface Written {
  explicit: ExplicitOutcome;
  label: AigcRecord | null;
  warnings: string[];
}

async function writeExplicit(
  file: string,
  temp: string,
  m: MediumOf,
  p: ServicePolicy,
  label: AigcRecord,
  signer: LabelSigner | undefined,
): Promise<Written> {
  const sign = signer ? { sign: { signer } } : {};
  const x = p.explicit;
  switch (m.medium) {
    case 'image': {
      const r = await labelImageFile(file, temp, { ...x.image, label, ...sign });
      const { report: k } = r;
      return {
        explicit: {
          applied: true,
          medium: 'image',
          text: k.text,
          position: k.position,
          inkHeightPx: k.inkHeightPx,
          inkHeightRatio: k.inkHeightRatio,
          contrast: k.contrast,
        },
        label: r.label,
        warnings: k.warnings,
      };
    }
    case 'video': {
      const r = await labelVideoFile(file, temp, { ...x.video, label, ...sign });
      const { report: k } = r;
      return {
        explicit: {
          applied: true,
          medium: 'video',
          text: k.text,
          position: k.position,
          inkHeightPx: k.inkHeightPx,
          inkHeightRatio: k.inkHeightRatio,
          contrast: k.contrast,
          intervals: k.intervals,
        },
        label: r.label,
        warnings: k.warnings,
      };
    }
    case 'audio': {
      const r = await labelAudioFile(file, temp, { ...x.audio, label, ...sign });
      return {
        explicit: {
          applied: true,
          medium: 'audio',
          position: x.audio.position ?? 'before',
          rhythm: x.audio.rhythm !== false,
          prompt: !!x.audio.prompt,
          lossless: r.lossless,
        },
        label: r.label ?? null,
        warnings: [],
      };
    }
    case 'text': {
      const r = await labelTextFile(file, temp, { ...x.text, format: 'auto' });
      // The temporary file's name says nothing: the input's decides whether a text is Markdown (`.md`).
      const written = m.metadata ? (await writeLabel(temp, label, { ...sign, name: file })).label : null;
      return {
        explicit: {
          applied: true,
          medium: 'text',
          format: r.format,
          mode: x.text.mode ?? 'prefix',
          alreadyLabelled: !r.changed,
        },
        label: written,
        warnings: [],
      };
    }
    case 'document':
      throw new HeguiError(
        'format_unsupported',
        `explicit labels are not added to ${m.format?.name ?? 'these'} files in this version, and the ${p.serviceType} policy asks for one; label such files with a policy or service type that does not (the metadata label alone)`,
      );
  }
}

async function writeMetadataOnly(
  file: string,
  temp: string,
  m: MediumOf,
  label: AigcRecord,
  signer: LabelSigner | undefined,
  onRequest: boolean,
): Promise<AigcRecord | null> {
  if (m.metadata) return (await writeLabel(file, label, { out: temp, ...(signer ? { sign: { signer } } : {}) })).label;
  if (m.format?.codec === 'text' && onRequest) {
    // Plain text has no metadata container: without its explicit label it goes out as it is.
    await copyFile(file, temp).catch((e: unknown) => {
      throw ioError(e, 'copy the file');
    });
    return null;
  }
  throw new HeguiError(
    'format_unsupported',
    m.format?.codec === 'text'
      ? 'plain text has no metadata container, and the policy adds no explicit label for this service type: there is nothing to label it with'
      : `the metadata label cannot be written into ${m.format?.name ?? 'files of this format'}`,
  );
}

async function commit(temp: string, target: string): Promise<void> {
  const fh = await open(temp, 'r+').catch((e: unknown) => {
    throw ioError(e, 'open the output file');
  });
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
  const st = await stat(target).catch(() => null);
  if (st) await chmod(temp, st.mode & 0o7777).catch(() => {});
  await rename(temp, target).catch((e: unknown) => {
    throw ioError(e, 'replace the output file');
  });
}

/**
 * Label `file` as `policy` says for `serviceType`: explicit label (unless the policy leaves it off or the user asked
 * for content without it, Measures Art. 9), metadata label, signature. Returns what was done, with the output's
 * SHA-256. On failure nothing is written and the input is untouched.
 */
export async function applyPolicy(
  file: string,
  policy: LabellingPolicy,
  serviceType: ServiceType,
  options: ApplyPolicyOptions,
): Promise<PolicyReport> {
  if (!!options.out === !!options.inPlace)
    throw new HeguiError('usage', 'give either an output path (out) or inPlace, not both or neither');
  const prepared = await prepareService(policy, serviceType);
  const p = prepared.policy;
  const skip = decideExplicit(p, options);
  const label = createLabel({ producer: options.producer, produceId: options.produceId, label: options.label ?? '1' });
  const m = await mediumOf(file);
  const target = resolve(options.out ?? file);
  await mkdir(dirname(target), { recursive: true }).catch((e: unknown) => {
    throw ioError(e, 'create the output folder');
  });
  const temp = join(dirname(target), `.${basename(target)}.hegui-policy-${randomBytes(6).toString('hex')}.tmp`);
  try {
    const w: Written = skip
      ? {
          explicit: skip,
          label: await writeMetadataOnly(file, temp, m, label, prepared.signer, !!options.withoutExplicit),
          warnings: [],
        }
      : await writeExplicit(file, temp, m, p, label, prepared.signer);
    const size = (await stat(temp)).size;
    const sha256 = await sha256OfFile(temp);
    const signer = prepared.signer;
    const report: PolicyReport = {
      file,
      output: options.out ?? file,
      serviceType: p.serviceType,
      medium: m.medium,
      format: m.format?.name ?? null,
      explicit: w.explicit,
      metadata: w.label
        ? { written: true, label: w.label }
        : { written: false, reason: 'the format has no metadata container (plain text)' },
      signature:
        w.label && signer ? { signed: true, algorithm: signer.alg, keyId: signer.publicKey.id } : { signed: false },
      watermark: WATERMARK,
      sha256,
      size,
      policy: prepared.hash,
      warnings: w.warnings,
    };
    const req = options.withoutExplicit;
    if (req && p.withoutExplicitOnRequest) {
      const record: UnlabelledDeliveryRecord = {
        type: RECORD_TYPE,
        version: 1,
        id: newRecordId(),
        time: new Date().toISOString(),
        recipient: pseudonymiseRecipient(req.recipient, req.recipientKey),
        file: { sha256, size },
        producer: label.ContentProducer,
        produceId: label.ProduceID,
        serviceType: p.serviceType,
        reason: 'user_request',
        basis: 'Labelling Measures Art. 9',
        agreement: p.withoutExplicitOnRequest.agreement,
        metadataLabel: !!w.label,
        policy: prepared.hash,
      };
      // The record is on disk before the file it records is handed out.
      await appendRecord(req.recordLog, record);
      report.record = record;
    }
    await options.beforeCommit?.({ path: temp, target, sha256, size, report });
    await commit(temp, target);
    return report;
  } catch (e) {
    await unlink(temp).catch(() => {});
    throw e;
  }
}

/**
 * `hegui label --explicit …` and `hegui label --policy FILE …`: a labelling policy applied to files and folders, in
 * parallel, resumable (a state journal in the output folder), with the Labelling Measures Art. 9 path (content
 * without its explicit label, on a user's request, recorded).
 */
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { sha256Hex } from '../../digest.ts';
import { HeguiError, isHeguiError } from '../../errors.ts';
import type { LabelValue } from '../../label/aigc/record.ts';
import { AUDIO_LABEL_POSITIONS, type AudioLabelPosition } from '../../label/explicit/audio/label-audio.ts';
import { LABEL_POSITIONS, type LabelPosition } from '../../label/explicit/layout.ts';
import type { PlateMode } from '../../label/explicit/options.ts';
import { formatFromName } from '../../label/explicit/text/detect.ts';
import { TEXT_LABEL_MODES, type TextLabelMode } from '../../label/explicit/text/options.ts';
import { applyPolicy, type PolicyReport, sha256OfFile, type WithoutExplicitRequest } from '../../label/policy/apply.ts';
import { mediumOf } from '../../label/policy/medium.ts';
import {
  canonicalJson,
  defaultPolicy,
  type ExplicitOverrides,
  type LabellingPolicy,
  loadPolicy,
  overrideExplicit,
} from '../../label/policy/policy.ts';
import { checkServiceType, prepareService } from '../../label/policy/prepare.ts';
import { checkRecipient, pseudonymiseRecipient, type RecipientKey } from '../../label/policy/record.ts';
import type { ServiceType } from '../../label/policy/service-types.ts';
import { LabelState, STATE_FILE_NAME, type StateEntry } from '../../label/policy/state.ts';
import { loadKeyRing } from '../../platform/pii/key-ring.ts';
import { collectInputs, type InputFile, pool } from '../files.ts';
import type { Output } from '../output.ts';
import { createProgress } from '../progress.ts';
import { signerFromFile } from '../security.ts';
import { checkOptions, type LabelOptions } from './label.ts';

export interface PolicyLabelOptions extends LabelOptions {
  explicit?: boolean;
  explicitText?: string;
  position?: string[];
  plate?: PlateMode;
  policy?: string;
  serviceType?: string;
  /** `false` with `--no-explicit-on-request`. */
  explicitOnRequest?: boolean;
  recipient?: string;
  recordLog?: string;
  /** A path, or `false` with `--no-state`. */
  state?: string | false;
}

export interface PolicyFileResult {
  file: string;
  status: 'labelled' | 'already-labelled' | 'skipped' | 'failed';
  output?: string;
  produceId?: string;
  reason?: string;
  report?: PolicyReport;
  error?: { code: string; message: string };
}

/** The records file of Measures Art. 9 deliveries, by default under the data folder. */
export const defaultRecordLog = (dataDir?: string): string =>
  join(dataDir || process.env['HEGUI_DATA_DIR'] || 'data', 'unlabelled-deliveries.jsonl');

/** Options that only mean something with `--explicit` or `--policy`. */
export function policyOnlyOptionsGiven(o: PolicyLabelOptions): string | null {
  if (o.explicitText !== undefined) return '--explicit-text';
  if (o.position?.length) return '--position';
  if (o.plate !== undefined) return '--plate';
  if (o.serviceType !== undefined) return '--service-type';
  if (o.explicitOnRequest === false) return '--no-explicit-on-request';
  if (o.recipient !== undefined) return '--recipient';
  if (o.recordLog !== undefined) return '--record-log';
  if (o.state !== undefined) return o.state === false ? '--no-state' : '--state';
  return null;
}

/** `--position` may be given once per medium: a corner or edge, an audio place, a text place. */
function overridesOf(o: PolicyLabelOptions): ExplicitOverrides {
  const out: ExplicitOverrides = {};
  for (const p of o.position ?? []) {
    if ((LABEL_POSITIONS as readonly string[]).includes(p)) out.picturePosition = p as LabelPosition;
    else if ((AUDIO_LABEL_POSITIONS as readonly string[]).includes(p)) out.audioPosition = p as AudioLabelPosition;
    else if ((TEXT_LABEL_MODES as readonly string[]).includes(p)) out.textMode = p as TextLabelMode;
    else {
      throw new HeguiError(
        'usage',
        `--position must be one of ${[...LABEL_POSITIONS, ...AUDIO_LABEL_POSITIONS, ...TEXT_LABEL_MODES].join(', ')}`,
      );
    }
  }
  if (o.explicitText !== undefined) out.text = o.explicitText;
  if (o.plate !== undefined) out.plate = o.plate;
  return out;
}

/** The key for recipients' keyed hashes: the platform's lookup key, when HEGUI_SECRET_KEY(_FILE) is set. */
function recipientKey(): RecipientKey | undefined {
  const env = {
    HEGUI_SECRET_KEY: process.env['HEGUI_SECRET_KEY'],
    HEGUI_SECRET_KEY_FILE: process.env['HEGUI_SECRET_KEY_FILE'],
  };
  if (!env.HEGUI_SECRET_KEY && !env.HEGUI_SECRET_KEY_FILE) return undefined;
  const ring = loadKeyRing(env);
  return { id: ring.lookup.id, key: ring.lookup.lookup };
}

async function defaultStatePath(o: PolicyLabelOptions, paths: string[]): Promise<string> {
  if (o.out) return join(o.out, STATE_FILE_NAME);
  const first = paths[0]!;
  const st = await stat(first);
  return join(st.isDirectory() ? first : dirname(first), STATE_FILE_NAME);
}

interface Run {
  policy: LabellingPolicy;
  serviceType: ServiceType;
  producer: string;
  label: LabelValue;
  withoutExplicit?: WithoutExplicitRequest;
  /** The settings hash a resumed run compares. */
  settings: string;
  /** Whether the explicit label applies to this run's files. */
  explicit: boolean;
}

async function setUp(o: PolicyLabelOptions, producer: string, label: LabelValue, io: Output): Promise<Run> {
  let policy = o.policy ? await loadPolicy(o.policy) : defaultPolicy();
  if (o.sign) {
    // --sign names the key for this run, over any key in the policy.
    await signerFromFile(o.sign, io);
    policy = {
      ...policy,
      services: Object.fromEntries(
        Object.entries(policy.services).map(([t, p]) => [t, { ...p, signature: { key: resolve(o.sign!) } }]),
      ) as LabellingPolicy['services'],
    };
  }
  const overrides = overridesOf(o);
  if (Object.keys(overrides).length) policy = overrideExplicit(policy, overrides);
  const given = o.serviceType ?? policy.serviceType ?? (o.policy ? undefined : 'other-generation');
  if (given === undefined) {
    throw new HeguiError('usage', '--service-type KIND is required: the policy names no default "serviceType"');
  }
  const serviceType = checkServiceType(given);
  const prepared = await prepareService(policy, serviceType);
  let withoutExplicit: WithoutExplicitRequest | undefined;
  if (o.explicitOnRequest === false) {
    if (o.explicit) throw new HeguiError('usage', '--explicit and --no-explicit-on-request exclude each other');
    if (!prepared.policy.withoutExplicitOnRequest) {
      throw new HeguiError(
        'not_permitted',
        `the labelling policy for ${serviceType} does not permit content without its explicit label; it must allow it ("withoutExplicitOnRequest") and name the user agreement that states the user's labelling duty (Labelling Measures Art. 9)`,
      );
    }
    const key = recipientKey();
    withoutExplicit = {
      recipient: checkRecipient(o.recipient),
      recordLog: resolve(o.recordLog ?? defaultRecordLog()),
      ...(key ? { recipientKey: key } : {}),
    };
  } else if (o.recipient !== undefined || o.recordLog !== undefined) {
    throw new HeguiError('usage', '--recipient and --record-log go with --no-explicit-on-request');
  }
  const explicit = !withoutExplicit && (!!o.explicit || prepared.policy.explicit.enabled);
  const settings = sha256Hex(
    canonicalJson({
      policy: prepared.hash,
      serviceType,
      producer,
      label,
      explicit: !!o.explicit,
      recipient: withoutExplicit
        ? pseudonymiseRecipient(withoutExplicit.recipient, withoutExplicit.recipientKey)
        : null,
    }),
  );
  return {
    policy,
    serviceType,
    producer,
    label,
    settings,
    explicit,
    ...(withoutExplicit ? { withoutExplicit } : {}),
  };
}

/** Why a file found in a folder walk is left alone, or null to label it. Files named directly are always tried. */
async function skipReason(input: InputFile, run: Run): Promise<string | null> {
  if (input.explicit) return null;
  let m: Awaited<ReturnType<typeof mediumOf>>;
  try {
    m = await mediumOf(input.path);
  } catch (e) {
    if (isHeguiError(e) && e.code === 'format_unknown') return 'not a supported format';
    throw e;
  }
  if (m.medium === 'text') {
    // Any UTF-8 file is "text" by its bytes; in a folder only files named as text, Markdown or HTML are labelled.
    const named = formatFromName(input.path) || m.format?.codec === 'markdown' || m.format?.codec === 'html';
    if (!named) return 'not a text, Markdown or HTML file';
    if (!run.explicit && !m.metadata) return 'plain text: no metadata container';
  }
  if (m.medium === 'document' && run.explicit) return `no explicit label for ${m.format?.name ?? 'this format'} yet`;
  return null;
}

const fingerprint = async (path: string) => {
  const st = await stat(path);
  return { size: st.size, mtimeMs: st.mtimeMs, sha256: await sha256OfFile(path) };
};

async function labelOne(
  input: InputFile,
  run: Run,
  o: PolicyLabelOptions,
  state: LabelState | null,
): Promise<PolicyFileResult> {
  const base: PolicyFileResult = { file: input.path, status: 'failed' };
  try {
    const target = o.out ? join(o.out, input.relative) : input.path;
    const reason = await skipReason(input, run);
    if (reason) return { ...base, status: 'skipped', reason };
    if (state) {
      const r = await state.check(input.path, run.settings, !!o.inPlace, target);
      if (r.done) {
        const report = r.entry.result as PolicyReport | undefined;
        return {
          ...base,
          status: 'already-labelled',
          output: target,
          reason: 'labelled by an earlier run with the same input and settings',
          ...(report
            ? { report, produceId: report.metadata.written ? report.metadata.label.ProduceID : undefined }
            : {}),
        };
      }
      if ('labelledInPlace' in r) {
        return {
          ...base,
          status: 'skipped',
          reason:
            'labelled in place by an earlier run with other settings; its original is gone and labelling it again would add a second explicit label',
        };
      }
    }
    const produceId = o.produceId === 'auto' ? randomUUID().replaceAll('-', '') : o.produceId;
    const before = state ? await fingerprint(input.path) : null;
    const report = await applyPolicy(input.path, run.policy, run.serviceType, {
      producer: run.producer,
      produceId,
      label: run.label,
      ...(o.inPlace ? { inPlace: true } : { out: target }),
      ...(o.explicit ? { explicit: true } : {}),
      ...(run.withoutExplicit ? { withoutExplicit: run.withoutExplicit } : {}),
      ...(state && before
        ? {
            beforeCommit: async (staged) => {
              const st = await stat(staged.path);
              const entry: StateEntry = {
                v: 1,
                input: resolve(input.path),
                in: before,
                output: resolve(target),
                out: { size: staged.size, mtimeMs: st.mtimeMs, sha256: staged.sha256 },
                inPlace: !!o.inPlace,
                settings: run.settings,
                time: new Date().toISOString(),
                result: staged.report,
              };
              await state.record(entry);
            },
          }
        : {}),
    });
    return { ...base, status: 'labelled', output: target, produceId, report };
  } catch (e) {
    if (!isHeguiError(e) || e.code === 'usage' || e.code === 'not_permitted' || e.code === 'policy_invalid') throw e;
    return { ...base, error: { code: e.code, message: e.message } };
  }
}

export async function labelPolicyCommand(paths: string[], o: PolicyLabelOptions, io: Output): Promise<number> {
  const inputs = await collectInputs(paths, o.out ? [resolve(o.out)] : []);
  // Explicit labels re-encode (and ffmpeg is multi-threaded itself): two files at a time unless told otherwise.
  const opts = checkOptions({ ...o, jobs: o.jobs ?? '2' }, inputs.length);
  for (const w of opts.warnings) io.warn(w);
  if (inputs.length === 0) throw new HeguiError('usage', 'no files found');
  const run = await setUp(o, opts.producer, opts.label, io);
  const state = o.state === false ? null : await LabelState.open(o.state ?? (await defaultStatePath(o, paths)));
  const started = Date.now();
  const progress = createProgress(inputs.length, { enabled: !o.json });
  const results: PolicyFileResult[] = new Array(inputs.length);
  try {
    await pool(inputs, opts.jobs, async (input, i) => {
      const r = await labelOne(input, run, o, state);
      results[i] = r;
      if (!o.json && io.interactive && r.status === 'failed') progress.line(formatLine(r));
      else if (!o.json && !io.interactive) io.out(formatLine(r));
      progress.tick(input.relative);
    });
  } catch (e) {
    progress.done();
    await state?.release();
    throw e;
  }
  progress.done();
  await state?.close();
  const count = (s: PolicyFileResult['status']) => results.filter((r) => r.status === s).length;
  const summary = {
    labelled: count('labelled'),
    alreadyLabelled: count('already-labelled'),
    skipped: count('skipped'),
    failed: count('failed'),
    seconds: (Date.now() - started) / 1000,
  };
  if (o.json) {
    io.json({
      serviceType: run.serviceType,
      settings: run.settings,
      ...(state ? { state: state.path } : {}),
      ...(run.withoutExplicit ? { recordLog: run.withoutExplicit.recordLog } : {}),
      files: results,
      summary,
    });
  } else {
    io.out(
      `Labelled ${summary.labelled} file(s) as ${run.serviceType}` +
        (summary.alreadyLabelled ? `, ${summary.alreadyLabelled} already labelled by an earlier run` : '') +
        (summary.skipped ? `, skipped ${summary.skipped}` : '') +
        `, failed ${summary.failed}, in ${summary.seconds.toFixed(1)} s` +
        (run.withoutExplicit ? `; deliveries recorded in ${run.withoutExplicit.recordLog}` : ''),
    );
  }
  return summary.failed > 0 ? 1 : 0;
}

function describeExplicit(r: PolicyReport): string {
  const x = r.explicit;
  if (!x.applied) {
    return {
      'user-request': 'no explicit label: user request, recorded',
      'shown-by-interface': 'explicit label shown by the interface',
      'not-required': 'no explicit label (not required for this service type)',
    }[x.reason];
  }
  switch (x.medium) {
    case 'audio': {
      const what = [x.rhythm ? 'rhythm' : '', x.prompt ? 'spoken prompt' : ''].filter(Boolean).join(' and ');
      return `explicit ${what} ${x.position}`;
    }
    case 'text':
      return x.alreadyLabelled ? `explicit ${x.mode} already there` : `explicit ${x.mode} (${x.format})`;
    default: {
      const shown = x.intervals?.map((i) => `${i.from.toFixed(2)}-${i.to.toFixed(2)} s`).join(', ');
      return `explicit ${x.position}, ${(x.inkHeightRatio * 100).toFixed(1)}% of the shortest side, contrast ${x.contrast.toFixed(1)}:1${shown ? `, shown ${shown}` : ''}`;
    }
  }
}

function formatLine(r: PolicyFileResult): string {
  const to = r.output && r.output !== r.file ? ` -> ${r.output}` : '';
  if (r.status === 'skipped') return `skipped   ${r.file}  (${r.reason})`;
  if (r.status === 'failed') return `failed    ${r.file}: ${r.error?.message} [${r.error?.code}]`;
  if (r.status === 'already-labelled') return `already   ${r.file}${to}  (${r.reason})`;
  const p = r.report!;
  const facts = [
    p.medium,
    describeExplicit(p),
    p.metadata.written ? `metadata ${p.format}` : 'no metadata container',
    ...(p.signature.signed ? [`signed ${p.signature.algorithm}`] : []),
    `ProduceID ${r.produceId}`,
  ];
  const warn = p.warnings.length ? `\n          warning: ${p.warnings.join('; ')}` : '';
  return `labelled  ${r.file}${to}  (${facts.join(', ')})${warn}`;
}

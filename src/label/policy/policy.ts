/**
 * A labelling policy, resolved: for each service type, the built-in defaults (which meet GB 45438), then the file's
 * `defaults`, then its `services.<type>`. Every value is checked by the rule of the renderer that will use it, so a
 * policy that loads is one every file can be labelled with; every problem is reported at once, with its path.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { HeguiError, isHeguiError } from '../../errors.ts';
import { type AudioLabelPosition, checkAudioLabelOptions } from '../explicit/audio/label-audio.ts';
import type { RhythmOptions } from '../explicit/audio/rhythm.ts';
import type { LabelPosition } from '../explicit/layout.ts';
import { type PlateMode, resolveExplicit } from '../explicit/options.ts';
import { resolveTextLabel, type TextLabelMode } from '../explicit/text/options.ts';
import { checkSpan, type VideoSpan } from '../explicit/video-span.ts';
import type { SignatureAlgorithm } from '../security/keys.ts';
import { type PolicyInput, policySchema, type ServiceSettingsInput } from './schema.ts';
import { SERVICE_TYPE_INFO, SERVICE_TYPES, type ServiceType } from './service-types.ts';

interface PicturePolicy {
  text?: string;
  position?: LabelPosition;
  heightRatio?: number;
}
export interface ImagePolicy extends PicturePolicy {
  plate?: PlateMode;
}
export interface VideoPolicy extends PicturePolicy {
  span?: VideoSpan;
  duration?: number;
}
export interface AudioPolicy {
  position?: AudioLabelPosition;
  rhythm?: boolean | RhythmOptions;
  /** Absolute path of the spoken prompt recording. */
  prompt?: string;
  gapMs?: number;
}
export interface TextPolicy {
  mode?: TextLabelMode;
  text?: string;
  corner?: 'start' | 'end';
  minChars?: number;
}

export interface ExplicitPolicy {
  enabled: boolean;
  shownBy?: 'interface';
  image: ImagePolicy;
  video: VideoPolicy;
  audio: AudioPolicy;
  text: TextPolicy;
}

export interface ServicePolicy {
  serviceType: ServiceType;
  explicit: ExplicitPolicy;
  /** Always on (GB 45438 §6): a policy cannot switch it off. */
  metadata: true;
  /** Absolute key path. */
  signature: false | { key: string; algorithm?: SignatureAlgorithm };
  /** Not available in this version: always false. */
  watermark: false;
  withoutExplicitOnRequest: false | { allowed: true; agreement: string };
}

export interface LabellingPolicy {
  version: 1;
  serviceType?: ServiceType;
  description?: string;
  /** Where relative paths were resolved from. */
  baseDir: string;
  services: Record<ServiceType, ServicePolicy>;
}

/** A policy file is configuration, not data: a bound keeps a wrong path from being read whole. */
const MAX_POLICY_BYTES = 1024 * 1024;

/** The built-in policy of a service type: explicit label on where Art. 17 ¶1 requires it, each medium's default. */
export function defaultServicePolicy(serviceType: ServiceType): ServicePolicy {
  return {
    serviceType,
    explicit: { enabled: SERVICE_TYPE_INFO[serviceType].explicitRequired, image: {}, video: {}, audio: {}, text: {} },
    metadata: true,
    signature: false,
    watermark: false,
    withoutExplicitOnRequest: false,
  };
}

/** The built-in policy for every service type: what `hegui label --explicit` uses. */
export function defaultPolicy(baseDir = process.cwd()): LabellingPolicy {
  return {
    version: 1,
    baseDir,
    services: Object.fromEntries(SERVICE_TYPES.map((t) => [t, defaultServicePolicy(t)])) as Record<
      ServiceType,
      ServicePolicy
    >,
  };
}

const defined = <T extends object>(o: T | undefined): Partial<T> =>
  Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;

function mergeRhythm(a: AudioPolicy['rhythm'], b: AudioPolicy['rhythm']): AudioPolicy['rhythm'] {
  if (b === undefined) return a;
  if (typeof b === 'object' && typeof a === 'object') return { ...a, ...defined(b) };
  return b;
}

/** Layer `over` onto `base`: scalars replace, media options merge field by field. */
function layer(base: ServicePolicy, over: ServiceSettingsInput | undefined, baseDir: string): ServicePolicy {
  if (!over) return base;
  const e = over.explicit;
  const audio = defined(e?.audio);
  const explicit: ExplicitPolicy = {
    ...base.explicit,
    ...(e?.enabled !== undefined ? { enabled: e.enabled } : {}),
    ...(e?.shownBy !== undefined ? { shownBy: e.shownBy } : {}),
    image: { ...base.explicit.image, ...defined(e?.image) },
    video: { ...base.explicit.video, ...defined(e?.video) },
    audio: {
      ...base.explicit.audio,
      ...audio,
      ...(audio.prompt !== undefined ? { prompt: resolve(baseDir, audio.prompt) } : {}),
      ...(audio.rhythm !== undefined ? { rhythm: mergeRhythm(base.explicit.audio.rhythm, audio.rhythm) } : {}),
    },
    text: { ...base.explicit.text, ...defined(e?.text) },
  };
  const sig = over.signature;
  const req = over.withoutExplicitOnRequest;
  return {
    ...base,
    explicit,
    ...(sig === undefined
      ? {}
      : {
          signature:
            sig === false ? false : { key: resolve(baseDir, sig.key), ...defined({ algorithm: sig.algorithm }) },
        }),
    ...(req === undefined
      ? {}
      : {
          withoutExplicitOnRequest:
            req === false || !req.allowed ? false : { allowed: true, agreement: req.agreement ?? '' },
        }),
  };
}

type Problem = { path: string; message: string };

const message = (e: unknown): string => {
  if (isHeguiError(e)) return e.message;
  throw e;
};

/** Check one resolved service with the renderers' own rules; `from` says which block set a value. */
function checkService(p: ServicePolicy, from: (path: string) => string): Problem[] {
  const problems: Problem[] = [];
  const tryRule = (path: string, fn: () => void) => {
    try {
      fn();
    } catch (e) {
      problems.push({ path: from(path), message: message(e) });
    }
  };
  const x = p.explicit;
  if (!x.enabled && SERVICE_TYPE_INFO[p.serviceType].explicitRequired && x.shownBy !== 'interface') {
    problems.push({
      path: from('explicit.enabled'),
      message: `${p.serviceType} services must carry the explicit label (${SERVICE_TYPE_INFO[p.serviceType].basis}; Labelling Measures Art. 4). Set "shownBy": "interface" if your interface shows it continuously next to the content; content handed out without it on a user's request goes through "withoutExplicitOnRequest" (Labelling Measures Art. 9)`,
    });
  }
  tryRule('explicit.image', () => resolveExplicit(x.image));
  tryRule('explicit.video', () => {
    resolveExplicit({
      ...defined({ text: x.video.text, position: x.video.position, heightRatio: x.video.heightRatio }),
    });
    checkSpan(x.video.span, x.video.duration);
  });
  tryRule('explicit.audio', () =>
    checkAudioLabelOptions({
      ...defined({ position: x.audio.position, gapMs: x.audio.gapMs, prompt: x.audio.prompt }),
      rhythm: x.audio.rhythm ?? true,
    }),
  );
  tryRule('explicit.text', () => resolveTextLabel({ ...x.text }, 'plain'));
  const r = p.withoutExplicitOnRequest;
  if (r && r.agreement === '') {
    problems.push({
      path: from('withoutExplicitOnRequest.agreement'),
      message:
        'name where the user agreement states the user\'s labelling duty and responsibility (Labelling Measures Art. 9), e.g. "User Agreement v3 §7"',
    });
  }
  return problems;
}

function describeIssues(problems: Problem[], source: string): HeguiError {
  const unique = [...new Set(problems.map((p) => `${p.path || '(top level)'}: ${p.message}`))];
  return new HeguiError(
    'policy_invalid',
    `the labelling policy ${source} is not valid:\n${unique.map((l) => `  - ${l}`).join('\n')}`,
    { problems: unique.length },
  );
}

/** Validate a parsed policy file (`json`) and resolve it; relative paths are taken from `baseDir`. */
export function parsePolicy(json: unknown, baseDir: string, source = ''): LabellingPolicy {
  const name = source ? `in ${source}` : '';
  const parsed = policySchema.safeParse(json);
  if (!parsed.success) {
    throw describeIssues(
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      name,
    );
  }
  const input: PolicyInput = parsed.data;
  const problems: Problem[] = [];
  const services = {} as Record<ServiceType, ServicePolicy>;
  const perType = (input.services ?? {}) as Partial<Record<ServiceType, ServiceSettingsInput>>;
  for (const t of SERVICE_TYPES) {
    const own = perType[t];
    const p = layer(layer(defaultServicePolicy(t), input.defaults, baseDir), own, baseDir);
    services[t] = p;
    // A problem is reported where the value was set: the service's own block, else `defaults` (the deepest match).
    const depth = (o: unknown, path: string): number => {
      let n = 0;
      let at = o;
      for (const k of path.split('.')) {
        at = (at as Record<string, unknown> | undefined)?.[k];
        if (at === undefined) break;
        n++;
      }
      return n;
    };
    const from = (path: string) =>
      depth(input.defaults, path) > depth(own, path) ? `defaults.${path}` : `services.${t}.${path}`;
    problems.push(...checkService(p, from));
  }
  if (problems.length) throw describeIssues(problems, name);
  return {
    version: 1,
    baseDir,
    services,
    ...(input.serviceType ? { serviceType: input.serviceType } : {}),
    ...(input.description ? { description: input.description } : {}),
  };
}

/** Read, validate and resolve a policy file (JSON). Throws `policy_invalid` listing every problem. */
export async function loadPolicy(path: string): Promise<LabellingPolicy> {
  const st = await stat(path).catch(() => null);
  if (!st?.isFile()) throw new HeguiError('usage', `no such policy file: ${path}`);
  if (st.size > MAX_POLICY_BYTES)
    throw new HeguiError('policy_invalid', `the policy file is ${st.size} bytes; a policy is at most 1 MiB`);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new HeguiError('policy_invalid', `the policy file ${path} is not valid JSON (${(e as Error).message})`);
  }
  return parsePolicy(json, dirname(resolve(path)), path);
}

/** Canonical JSON: keys sorted, so equal settings always hash the same. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Run-level changes to the explicit label's look (the CLI's `--explicit-text` and `--position`). */
export interface ExplicitOverrides {
  /** Label text for images, videos and text files. */
  text?: string;
  picturePosition?: LabelPosition;
  /** How images' plates are chosen. */
  plate?: PlateMode;
  audioPosition?: AudioLabelPosition;
  textMode?: TextLabelMode;
}

/** The policy with `o` applied to every service type, checked again; a problem is a usage error. */
export function overrideExplicit(policy: LabellingPolicy, o: ExplicitOverrides): LabellingPolicy {
  const services = {} as Record<ServiceType, ServicePolicy>;
  const problems = new Set<string>();
  for (const t of SERVICE_TYPES) {
    const p = policy.services[t];
    const x = p.explicit;
    const text = o.text !== undefined ? { text: o.text } : {};
    const next: ServicePolicy = {
      ...p,
      explicit: {
        ...x,
        image: {
          ...x.image,
          ...text,
          ...(o.picturePosition ? { position: o.picturePosition } : {}),
          ...(o.plate ? { plate: o.plate } : {}),
        },
        video: { ...x.video, ...text, ...(o.picturePosition ? { position: o.picturePosition } : {}) },
        audio: { ...x.audio, ...(o.audioPosition ? { position: o.audioPosition } : {}) },
        text: { ...x.text, ...text, ...(o.textMode ? { mode: o.textMode } : {}) },
      },
    };
    for (const pr of checkService(next, (path) => path)) problems.add(`${pr.path}: ${pr.message}`);
    services[t] = next;
  }
  if (problems.size) throw new HeguiError('usage', [...problems].join('; '));
  return { ...policy, services };
}

import { readFile, stat } from 'node:fs/promises';
import { sha256Hex } from '../../digest.ts';
import { HeguiError, isHeguiError } from '../../errors.ts';
import { loadPrompt } from '../explicit/audio/prompt.ts';
import { type LabelSigner, loadPrivateKey } from '../security/keys.ts';
import { canonicalJson, type LabellingPolicy, type ServicePolicy } from './policy.ts';
import { isServiceType, SERVICE_TYPES, type ServiceType } from './service-types.ts';

/** A service's policy with what it refers to loaded and checked once: the signing key, the spoken prompt. */
export interface PreparedService {
  policy: ServicePolicy;
  signer?: LabelSigner;
  /**
   * SHA-256 of the settings (with the signing key's public-key id and the prompt recording's hash in place of their
   * paths): two runs with the same hash label a file the same way. A resumed run compares it.
   */
  hash: string;
}

const cache = new WeakMap<LabellingPolicy, Map<ServiceType, Promise<PreparedService>>>();

export function checkServiceType(t: unknown): ServiceType {
  if (!isServiceType(t)) throw new HeguiError('usage', `the service type must be one of ${SERVICE_TYPES.join(', ')}`);
  return t;
}

async function loadSigner(p: ServicePolicy): Promise<LabelSigner | undefined> {
  if (!p.signature) return undefined;
  const st = await stat(p.signature.key).catch(() => null);
  if (!st?.isFile())
    throw new HeguiError('policy_invalid', `the policy's signing key for ${p.serviceType} is not a file`);
  const signer = loadPrivateKey(await readFile(p.signature.key, 'utf8'));
  if (p.signature.algorithm && p.signature.algorithm !== signer.alg) {
    throw new HeguiError(
      'policy_invalid',
      `the policy's signing key for ${p.serviceType} is an ${signer.alg} key, the policy names ${p.signature.algorithm}`,
    );
  }
  return signer;
}

async function promptHash(p: ServicePolicy): Promise<string | undefined> {
  const prompt = p.explicit.audio.prompt;
  if (!prompt) return undefined;
  const st = await stat(prompt).catch(() => null);
  if (!st?.isFile())
    throw new HeguiError('policy_invalid', `the policy's spoken prompt for ${p.serviceType} is not a file`);
  try {
    // Decoded once here, so an unusable recording is a configuration error before any file is touched.
    await loadPrompt(prompt, 48_000, 1);
  } catch (e) {
    if (isHeguiError(e)) throw new HeguiError('policy_invalid', `the spoken prompt for ${p.serviceType}: ${e.message}`);
    throw e;
  }
  return sha256Hex(await readFile(prompt));
}

async function prepare(policy: LabellingPolicy, serviceType: ServiceType): Promise<PreparedService> {
  const p = policy.services[serviceType];
  const signer = await loadSigner(p);
  const prompt = await promptHash(p);
  const settings = {
    ...p,
    signature: signer ? { alg: signer.alg, key: signer.publicKey.id } : false,
    explicit: { ...p.explicit, audio: { ...p.explicit.audio, ...(prompt ? { prompt: `sha256:${prompt}` } : {}) } },
  };
  const hash = sha256Hex(canonicalJson({ scheme: 'hegui-policy-1', settings }));
  return { policy: p, hash, ...(signer ? { signer } : {}) };
}

/** The prepared service of a policy, loaded once per policy object and service type. */
export function prepareService(policy: LabellingPolicy, serviceType: ServiceType): Promise<PreparedService> {
  const t = checkServiceType(serviceType);
  const byType = cache.get(policy) ?? new Map<ServiceType, Promise<PreparedService>>();
  cache.set(policy, byType);
  let p = byType.get(t);
  if (!p) {
    p = prepare(policy, t);
    byType.set(t, p);
    // A failure is not cached: a fixed key file is picked up by the next call.
    p.catch(() => byType.delete(t));
  }
  return p;
}

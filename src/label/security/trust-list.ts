import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { HeguiError } from '../../errors.ts';
import { ioError } from '../io/source.ts';
import { loadPublicKey, SIGNATURE_ALGORITHMS, type VerifyKey } from './keys.ts';

/**
 * The provider keys a verifier trusts: a signature proves who made a label only against a key known to belong to
 * that provider (labeling.md §5). The file (README: "Trust lists"):
 *
 *   { "version": 1,
 *     "providers": { "<provider code>": { "name": "…", "keys": [
 *       { "alg": "sm2", "publicKey": "-----BEGIN PUBLIC KEY-----…" | "keys/provider.pem",
 *         "validFrom": "2025-09-01", "validUntil": "2026-09-01" } ] } } }
 *
 * `publicKey` is PEM text or the path of a PEM file (relative to the trust list). Dates are ISO 8601; a date without
 * a time is midnight UTC; `validUntil` is exclusive. Both are optional.
 */
export interface TrustedKey {
  key: VerifyKey;
  validFrom?: Date;
  validUntil?: Date;
}

export interface TrustedProvider {
  name?: string;
  keys: TrustedKey[];
}

export interface TrustList {
  providers: ReadonlyMap<string, TrustedProvider>;
}

const date = z.string().refine((s) => !Number.isNaN(Date.parse(s)), { message: 'not an ISO 8601 date' });

const schema = z
  .object({
    version: z.literal(1).optional(),
    providers: z.record(
      z.string().min(1),
      z
        .object({
          name: z.string().optional(),
          keys: z
            .array(
              z
                .object({
                  alg: z.enum(SIGNATURE_ALGORITHMS as ['sm2', 'ed25519']).optional(),
                  publicKey: z.string().min(1),
                  validFrom: date.optional(),
                  validUntil: date.optional(),
                })
                .strict(),
            )
            .min(1),
        })
        .strict(),
    ),
  })
  .strict();

export const EMPTY_TRUST_LIST: TrustList = { providers: new Map() };

function invalid(where: string, message: string): HeguiError {
  return new HeguiError('usage', `trust list: ${where}: ${message}`);
}

/** Parse a trust list already read as JSON; key paths resolve against `baseDir`. */
export async function parseTrustList(json: unknown, baseDir: string): Promise<TrustList> {
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalid(issue.path.join('.') || 'top level', issue.message);
  }
  const providers = new Map<string, TrustedProvider>();
  for (const [code, p] of Object.entries(parsed.data.providers)) {
    const keys: TrustedKey[] = [];
    for (const [i, k] of p.keys.entries()) {
      const where = `providers.${code}.keys.${i}`;
      let pem = k.publicKey;
      if (!pem.includes('-----BEGIN')) {
        const path = isAbsolute(pem) ? pem : resolve(baseDir, pem);
        pem = await readFile(path, 'utf8').catch((e: unknown) => {
          throw ioError(e, `read the key file of ${where}`);
        });
      }
      let key: VerifyKey;
      try {
        key = loadPublicKey(pem);
      } catch (e) {
        throw invalid(where, (e as Error).message);
      }
      if (k.alg && k.alg !== key.alg) throw invalid(where, `the key is ${key.alg}, not ${k.alg}`);
      keys.push({
        key,
        ...(k.validFrom ? { validFrom: new Date(k.validFrom) } : {}),
        ...(k.validUntil ? { validUntil: new Date(k.validUntil) } : {}),
      });
    }
    providers.set(code, { ...(p.name ? { name: p.name } : {}), keys });
  }
  return { providers };
}

export async function loadTrustList(path: string): Promise<TrustList> {
  const text = await readFile(path, 'utf8').catch((e: unknown) => {
    throw ioError(e, 'read the trust list');
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalid('file', 'not valid JSON');
  }
  return parseTrustList(json, dirname(resolve(path)));
}

/** Where a key stands at `now`: usable, expired, or not valid yet. */
export function keyStatus(k: TrustedKey, now: Date): 'valid' | 'expired' | 'not_yet_valid' {
  if (k.validUntil && now >= k.validUntil) return 'expired';
  if (k.validFrom && now < k.validFrom) return 'not_yet_valid';
  return 'valid';
}

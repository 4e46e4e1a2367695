/**
 * SHA-256 as lower-case hex, the digest the log, the labels' records and the feature library name contents by. One call
 * (`crypto.hash`), no Hash object: a native object per digest is one more for the garbage collector to finalise, and a
 * gateway takes several digests per answer.
 */
import { hash } from 'node:crypto';

export const sha256Hex = (data: string | Uint8Array): string => hash('sha256', data, 'hex');

/** SHA-256 as unpadded base64url: the stored form of API-key secrets and session tokens, hashed on every request. */
export const sha256Base64url = (data: string | Uint8Array): string => hash('sha256', data, 'base64url');

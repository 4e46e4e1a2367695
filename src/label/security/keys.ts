import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import { sha256Hex } from '../../digest.ts';
import { HeguiError } from '../../errors.ts';
import {
  type AlgorithmId,
  decodeSignatureDer,
  encodeSignatureDer,
  parsePkcs8,
  parseSec1,
  parseSpki,
  pemBody,
} from './der.ts';
import { decodePoint, encodePoint, type Point, publicFromPrivate, scalarFromBytes, sm2Sign, sm2Verify } from './sm2.ts';

/** `sm2`: SM3withSM2 (TC260-PG-202511A's algorithm, the default); `ed25519`: RFC 8032, as an option. */
export type SignatureAlgorithm = 'sm2' | 'ed25519';
export const SIGNATURE_ALGORITHMS: readonly SignatureAlgorithm[] = ['sm2', 'ed25519'];

/** Algorithm identifiers as SecurityData writes them (`AlgID`): OIDs. */
export const SIGNATURE_OID: Record<SignatureAlgorithm, string> = {
  sm2: '1.2.156.10197.1.501', // SM3withSM2 (GM/T 0006)
  ed25519: '1.3.101.112', // id-Ed25519 (RFC 8410)
};

/** OID contents (hex) that identify a key's algorithm in SPKI and PKCS#8. */
const OID = {
  ecPublicKey: '2a8648ce3d0201', // 1.2.840.10045.2.1
  sm2Curve: '2a811ccf5501822d', // 1.2.156.10197.1.301, the SM2 curve (also used as a key algorithm)
  ed25519: '2b6570', // 1.3.101.112
} as const;

/** The SPKI prefix of every SM2 public key: id-ecPublicKey, the SM2 curve, a 66-byte BIT STRING. */
const SM2_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a811ccf5501822d034200', 'hex');

/** A public key a signature can be checked against. */
export interface VerifyKey {
  alg: SignatureAlgorithm;
  /** SubjectPublicKeyInfo DER: what SecurityData carries (`KeyValue`) and trust lists compare. */
  spki: Uint8Array;
  /** Short stable name for reports: the first 16 hex digits of SHA-256 over the SPKI. */
  id: string;
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

/**
 * Whatever signs labels: a key loaded from a PEM file, or an adapter to an HSM or signing service implementing the
 * same three members.
 */
export interface LabelSigner {
  alg: SignatureAlgorithm;
  publicKey: VerifyKey;
  /** SM2: DER SEQUENCE { r, s } (GM/T 0009); Ed25519: the 64-byte signature. */
  sign(message: Uint8Array): Promise<Uint8Array>;
}

const keyId = (spki: Uint8Array): string => sha256Hex(spki).slice(0, 16);

const isSm2 = (a: AlgorithmId): boolean =>
  a.oid === OID.sm2Curve || (a.oid === OID.ecPublicKey && a.param === OID.sm2Curve);

function unsupportedKey(a: AlgorithmId): HeguiError {
  const what = a.oid === OID.ecPublicKey ? 'an EC key on another curve' : 'not an SM2 or Ed25519 key';
  return new HeguiError('usage', `the key is ${what}; label signatures use SM2 (curve SM2) or Ed25519 keys`);
}

/**
 * An SM2 public key. SM2 keys are parsed here rather than by node:crypto: Node 20 cannot export an SM2-typed key it
 * imported from PEM (it aborts the process), and it signs SM2-curve keys with ECDSA, not SM2.
 */
function sm2VerifyKey(point: Point): VerifyKey {
  const spki = new Uint8Array(Buffer.concat([SM2_SPKI_PREFIX, encodePoint(point)]));
  return {
    alg: 'sm2',
    spki,
    id: keyId(spki),
    verify(message, signature) {
      // DER as GM/T 0009 defines it; raw r ‖ s (64 bytes) as some signers emit it.
      const sig =
        signature.length === 64
          ? { r: scalarFromBytes(signature.subarray(0, 32)), s: scalarFromBytes(signature.subarray(32)) }
          : decodeSignatureDer(signature);
      return sig !== null && sm2Verify(point, message, sig);
    },
  };
}

function ed25519VerifyKey(key: KeyObject): VerifyKey {
  const spki = new Uint8Array(key.export({ format: 'der', type: 'spki' }));
  return {
    alg: 'ed25519',
    spki,
    id: keyId(spki),
    verify: (message, signature) => signature.length === 64 && nodeVerify(null, message, key, signature),
  };
}

function fromSpki(der: Uint8Array): VerifyKey {
  const info = parseSpki(der);
  if (!info) throw new HeguiError('usage', 'not a public key in PEM (SPKI) or DER form');
  if (isSm2(info.alg)) {
    const point = decodePoint(info.key);
    if (!point) throw new HeguiError('usage', 'the SM2 public key is not a point on the SM2 curve');
    return sm2VerifyKey(point);
  }
  if (info.alg.oid === OID.ed25519) {
    return ed25519VerifyKey(createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' }));
  }
  throw unsupportedKey(info.alg);
}

/** A public key from PEM (SPKI, `BEGIN PUBLIC KEY`) or SPKI DER. */
export function loadPublicKey(input: string | Uint8Array): VerifyKey {
  const der = typeof input === 'string' ? pemBody(input, 'PUBLIC KEY') : input;
  if (!der) throw new HeguiError('usage', 'not a public key in PEM (SPKI) or DER form');
  return fromSpki(der);
}

/** An SM2 public key given as a bare uncompressed point (04 ‖ x ‖ y, or x ‖ y), as some SecurityData carry it. */
export function sm2KeyFromPoint(raw: Uint8Array): VerifyKey | null {
  const point = decodePoint(raw.length === 64 ? Buffer.concat([Buffer.of(4), raw]) : raw);
  return point ? sm2VerifyKey(point) : null;
}

function sm2Signer(d: Uint8Array): LabelSigner {
  const scalar = scalarFromBytes(d);
  let point: Point;
  try {
    point = publicFromPrivate(scalar);
  } catch {
    throw new HeguiError('usage', 'the SM2 private key is out of range');
  }
  return {
    alg: 'sm2',
    publicKey: sm2VerifyKey(point),
    async sign(message) {
      const { r, s } = sm2Sign(scalar, message);
      return encodeSignatureDer(r, s);
    },
  };
}

/** A signer from a private key in PEM: PKCS#8 (`BEGIN PRIVATE KEY`), or SEC1 (`BEGIN EC PRIVATE KEY`) for SM2. */
export function loadPrivateKey(pem: string): LabelSigner {
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(pem)) {
    throw new HeguiError('usage', 'the private key is encrypted; give it unencrypted (file mode 0600)');
  }
  const sec1 = pemBody(pem, 'EC PRIVATE KEY');
  if (sec1) {
    const k = parseSec1(sec1);
    if (!k || (k.curve !== undefined && k.curve !== OID.sm2Curve)) throw unsupportedKey({ oid: OID.ecPublicKey });
    return sm2Signer(k.d);
  }
  const der = pemBody(pem, 'PRIVATE KEY');
  const info = der ? parsePkcs8(der) : null;
  if (!der || !info) throw new HeguiError('usage', 'not a private key in PEM (PKCS#8) form');
  if (isSm2(info.alg)) {
    const k = parseSec1(info.key);
    if (!k) throw new HeguiError('usage', 'the SM2 private key could not be read');
    return sm2Signer(k.d);
  }
  if (info.alg.oid !== OID.ed25519) throw unsupportedKey(info.alg);
  const key = createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
  return {
    alg: 'ed25519',
    publicKey: ed25519VerifyKey(createPublicKey(key)),
    sign: async (message) => new Uint8Array(nodeSign(null, message, key)),
  };
}

/** A new key pair as PEM: PKCS#8 private key, SPKI public key. */
export function generateKeyPair(alg: SignatureAlgorithm = 'sm2'): { privatePem: string; publicPem: string } {
  const pair = alg === 'sm2' ? generateKeyPairSync('ec', { namedCurve: 'SM2' }) : generateKeyPairSync('ed25519');
  return {
    privatePem: pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicPem: pair.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

import { createECDH, createHash, randomBytes } from 'node:crypto';

/**
 * The SM2 digital signature (GB/T 32918.2-2016, GM/T 0003.2) with SM3, over the curve sm2p256v1 (GB/T 32918.5).
 *
 * Node's OpenSSL treats an SM2-curve key as a plain EC key and signs it with ECDSA, which is not SM2: so the scheme is
 * implemented here. The point k·G of a signature comes from OpenSSL (ECDH on the SM2 curve); the remaining modular
 * arithmetic on the private key is blinded with a random factor. Verification works on public data only. Every
 * result is cross-checked in the tests against sm-crypto, an independent implementation, in both directions.
 */

const P = 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn;
const A = P - 3n;
const B = 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n;
export const SM2_N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;
const GX = 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n;
const GY = 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n;
const N = SM2_N;

/** GM/T 0009-2012 §10: the user ID when the parties agree on none. */
export const SM2_DEFAULT_USER_ID = '1234567812345678';

export interface Point {
  x: bigint;
  y: bigint;
}

/** Jacobian coordinates (X/Z², Y/Z³); Z = 0 is the point at infinity. */
interface Jacobian {
  x: bigint;
  y: bigint;
  z: bigint;
}

const mod = (a: bigint, m: bigint): bigint => {
  const r = a % m;
  return r < 0n ? r + m : r;
};

/** Modular inverse by the extended Euclidean algorithm (m prime, a ≠ 0 mod m). */
function inv(a: bigint, m: bigint): bigint {
  let [r0, r1] = [mod(a, m), m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return mod(s0, m);
}

const INFINITY: Jacobian = { x: 1n, y: 1n, z: 0n };

/** Doubling for a = −3 (dbl-2001-b). */
function double(p: Jacobian): Jacobian {
  if (p.z === 0n || p.y === 0n) return INFINITY;
  const delta = mod(p.z * p.z, P);
  const gamma = mod(p.y * p.y, P);
  const beta = mod(p.x * gamma, P);
  const alpha = mod(3n * (p.x - delta) * (p.x + delta), P);
  const x = mod(alpha * alpha - 8n * beta, P);
  const z = mod((p.y + p.z) ** 2n - gamma - delta, P);
  const y = mod(alpha * (4n * beta - x) - 8n * gamma * gamma, P);
  return { x, y, z };
}

/** General addition (add-2007-bl). */
function add(p: Jacobian, q: Jacobian): Jacobian {
  if (p.z === 0n) return q;
  if (q.z === 0n) return p;
  const z1z1 = mod(p.z * p.z, P);
  const z2z2 = mod(q.z * q.z, P);
  const u1 = mod(p.x * z2z2, P);
  const u2 = mod(q.x * z1z1, P);
  const s1 = mod(p.y * q.z * z2z2, P);
  const s2 = mod(q.y * p.z * z1z1, P);
  if (u1 === u2) return s1 === s2 ? double(p) : INFINITY;
  const h = mod(u2 - u1, P);
  const i = mod(4n * h * h, P);
  const j = mod(h * i, P);
  const r = mod(2n * (s2 - s1), P);
  const v = mod(u1 * i, P);
  const x = mod(r * r - j - 2n * v, P);
  const y = mod(r * (v - x) - 2n * s1 * j, P);
  const z = mod(((p.z + q.z) ** 2n - z1z1 - z2z2) * h, P);
  return { x, y, z };
}

function toAffine(p: Jacobian): Point | null {
  if (p.z === 0n) return null;
  const zi = inv(p.z, P);
  const zi2 = mod(zi * zi, P);
  return { x: mod(p.x * zi2, P), y: mod(p.y * zi2 * zi, P) };
}

const jac = (p: Point): Jacobian => ({ x: p.x, y: p.y, z: 1n });

/** u·G + v·Q by Shamir's trick (public scalars only: used by verification). */
function twoMul(u: bigint, q: Point, v: bigint): Jacobian {
  const g = jac({ x: GX, y: GY });
  const qj = jac(q);
  const gq = add(g, qj);
  let acc = INFINITY;
  const bits = Math.max(u.toString(2).length, v.toString(2).length);
  for (let i = bits - 1; i >= 0; i--) {
    acc = double(acc);
    const bu = (u >> BigInt(i)) & 1n;
    const bv = (v >> BigInt(i)) & 1n;
    if (bu && bv) acc = add(acc, gq);
    else if (bu) acc = add(acc, g);
    else if (bv) acc = add(acc, qj);
  }
  return acc;
}

export function isOnCurve(p: Point): boolean {
  if (p.x < 0n || p.x >= P || p.y < 0n || p.y >= P) return false;
  return mod(p.y * p.y - (p.x * p.x * p.x + A * p.x + B), P) === 0n;
}

const toBytes32 = (v: bigint): Uint8Array => Buffer.from(v.toString(16).padStart(64, '0'), 'hex');
const fromBytes = (b: Uint8Array): bigint => (b.length === 0 ? 0n : BigInt(`0x${Buffer.from(b).toString('hex')}`));

/** 04 || x || y. */
export function encodePoint(p: Point): Uint8Array {
  return Buffer.concat([Buffer.of(4), toBytes32(p.x), toBytes32(p.y)]);
}

/** An uncompressed point (04 || x || y) on the curve, or null. */
export function decodePoint(b: Uint8Array): Point | null {
  if (b.length !== 65 || b[0] !== 4) return null;
  const p = { x: fromBytes(b.subarray(1, 33)), y: fromBytes(b.subarray(33)) };
  return isOnCurve(p) ? p : null;
}

/** The public key d·G of a private key, computed by OpenSSL. */
export function publicFromPrivate(d: bigint): Point {
  const ecdh = createECDH('SM2');
  ecdh.setPrivateKey(toBytes32(d));
  return decodePoint(ecdh.getPublicKey())!;
}

/** GB/T 32918.2 §5.5: Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA), ENTL the ID's length in bits (2 bytes). */
export function sm2Z(publicKey: Point, userId: string = SM2_DEFAULT_USER_ID): Uint8Array {
  const id = Buffer.from(userId, 'utf8');
  const entl = Buffer.alloc(2);
  entl.writeUInt16BE(id.length * 8);
  return new Uint8Array(
    createHash('sm3')
      .update(entl)
      .update(id)
      .update(toBytes32(A))
      .update(toBytes32(B))
      .update(toBytes32(GX))
      .update(toBytes32(GY))
      .update(toBytes32(publicKey.x))
      .update(toBytes32(publicKey.y))
      .digest(),
  );
}

function digestE(message: Uint8Array, publicKey: Point, userId: string): bigint {
  return fromBytes(createHash('sm3').update(sm2Z(publicKey, userId)).update(message).digest());
}

/** A scalar uniformly in [1, n − 1]. */
function randomScalar(): bigint {
  for (;;) {
    const k = fromBytes(randomBytes(32));
    if (k > 0n && k < N) return k;
  }
}

export interface Sm2Signature {
  r: bigint;
  s: bigint;
}

/** Sign `message` (the whole message: Z and SM3 are applied here) with the private key `d`. */
export function sm2Sign(d: bigint, message: Uint8Array, userId: string = SM2_DEFAULT_USER_ID): Sm2Signature {
  if (d <= 0n || d >= N - 1n) throw new RangeError('SM2 private key out of range');
  const e = digestE(message, publicFromPrivate(d), userId);
  const ecdh = createECDH('SM2');
  for (;;) {
    const k = randomScalar();
    ecdh.setPrivateKey(toBytes32(k));
    const x1 = fromBytes(ecdh.getPublicKey().subarray(1, 33));
    const r = mod(e + x1, N);
    if (r === 0n || r + k === N) continue;
    // s = (1 + d)⁻¹ · (k − r·d) mod n, computed as (β(1 + d))⁻¹ · β(k − r·d) with a random blinding factor β.
    const beta = randomScalar();
    const s = mod(inv(mod(beta * (1n + d), N), N) * mod(beta * (k - r * d), N), N);
    if (s !== 0n) return { r, s };
  }
}

/** Verify an SM2 signature; false for any malformed input, never an exception. */
export function sm2Verify(
  publicKey: Point,
  message: Uint8Array,
  sig: Sm2Signature,
  userId: string = SM2_DEFAULT_USER_ID,
): boolean {
  const { r, s } = sig;
  if (r < 1n || r >= N || s < 1n || s >= N || !isOnCurve(publicKey)) return false;
  const t = mod(r + s, N);
  if (t === 0n) return false;
  const point = toAffine(twoMul(s, publicKey, t));
  if (!point) return false;
  return mod(digestE(message, publicKey, userId) + point.x, N) === r;
}

/** The private scalar from its 32 big-endian bytes. */
export const scalarFromBytes = fromBytes;
export const scalarToBytes = toBytes32;

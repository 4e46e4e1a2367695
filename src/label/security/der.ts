/**
 * The little DER (ITU-T X.690) the signatures need: the SM2 signature SEQUENCE { r INTEGER, s INTEGER }
 * (GM/T 0009-2012 §7.3) and walking the key structures Node exports (SPKI, SEC1). Strict: definite lengths only,
 * minimal INTEGER encodings, nothing trailing.
 */

export interface DerNode {
  tag: number;
  /** Content bytes. */
  value: Uint8Array;
  /** Offset just past this node in the buffer it was read from. */
  end: number;
}

/** One TLV at `at`, or null when the bytes are not a well-formed definite-length DER node. */
export function readNode(b: Uint8Array, at: number): DerNode | null {
  if (at + 2 > b.length) return null;
  const tag = b[at]!;
  let len = b[at + 1]!;
  let p = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > b.length) return null;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[p + i]!;
    if (len < 0x80 || (n > 1 && b[p] === 0)) return null; // not the minimal length form
    p += n;
  }
  if (p + len > b.length) return null;
  return { tag, value: b.subarray(p, p + len), end: p + len };
}

/** The children of a constructed node's content. */
export function children(value: Uint8Array): DerNode[] | null {
  const out: DerNode[] = [];
  for (let p = 0; p < value.length; ) {
    const n = readNode(value, p);
    if (!n) return null;
    out.push(n);
    p = n.end;
  }
  return out;
}

function encodeLength(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

const tlv = (tag: number, value: Uint8Array): Uint8Array =>
  Buffer.concat([Uint8Array.of(tag), encodeLength(value.length), value]);

function encodeInteger(v: bigint): Uint8Array {
  let hex = v.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.of(0), bytes]);
  return tlv(0x02, bytes);
}

function decodeInteger(n: DerNode): bigint | null {
  const v = n.value;
  if (n.tag !== 0x02 || v.length === 0 || v[0]! & 0x80) return null; // negative
  if (v.length > 1 && v[0] === 0 && !(v[1]! & 0x80)) return null; // not minimal
  return BigInt(`0x${Buffer.from(v).toString('hex')}`);
}

/** SEQUENCE { INTEGER r, INTEGER s }. */
export function encodeSignatureDer(r: bigint, s: bigint): Uint8Array {
  return tlv(0x30, Buffer.concat([encodeInteger(r), encodeInteger(s)]));
}

export function decodeSignatureDer(b: Uint8Array): { r: bigint; s: bigint } | null {
  const seq = readNode(b, 0);
  if (seq?.tag !== 0x30 || seq.end !== b.length) return null;
  const kids = children(seq.value);
  if (kids?.length !== 2) return null;
  const r = decodeInteger(kids[0]!);
  const s = decodeInteger(kids[1]!);
  return r === null || s === null ? null : { r, s };
}

/** An AlgorithmIdentifier as the hex of its OID contents (and of its parameter OID, when that is an OID). */
export interface AlgorithmId {
  oid: string;
  param?: string;
}

function algorithmId(n: DerNode | undefined): AlgorithmId | null {
  if (n?.tag !== 0x30) return null;
  const kids = children(n.value);
  if (kids?.[0]?.tag !== 0x06) return null;
  const param = kids[1]?.tag === 0x06 ? Buffer.from(kids[1].value).toString('hex') : undefined;
  return { oid: Buffer.from(kids[0].value).toString('hex'), ...(param ? { param } : {}) };
}

/** SubjectPublicKeyInfo (RFC 5280 §4.1): the algorithm and the key bits (without the unused-bits byte). */
export function parseSpki(spki: Uint8Array): { alg: AlgorithmId; key: Uint8Array } | null {
  const seq = readNode(spki, 0);
  if (seq?.tag !== 0x30 || seq.end !== spki.length) return null;
  const kids = children(seq.value);
  const alg = algorithmId(kids?.[0]);
  const bits = kids?.[1];
  if (kids?.length !== 2 || !alg || bits?.tag !== 0x03 || bits.value[0] !== 0) return null;
  return { alg, key: bits.value.subarray(1) };
}

/** PKCS#8 PrivateKeyInfo (RFC 5208): the algorithm and the privateKey OCTET STRING's contents. */
export function parsePkcs8(der: Uint8Array): { alg: AlgorithmId; key: Uint8Array } | null {
  const seq = readNode(der, 0);
  if (seq?.tag !== 0x30 || seq.end !== der.length) return null;
  const kids = children(seq.value);
  const alg = algorithmId(kids?.[1]);
  if (kids?.[0]?.tag !== 0x02 || !alg || kids[2]?.tag !== 0x04) return null;
  return { alg, key: kids[2].value };
}

/** The privateKey OCTET STRING of a SEC1 ECPrivateKey (RFC 5915), and its curve OID when it names one. */
export function parseSec1(sec1: Uint8Array): { d: Uint8Array; curve?: string } | null {
  const seq = readNode(sec1, 0);
  if (seq?.tag !== 0x30) return null;
  const kids = children(seq.value);
  const octets = kids?.[1];
  if (octets?.tag !== 0x04) return null;
  const params = kids?.find((k) => k.tag === 0xa0);
  const oid = params ? readNode(params.value, 0) : null;
  return { d: octets.value, ...(oid?.tag === 0x06 ? { curve: Buffer.from(oid.value).toString('hex') } : {}) };
}

/** The DER body of a PEM block with the given label, or null. */
export function pemBody(pem: string, label: string): Uint8Array | null {
  const m = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`).exec(pem);
  return m ? new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64')) : null;
}

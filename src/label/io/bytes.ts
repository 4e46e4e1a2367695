/** Small big/little-endian readers and writers over Uint8Array, without DataView allocations at call sites. */
export const u16be = (b: Uint8Array, o: number): number => (b[o]! << 8) | b[o + 1]!;
export const u16le = (b: Uint8Array, o: number): number => b[o]! | (b[o + 1]! << 8);
export const u24be = (b: Uint8Array, o: number): number => (b[o]! << 16) | (b[o + 1]! << 8) | b[o + 2]!;
export const u24le = (b: Uint8Array, o: number): number => b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16);
export const u32be = (b: Uint8Array, o: number): number =>
  ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
export const u32le = (b: Uint8Array, o: number): number =>
  (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
/** 64-bit big-endian as a number; throws past 2^53 (no file here is that large). */
export function u64be(b: Uint8Array, o: number): number {
  const hi = u32be(b, o);
  const lo = u32be(b, o + 4);
  if (hi >= 0x200000) throw new RangeError('64-bit value beyond 2^53');
  return hi * 0x100000000 + lo;
}
export function u64le(b: Uint8Array, o: number): number {
  const lo = u32le(b, o);
  const hi = u32le(b, o + 4);
  if (hi >= 0x200000) throw new RangeError('64-bit value beyond 2^53');
  return hi * 0x100000000 + lo;
}

export function put16be(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 8) & 0xff;
  b[o + 1] = v & 0xff;
}
export function put16le(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
}
export function put32be(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 24) & 0xff;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}
export function put32le(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
  b[o + 2] = (v >>> 16) & 0xff;
  b[o + 3] = (v >>> 24) & 0xff;
}
export function put64be(b: Uint8Array, o: number, v: number): void {
  put32be(b, o, Math.floor(v / 0x100000000));
  put32be(b, o + 4, v >>> 0);
}

export const ascii = (b: Uint8Array, o: number, n: number): string => String.fromCharCode(...b.subarray(o, o + n));
export const asciiBytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
export const utf8 = new TextEncoder();
export const utf8Decode = (b: Uint8Array): string => new TextDecoder('utf-8').decode(b);
/** Strict UTF-8: returns undefined on invalid bytes instead of inserting U+FFFD. */
export function utf8DecodeStrict(b: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return undefined;
  }
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from = 0): number {
  const first = needle[0];
  outer: for (
    let i = hay.indexOf(first!, from);
    i >= 0 && i <= hay.length - needle.length;
    i = hay.indexOf(first!, i + 1)
  ) {
    for (let j = 1; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

export const startsWith = (b: Uint8Array, magic: readonly number[] | Uint8Array, at = 0): boolean => {
  if (b.length < at + magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (b[at + i] !== magic[i]) return false;
  return true;
};

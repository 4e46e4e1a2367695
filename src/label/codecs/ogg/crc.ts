/**
 * The Ogg page checksum (RFC 3533 §6): CRC-32 with generator 0x04C11DB7, initial value 0, no bit reflection and no
 * final XOR, over the whole page with its CRC field set to zero. (This is not zlib's reflected CRC-32.)
 */
const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    t[i] = r >>> 0;
  }
  return t;
})();

/** CRC of `page`, treating its bytes 22..25 (the CRC field) as zero. */
export function oggPageCrc(page: Uint8Array): number {
  let crc = 0;
  for (let i = 0; i < page.length; i++) {
    const byte = i >= 22 && i < 26 ? 0 : page[i]!;
    crc = (crc << 8) ^ TABLE[((crc >>> 24) ^ byte) & 0xff]!;
  }
  return crc >>> 0;
}

/** PNGs with hand-made text chunks, for labels no writer of ours would produce (malformed, duplicated, odd). */
import { crc32 } from 'node:zlib';
import sharp from 'sharp';

export function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** A `tEXt` chunk with keyword AIGC holding `text` as UTF-8 bytes. */
export const aigcText = (text: string): Buffer =>
  chunk('tEXt', Buffer.concat([Buffer.from('AIGC\0', 'latin1'), Buffer.from(text, 'utf8')]));

/** A small real PNG with `chunks` inserted right after IHDR. */
export async function pngWith(...chunks: Buffer[]): Promise<Buffer> {
  const png = await sharp({ create: { width: 16, height: 12, channels: 3, background: '#4080c0' } })
    .png()
    .toBuffer();
  const ihdrEnd = 8 + 8 + 13 + 4;
  return Buffer.concat([png.subarray(0, ihdrEnd), ...chunks, png.subarray(ihdrEnd)]);
}

import { HeguiError } from '../../../errors.ts';
import { BufferSource } from '../../io/source.ts';
import { readIfd, readTiffHeader, TiffOrder } from '../tiff/ifd.ts';
import { MPF_HEADER } from './app.ts';

/** CIPA DC-007 §5.2.3.3: the MP Entry tag, 16 bytes per image (attributes, size, offset, two dependents). */
const TAG_MP_ENTRY = 0xb002;
const MP_ENTRY_SIZE = 16;

/**
 * An MPF payload with every later image's offset moved by `delta`. Offsets count from the MPF TIFF header, so only
 * size changes between that header and the first scan move the images after EOI relative to it (CIPA DC-007
 * §5.2.3.3.3). The first image's offset is 0 and stays 0.
 */
export async function shiftMpfOffsets(payload: Uint8Array, delta: number): Promise<Uint8Array> {
  if (delta === 0) return payload;
  const out = payload.slice();
  const tiff = out.subarray(MPF_HEADER.length);
  const src = new BufferSource(tiff);
  const header = await readTiffHeader(src);
  if (header.big) throw new HeguiError('malformed', 'the MPF index is not a classic TIFF structure');
  const index = await readIfd(src, header, header.firstIfd);
  const entry = index.entries.find((e) => e.tag === TAG_MP_ENTRY);
  if (!entry) return payload;
  if (entry.size < 0 || entry.size % MP_ENTRY_SIZE !== 0 || entry.valueOffset + entry.size > tiff.length) {
    throw new HeguiError('malformed', 'the MPF image list does not fit its segment');
  }
  const order = new TiffOrder(header.little);
  for (let at = entry.valueOffset; at < entry.valueOffset + entry.size; at += MP_ENTRY_SIZE) {
    const offset = order.u32(tiff, at + 8);
    if (offset === 0) continue;
    const moved = offset + delta;
    if (moved <= 0 || moved > 0xffffffff) throw new HeguiError('malformed', 'an MPF image offset cannot be moved');
    order.put32(tiff, at + 8, moved);
  }
  return out;
}

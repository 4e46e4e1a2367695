import type { ByteSource } from '../../io/source.ts';

/** Bit rates in kbit/s by [MPEG-1 ? 0 : 1][layer 1..3][index] (ISO 11172-3 §2.4.2.3, ISO 13818-3). */
const BITRATES: readonly (readonly number[])[][] = [
  [
    [],
    [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
    [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
    [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  ],
  [
    [],
    [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
    [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  ],
];
/** Sample rates by version bits (0 MPEG-2.5, 2 MPEG-2, 3 MPEG-1) and index. */
const SAMPLE_RATES: Record<number, readonly number[]> = {
  0: [11025, 12000, 8000],
  2: [22050, 24000, 16000],
  3: [44100, 48000, 32000],
};

export interface MpegFrameHeader {
  /** Version bits: 0 MPEG-2.5, 2 MPEG-2, 3 MPEG-1. */
  version: number;
  /** 1, 2 or 3. */
  layer: number;
  sampleRate: number;
  /** Frame length in bytes; 0 for free-format streams (no bit rate in the header). */
  length: number;
}

/** An MPEG audio frame header at `o`, or undefined when the 32 bits are not a valid one (reserved values excluded). */
export function parseMpegHeader(b: Uint8Array, o: number): MpegFrameHeader | undefined {
  if (o + 4 > b.length || b[o] !== 0xff || (b[o + 1]! & 0xe0) !== 0xe0) return undefined;
  const version = (b[o + 1]! >> 3) & 3;
  const layer = 4 - ((b[o + 1]! >> 1) & 3);
  const brIndex = b[o + 2]! >> 4;
  const srIndex = (b[o + 2]! >> 2) & 3;
  if (version === 1 || layer === 4 || brIndex === 15 || srIndex === 3 || (b[o + 3]! & 3) === 2) return undefined;
  const sampleRate = SAMPLE_RATES[version]![srIndex]!;
  const bitrate = BITRATES[version === 3 ? 0 : 1]![layer]![brIndex]! * 1000;
  const pad = (b[o + 2]! >> 1) & 1;
  let length = 0;
  if (bitrate > 0) {
    if (layer === 1) length = (Math.floor((12 * bitrate) / sampleRate) + pad) * 4;
    else if (layer === 3 && version !== 3) length = Math.floor((72 * bitrate) / sampleRate) + pad;
    else length = Math.floor((144 * bitrate) / sampleRate) + pad;
  }
  return { version, layer, sampleRate, length };
}

/** How far past an ID3v2 tag zero padding is skipped looking for the first frame (taggers leave some). */
const MAX_ZERO_GAP = 4096;

/**
 * True when MPEG audio starts at `pos`. After an ID3v2 tag one valid header is enough (the tag already says "audio
 * file"), after skipping a little zero padding. Without a tag, the 11-bit sync is too common in other data, so two
 * consecutive valid frames with the same version, layer and sample rate are required.
 */
export async function mpegAudioAt(src: ByteSource, pos: number, afterTag: boolean): Promise<boolean> {
  const window = await src.read(pos, Math.min(src.size - pos, afterTag ? MAX_ZERO_GAP + 4 : 4));
  let at = 0;
  if (afterTag) while (at < MAX_ZERO_GAP && window[at] === 0) at++;
  const first = parseMpegHeader(window, at);
  if (!first) return false;
  if (afterTag) return true;
  if (first.length === 0 || pos + first.length + 4 > src.size) return false;
  const second = parseMpegHeader(await src.read(pos + first.length, 4), 0);
  return (
    !!second &&
    second.version === first.version &&
    second.layer === first.layer &&
    second.sampleRate === first.sampleRate
  );
}

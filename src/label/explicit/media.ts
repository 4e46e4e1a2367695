import { open } from 'node:fs/promises';
import { ioError } from '../io/source.ts';

/**
 * Which explicit-label renderer a file needs, by its magic bytes (never its name). Images go to sharp, videos to
 * ffmpeg; HEIF/AVIF share the `ftyp` box with MP4 and are told apart by their brands (ISO/IEC 23008-12 Annex B).
 */
export type ExplicitMedia = 'image' | 'video';

const IMAGE_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'mif1', 'msf1', 'avif', 'avis', 'mif2']);
const startsWith = (b: Uint8Array, s: number[], at = 0) => s.every((v, i) => b[at + i] === v);
const ascii = (b: Uint8Array, at: number, n: number) => String.fromCharCode(...b.subarray(at, at + n));

export function sniffMedia(head: Uint8Array): ExplicitMedia | null {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image'; // JPEG
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47])) return 'image'; // PNG
  if (ascii(head, 0, 4) === 'GIF8') return 'image';
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 4) === 'WEBP') return 'image';
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a])) return 'image';
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) return 'video'; // EBML: Matroska, WebM
  if (head.length >= 12 && ascii(head, 4, 4) === 'ftyp') {
    const size = Math.min(head.length, (head[0]! << 24) | (head[1]! << 16) | (head[2]! << 8) | head[3]!);
    const brands = [ascii(head, 8, 4)];
    for (let o = 16; o + 4 <= size; o += 4) brands.push(ascii(head, o, 4));
    // A HEIF image brand as the major brand, or only image brands: an image; any other ftyp file: a video.
    if (IMAGE_BRANDS.has(brands[0]!)) return 'image';
    return 'video';
  }
  // QuickTime files from before `ftyp`: the first atom is one of these.
  if (['moov', 'mdat', 'wide', 'free', 'skip'].includes(ascii(head, 4, 4))) return 'video';
  return null;
}

export async function sniffMediaFile(path: string): Promise<ExplicitMedia | null> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw ioError(e, 'open');
  }
  try {
    const head = new Uint8Array(64);
    const { bytesRead } = await fh.read(head, 0, 64, 0);
    return sniffMedia(head.subarray(0, bytesRead));
  } catch (e) {
    throw ioError(e, 'read');
  } finally {
    await fh.close();
  }
}

/**
 * Recognising MP4 / MOV / M4A / 3GP by their `ftyp` brands (ISO/IEC 14496-12 §4.3, the MP4 registration authority's
 * brand list), or QuickTime files that start without `ftyp`. HEIF/AVIF brands belong to the HEIF codec and are
 * never claimed here, even though those files are ISO base media files too.
 */
import { ascii, u32be } from '../../io/bytes.ts';

/** Image (and image-sequence) brands of ISO/IEC 23008-12 HEIF and AV1 AVIF: another codec's files. */
const HEIF_BRANDS = new Set([
  'heic',
  'heix',
  'heim',
  'heis',
  'hevc',
  'hevx',
  'hevm',
  'hevs',
  'mif1',
  'mif2',
  'msf1',
  'avif',
  'avis',
  'avio',
  'avci',
  'avcs',
]);

/** Brands of movie and audio files: ISO, MP4, Apple (QuickTime, iTunes), 3GPP/3GPP2, DASH/CMAF, Flash, camera vendors. */
const MP4_BRAND =
  /^(isom|iso[2-9a-c]|mp4[12]|mp71|avc1|av01|M4[ABPV] |M4V[HP]|qt {2}|MQT |3g[2gpesr][0-9a-z]|kddi|dash|msdh|msix|cmf[c2sfl]|mmp4|f4[vpab] |MSNV|ND[SX][CHMPS]|XAVC|dby1|mjp2|mj2s|caqv|aax )$/;

export interface Brands {
  major: string;
  compatible: string[];
}

/** The `ftyp` at the start of `head`, or undefined. Reads at most the box's own bytes that are in `head`. */
export function readFtyp(head: Uint8Array): Brands | undefined {
  if (head.length < 16 || ascii(head, 4, 4) !== 'ftyp') return undefined;
  const size = u32be(head, 0);
  if (size < 16 || size > 4096) return undefined;
  const end = Math.min(size, head.length);
  const compatible: string[] = [];
  for (let p = 16; p + 4 <= end; p += 4) compatible.push(ascii(head, p, 4));
  return { major: ascii(head, 8, 4), compatible };
}

/** True when the brands say MP4/MOV/M4A/3GP and not HEIF/AVIF (the major brand decides first). */
export function isMovieBrands(b: Brands): boolean {
  if (HEIF_BRANDS.has(b.major)) return false;
  if (MP4_BRAND.test(b.major)) return true;
  if (b.compatible.some((c) => HEIF_BRANDS.has(c))) return false;
  return b.compatible.some((c) => MP4_BRAND.test(c));
}

/** Top-level boxes a QuickTime file without `ftyp` (pre-2001 QuickTime, some cameras) starts with. */
const QT_FIRST = new Set(['moov', 'mdat', 'wide', 'free', 'skip', 'pnot']);
const QT_TOP = new Set([...QT_FIRST, 'ftyp', 'uuid', 'PICT']);

/**
 * A QuickTime file without `ftyp`: the first boxes (as far as `head` shows them) are all QuickTime top-level boxes
 * with sane sizes, and a `moov` or `mdat` is among them (or the head ends before one could be seen).
 */
export function isBareQuickTime(head: Uint8Array, fileSize: number): boolean {
  let pos = 0;
  for (let i = 0; i < 16; i++) {
    if (pos + 8 > head.length) return i > 0 && pos < fileSize;
    const type = ascii(head, pos + 4, 4);
    if (!(i === 0 ? QT_FIRST : QT_TOP).has(type)) return false;
    if (type === 'moov' || type === 'mdat') return true;
    const size = u32be(head, pos);
    if (size < 8 || pos + size > fileSize) return false;
    pos += size;
  }
  return false;
}

/** A short human name for the family, from the major brand. */
export function familyName(b: Brands | undefined): string {
  if (!b) return 'QuickTime MOV';
  const m = b.major;
  if (m === 'qt  ') return 'QuickTime MOV';
  if (m === 'M4A ' || m === 'M4B ' || m === 'M4P ') return 'M4A';
  if (m.startsWith('3g')) return '3GP';
  return 'MP4';
}

import type { Metadata, Sharp } from 'sharp';
import { HeguiError } from '../../errors.ts';
import { DEFAULT_JPEG_QUALITY, estimateJpegQuality } from './jpeg-quality.ts';

/**
 * How a labelled image is written back: in the input's format, at a quality like the input's. Drawing the label
 * re-encodes the picture; these settings keep that from being visibly worse than the original.
 */
export interface EncodePlan {
  /** sharp's format id of the output. */
  format: 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'heif';
  /** The quality used for a lossy format, and how it was chosen. */
  quality?: { value: number; source: 'estimated' | 'default' };
  lossless: boolean;
  apply(img: Sharp): Sharp;
  warnings: string[];
}

/** WebP and AVIF do not record a quality that can be read back; these defaults are visually close to JPEG 90. */
export const DEFAULT_WEBP_QUALITY = 90;
export const DEFAULT_AVIF_QUALITY = 70;

/** A lossless WebP carries a `VP8L` bitstream chunk (RFC 9649 §2.7); a lossy one a `VP8 ` chunk. */
function isLosslessWebp(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 4096));
  const lossless = head.indexOf('VP8L', 12, 'latin1');
  const lossy = head.indexOf('VP8 ', 12, 'latin1');
  return lossless >= 0 && (lossy < 0 || lossless < lossy);
}

/** TIFF 6.0 tag 259 (Compression) → sharp's name; anything else is written LZW, lossless. */
const TIFF_COMPRESSION: Record<number, 'none' | 'lzw' | 'deflate' | 'jpeg' | 'packbits' | 'zstd' | 'webp'> = {
  1: 'none',
  5: 'lzw',
  7: 'jpeg',
  8: 'deflate',
  32773: 'packbits',
  32946: 'deflate',
  50000: 'zstd',
  50001: 'webp',
};

/** Tag 259 of the first IFD, read from the header bytes only (offsets bounded by the buffer); null if unreadable. */
export function tiffCompression(bytes: Uint8Array): number | null {
  if (bytes.length < 8) return null;
  const le = bytes[0] === 0x49;
  const u16 = (o: number) => (le ? bytes[o]! | (bytes[o + 1]! << 8) : (bytes[o]! << 8) | bytes[o + 1]!);
  const u32 = (o: number) => (le ? u16(o) + u16(o + 2) * 65536 : u16(o) * 65536 + u16(o + 2));
  if (u16(2) !== 42) return null; // BigTIFF (43) and others: use the lossless default
  const ifd = u32(4);
  if (ifd + 2 > bytes.length) return null;
  const n = u16(ifd);
  for (let i = 0; i < n && ifd + 2 + 12 * (i + 1) <= bytes.length; i++) {
    const e = ifd + 2 + 12 * i;
    if (u16(e) === 259) return u16(e + 8);
  }
  return null;
}

export function planEncode(bytes: Uint8Array, meta: Metadata): EncodePlan {
  const warnings: string[] = [];
  switch (meta.format) {
    case 'jpeg': {
      const estimated = estimateJpegQuality(bytes);
      const quality = estimated ?? DEFAULT_JPEG_QUALITY;
      const chromaSubsampling = meta.chromaSubsampling === '4:4:4' ? '4:4:4' : '4:2:0';
      return {
        format: 'jpeg',
        quality: { value: quality, source: estimated ? 'estimated' : 'default' },
        lossless: false,
        apply: (img) => img.jpeg({ quality, chromaSubsampling, progressive: meta.isProgressive === true }),
        warnings,
      };
    }
    case 'png':
      if (meta.isPalette)
        warnings.push('a palette PNG is written in true colour, so no pixel outside the label changes');
      return {
        format: 'png',
        lossless: true,
        apply: (img) => img.png({ progressive: meta.isProgressive === true, palette: false }),
        warnings,
      };
    case 'webp': {
      if (isLosslessWebp(bytes)) {
        return { format: 'webp', lossless: true, apply: (img) => img.webp({ lossless: true }), warnings };
      }
      const quality = DEFAULT_WEBP_QUALITY;
      return {
        format: 'webp',
        quality: { value: quality, source: 'default' },
        lossless: false,
        apply: (img) => img.webp({ quality, alphaQuality: 100, smartSubsample: true }),
        warnings,
      };
    }
    case 'gif':
      // GIF holds 256 colours: the palette is rebuilt so the label's greys get exact entries (no dithering noise).
      return { format: 'gif', lossless: false, apply: (img) => img.gif({ reuse: false, dither: 0 }), warnings };
    case 'tiff': {
      const tag = tiffCompression(bytes);
      const compression = (tag !== null ? TIFF_COMPRESSION[tag] : undefined) ?? 'lzw';
      const lossy = compression === 'jpeg' || compression === 'webp';
      const quality = DEFAULT_JPEG_QUALITY;
      return {
        format: 'tiff',
        ...(lossy ? { quality: { value: quality, source: 'default' as const } } : {}),
        lossless: !lossy,
        apply: (img) => img.tiff({ compression, ...(lossy ? { quality } : {}) }),
        warnings,
      };
    }
    case 'heif': {
      if (meta.compression !== 'av1') {
        throw new HeguiError('format_unsupported', 'HEIC (HEVC) images cannot be re-encoded here: no HEVC encoder');
      }
      const quality = DEFAULT_AVIF_QUALITY;
      const bitdepth = meta.bitsPerSample === 10 || meta.bitsPerSample === 12 ? meta.bitsPerSample : 8;
      return {
        format: 'heif',
        quality: { value: quality, source: 'default' },
        lossless: false,
        apply: (img) => img.heif({ compression: 'av1', quality, chromaSubsampling: '4:4:4', bitdepth }),
        warnings,
      };
    }
    default:
      throw new HeguiError(
        'format_unsupported',
        `explicit labels are drawn on JPEG, PNG, WebP, GIF, TIFF and AVIF images, not ${meta.format ?? 'this format'}`,
      );
  }
}

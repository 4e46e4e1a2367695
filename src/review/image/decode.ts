/**
 * Image bytes → 8-bit RGB → float32 luminance, through sharp (libvips).
 *
 * Conversions follow what the reference pipelines feed PDQ: palette, grey, 1-bit and 16-bit images become 8-bit sRGB;
 * CMYK and other colour spaces are converted to sRGB; alpha is dropped, not composited (the C++ tool reads the first
 * three channels, Pillow's convert('RGB') discards alpha). An embedded ICC profile is ignored: the reference tools
 * hash the stored samples (neither ImageMagick's PNM, Pillow nor ImageIO colour-manage), so a Display P3 photo hashes
 * as they hash it. The EXIF Orientation tag is ignored by default, as the
 * reference tools (CImg, Java ImageIO) hash the stored raster; matching all eight dihedral hashes makes the tag
 * irrelevant for review. Multi-page images (GIF, TIFF, WebP animations) are hashed on their first page.
 */
import sharp from 'sharp';
import { HeguiError } from '../../errors.ts';
import { lumaFromRgb } from './pdq.ts';

export interface DecodeOptions {
  /** 'raw' (default) hashes the stored pixels like the reference; 'exif' applies the Orientation tag first. */
  orientation?: 'raw' | 'exif';
  /**
   * Images with more pixels are first resized (keeping the aspect ratio) to at most this many, bounding memory at
   * about 11 bytes per pixel. PDQ is computed on a 64×64 image, so this changes a hash by a few bits at most.
   */
  maxPixels?: number;
}

export const DEFAULT_MAX_PIXELS = 16_000_000;

export interface DecodedLuma {
  luma: Float32Array;
  rows: number;
  cols: number;
  /** Size of the stored image before any bounding resize. */
  width: number;
  height: number;
  resized: boolean;
}

export async function decodeLuma(input: Uint8Array | string, o: DecodeOptions = {}): Promise<DecodedLuma> {
  const maxPixels = o.maxPixels ?? DEFAULT_MAX_PIXELS;
  try {
    const meta = await sharp(input, { ignoreIcc: true }).metadata();
    if (!meta.width || !meta.height) throw new HeguiError('format_unknown', 'the image has no dimensions');
    let width = meta.width;
    let height = meta.height;
    if (o.orientation === 'exif' && (meta.orientation ?? 1) >= 5) [width, height] = [height, width];
    let img = sharp(input, { ignoreIcc: true });
    if (o.orientation === 'exif') img = img.rotate();
    let resized = false;
    if (width * height > maxPixels) {
      const scale = Math.sqrt(maxPixels / (width * height));
      img = img.resize(Math.max(1, Math.floor(width * scale)), Math.max(1, Math.floor(height * scale)), {
        fit: 'fill',
      });
      resized = true;
    }
    const { data, info } = await img
      .removeAlpha()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new HeguiError('format_unsupported', `decoded to ${info.channels} channels, not 3`);
    const pixels = info.width * info.height;
    return { luma: lumaFromRgb(data, pixels), rows: info.height, cols: info.width, width, height, resized };
  } catch (e) {
    if (e instanceof HeguiError) throw e;
    // sharp's messages can quote the input; keep only the fact.
    throw new HeguiError('format_unknown', 'the image could not be decoded');
  }
}

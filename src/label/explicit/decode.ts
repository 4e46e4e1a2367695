import { readFile, stat } from 'node:fs/promises';
import sharp, { type Sharp } from 'sharp';
import { HeguiError, isHeguiError, oversize } from '../../errors.ts';
import { ioError } from '../io/source.ts';

/**
 * Decoding images with sharp, bounded: a file size and a pixel count a labelling run accepts, and one place that turns
 * libvips' errors into HeguiErrors whose messages never carry file content.
 */

/** 100 megapixels (10000×10000): far above any generated image, and rotation needs the whole picture in memory. */
export const MAX_PIXELS = 100_000_000;
export const MAX_IMAGE_BYTES = 512 * 1024 * 1024;

export async function readImageBytes(path: string): Promise<Buffer> {
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new HeguiError('usage', 'not a regular file');
    if (st.size > MAX_IMAGE_BYTES) throw oversize('the image file', st.size, MAX_IMAGE_BYTES);
    return await readFile(path);
  } catch (e) {
    if (isHeguiError(e)) throw e;
    throw ioError(e, 'read');
  }
}

export function openImage(bytes: Uint8Array, limitInputPixels = MAX_PIXELS): Sharp {
  if (bytes.length === 0) throw new HeguiError('format_unknown', 'the image is empty (0 bytes)');
  // failOn 'error': a truncated or corrupt picture is refused instead of being labelled with grey rows in it.
  return sharp(bytes, { limitInputPixels, failOn: 'error' });
}

/** Map a libvips/sharp failure to a HeguiError (the library's text is not passed on: it may quote file bytes). */
export function decodeError(e: unknown, limitInputPixels = MAX_PIXELS): HeguiError {
  if (isHeguiError(e)) return e;
  const msg = e instanceof Error ? e.message : String(e);
  if (/unsupported image format/i.test(msg))
    return new HeguiError('format_unknown', 'the file is not an image format Hegui can draw on');
  if (/pixel limit/i.test(msg))
    return new HeguiError('oversize', `the image has more than ${limitInputPixels} pixels`, {
      limit: limitInputPixels,
    });
  if (/premature end|truncated|unexpected end|not enough data/i.test(msg))
    return new HeguiError('truncated', 'the image data ends before the picture is complete');
  return new HeguiError('malformed', 'the image could not be decoded');
}

export async function guard<T>(p: Promise<T>, limitInputPixels = MAX_PIXELS): Promise<T> {
  try {
    return await p;
  } catch (e) {
    throw decodeError(e, limitInputPixels);
  }
}

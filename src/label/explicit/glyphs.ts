import sharp, { type OutputInfo } from 'sharp';
import { HeguiError } from '../../errors.ts';
import { LABEL_FONT_FAMILY, labelFontFile } from './font.ts';
import type { Box } from './layout.ts';
import { inkBox } from './measure/ink.ts';

/** A line of text as a coverage mask (one byte per pixel, 255 = fully covered), with its measured ink box. */
export interface TextMask {
  mask: Uint8Array;
  width: number;
  height: number;
  ink: Box;
  /** The font size (px per em) that produced it, for the record. */
  fontPx: number;
}

/** sharp's text input is Pango markup: a user's "<" or "&" must stay text, never become markup. */
const escapeMarkup = (s: string): string => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** Render `text` in the label font at `fontPx` pixels per em (Pango at 72 dpi: a point is a pixel). */
export async function renderText(text: string, fontPx: number): Promise<TextMask> {
  let out: { data: Buffer; info: OutputInfo };
  try {
    out = await sharp({
      text: {
        text: escapeMarkup(text),
        font: `${LABEL_FONT_FAMILY} Bold ${fontPx.toFixed(2)}`,
        fontfile: labelFontFile(),
        dpi: 72,
      },
    })
      .extractChannel(0)
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (e) {
    if (e instanceof HeguiError) throw e;
    throw new HeguiError('tool_failed', 'the label text could not be rendered');
  }
  const { data, info } = out;
  const mask = new Uint8Array(data.buffer, data.byteOffset, info.width * info.height);
  const ink = inkBox(mask, info.width, info.height);
  if (!ink) throw new HeguiError('label_text_invalid', 'the label text renders no visible ink');
  return { mask, width: info.width, height: info.height, ink, fontPx };
}

/** CJK ideographs fill about 0.92 em of Noto Sans SC; a first guess the search below corrects. */
const INK_PER_EM = 0.92;
const MAX_STEPS = 24;
const cache = new Map<string, TextMask>();
const CACHE_SIZE = 64;

/**
 * The smallest rendering of `text` whose measured ink height is at least `inkPx`. GB 45438 §5 bounds the text's
 * height, so the size is found by measuring the rendered ink, never assumed from the font size: a first guess, a
 * proportional correction, then small steps up until the measured height reaches the target.
 */
export async function fitText(text: string, inkPx: number): Promise<TextMask> {
  const key = `${inkPx}\u0000${text}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let m = await renderText(text, inkPx / INK_PER_EM);
  let size = (m.fontPx * inkPx) / m.ink.height;
  m = await renderText(text, size);
  for (let i = 0; m.ink.height < inkPx; i++) {
    if (i >= MAX_STEPS) throw new HeguiError('tool_failed', 'the label text could not be sized to the target height');
    size += Math.max(0.25, size * 0.01);
    m = await renderText(text, size);
  }
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(key, m);
  return m;
}

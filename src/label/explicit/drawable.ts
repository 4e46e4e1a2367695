import { HeguiError } from '../../errors.ts';
import { checkLabelText } from './rule.ts';

/**
 * The extra step for a label drawn on a picture (images, video frames): after the rule every medium shares
 * ({@link checkLabelText}), the text is drawn in its NFKC form (full-width "ＡＩ" as "AI", the ideographic space as a
 * space), with white space runs collapsed, must fit one line on a picture, and may use only characters the label
 * font (Noto Sans SC) draws: anything else would fall back to another font or a box.
 */

/** A drawn label is one line across a picture at 5% of its shortest side: 32 characters at most. */
export const MAX_DRAWN_LABEL_CHARS = 32;

/**
 * ASCII, Latin-1, visible general punctuation, CJK symbols, the CJK ideographs (with extension A) and the full-width
 * forms: what Noto Sans SC draws.
 */
const DRAWABLE =
  /^[\u0020-\u007e\u00a0-\u00ac\u00ae-\u00ff\u2010-\u2027\u2030-\u205e\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff01-\uffef]*$/u;

const invalid = (message: string): HeguiError => new HeguiError('label_text_invalid', message);

/** Check a label text for drawing and return the form drawn. Throws `label_text_invalid` naming the rule. */
export function drawableLabelText(input: string | undefined): string {
  const { text } = checkLabelText(input, 'label');
  const drawn = text.normalize('NFKC').replace(/\s+/gu, ' ').trim();
  if ([...drawn].length > MAX_DRAWN_LABEL_CHARS) {
    throw invalid(
      `the label text is longer than ${MAX_DRAWN_LABEL_CHARS} characters; a label drawn on a picture is one short line`,
    );
  }
  if (!DRAWABLE.test(drawn))
    throw invalid('the label text contains characters the label font cannot draw (use Chinese, Latin or digits)');
  return drawn;
}

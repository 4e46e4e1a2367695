import { HeguiError } from '../../../errors.ts';

/**
 * The GB 45438 §5 rule for a configured label text, as far as text content needs it: a label names the AI element
 * ("人工智能" or "AI") and the generation element ("生成" and/or "合成"); the corner mark on text may be the
 * AI element alone. Deliberately minimal: one line, no control characters, bounded length, so that inserting it can
 * never change the structure of the document around it.
 */
export type TextLabelKind = 'label' | 'corner';

/** A label is one short line, not a paragraph. */
export const MAX_TEXT_LABEL_CHARS = 64;

const AI_ELEMENTS = ['AI', '人工智能'];
const GENERATION_ELEMENTS = ['生成', '合成'];
/** C0/C1 controls, line and paragraph separators, zero-width and bidirectional controls (they hide or reorder text). */
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/u;

const invalid = (message: string): HeguiError => new HeguiError('label_text_invalid', message);

/** Throws `label_text_invalid` naming the rule that failed (never the text itself). */
export function checkTextLabel(text: unknown, kind: TextLabelKind): string {
  if (typeof text !== 'string') throw invalid('the label text must be a string');
  if (text.trim() === '') throw invalid('the label text is empty');
  if (text !== text.trim()) throw invalid('the label text must not start or end with white space');
  if (HIDDEN.test(text)) throw invalid('the label text must be one line without control or invisible characters');
  if ([...text].length > MAX_TEXT_LABEL_CHARS)
    throw invalid(`the label text is longer than ${MAX_TEXT_LABEL_CHARS} characters; a label is one short line`);
  // NFKC so that the full-width "ＡＩ" counts; upper case only, a lower-case "ai" is also Pinyin (爱, 艾).
  const folded = text.normalize('NFKC');
  if (!AI_ELEMENTS.some((e) => folded.includes(e)))
    throw invalid('the label text must contain the AI element "AI" or "人工智能" (GB 45438 §5)');
  if (kind === 'label' && !GENERATION_ELEMENTS.some((e) => folded.includes(e))) {
    throw invalid(
      'the label text must contain the generation element "生成" or "合成" (GB 45438 §5); only the corner mark may be "AI" alone',
    );
  }
  return text;
}

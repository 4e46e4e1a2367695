import { HeguiError } from '../../errors.ts';

/** GB 45438 §5: the default label text, with the AI element ("AI") and the generation element ("生成"). */
export const DEFAULT_LABEL_TEXT = 'AI生成';

/**
 * `label`: an explicit label on any medium (GB 45438 §5.2–5.6), which needs both elements.
 * `corner-mark`: the corner mark on text (§5.1), the only form that may be "AI" alone.
 */
export type LabelTextKind = 'label' | 'corner-mark';

/** Long enough for "本内容由人工智能生成合成" and a service name; a label is a line, not a paragraph. */
export const MAX_LABEL_CHARS = 32;

/**
 * GB 45438 §5: the AI element is "人工智能" or "AI". Compared after NFKC, so the full-width "ＡＩ" counts; upper case
 * only, because a lower-case "ai" is also Hanyu Pinyin (爱, 艾) and would not tell a reader the content is AI's.
 */
const AI_ELEMENTS = ['AI', '人工智能'];
/** GB 45438 §5: the generation element is "生成" and/or "合成". */
const GENERATION_ELEMENTS = ['生成', '合成'];

/**
 * Characters the label font (Noto Sans SC) draws: ASCII, Latin-1, visible general punctuation, CJK symbols, the CJK
 * ideographs (with extension A) and the full-width forms. Anything else would fall back to another font or a box.
 * Invisible characters (soft hyphen, zero-width and bidirectional controls) are refused: they could hide or reorder
 * the elements the standard requires.
 */
const DRAWABLE =
  /^[\u0020-\u007e\u00a0-\u00ac\u00ae-\u00ff\u2010-\u2027\u2030-\u205e\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff01-\uffef]*$/u;

export interface LabelText {
  /** The text as drawn: NFKC, whitespace runs collapsed to one space, trimmed. */
  text: string;
  kind: LabelTextKind;
}

const invalid = (message: string): HeguiError => new HeguiError('label_text_invalid', message);

/**
 * Check a configured label text against GB 45438 §5 and return the form that is drawn. Throws `label_text_invalid`
 * with the rule that failed (never the text itself).
 */
export function checkLabelText(input: string | undefined, kind: LabelTextKind = 'label'): LabelText {
  const raw = input ?? DEFAULT_LABEL_TEXT;
  if (typeof raw !== 'string') throw invalid('the label text must be a string');
  // NFKC folds full-width letters and the ideographic space, so "ＡＩ生成" reads and draws as "AI生成".
  const text = raw.normalize('NFKC').replace(/\s+/gu, ' ').trim();
  if (text === '') throw invalid('the label text is empty');
  if ([...text].length > MAX_LABEL_CHARS)
    throw invalid(`the label text is longer than ${MAX_LABEL_CHARS} characters; a label is one short line`);
  if (!DRAWABLE.test(text))
    throw invalid('the label text contains characters the label font cannot draw (use Chinese, Latin or digits)');
  if (!AI_ELEMENTS.some((e) => text.includes(e)))
    throw invalid('the label text must contain the AI element "AI" or "人工智能" (GB 45438 §5)');
  if (kind === 'label' && !GENERATION_ELEMENTS.some((e) => text.includes(e))) {
    throw invalid(
      'the label text must contain the generation element "生成" or "合成" (GB 45438 §5); only the corner mark on text may be "AI" alone',
    );
  }
  return { text, kind };
}

/** True when the text passes {@link checkLabelText}. */
export function isValidLabelText(input: string, kind: LabelTextKind = 'label'): boolean {
  try {
    checkLabelText(input, kind);
    return true;
  } catch {
    return false;
  }
}

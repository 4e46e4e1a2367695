import { HeguiError } from '../../errors.ts';

/**
 * The one rule for a configured explicit-label text, for every medium (GB 45438 §5; Provisions Art. 17): a label
 * names the AI element ("人工智能" or "AI") and the generation element ("生成" and/or "合成"); only the corner mark on
 * text may be the AI element alone. A label is one short line: no line breaks, no control or invisible characters,
 * bounded length, so that inserting or drawing it can never change or hide what is around it. Drawing it on a
 * picture adds one step ({@link drawableLabelText} in `drawable.ts`): only characters the label font has.
 */

/** GB 45438 §5: the default label text for images and videos, with the AI element ("AI") and "生成". */
export const DEFAULT_LABEL_TEXT = 'AI生成';

/**
 * `label`: an explicit label on any medium (GB 45438 §5.1–5.6), which needs both elements.
 * `corner-mark`: the corner mark on text (§5.1), the only form that may be "AI" alone.
 */
export type LabelTextKind = 'label' | 'corner-mark';
export const LABEL_TEXT_KINDS: readonly LabelTextKind[] = ['label', 'corner-mark'];

/** A label is one short line, not a paragraph: long enough for "本内容由人工智能生成合成" and a service name. */
export const MAX_LABEL_CHARS = 64;

/**
 * GB 45438 §5: the AI element is "人工智能" or "AI". Compared after NFKC, so the full-width "ＡＩ" counts; upper case
 * only, because a lower-case "ai" is also Hanyu Pinyin (爱, 艾) and would not tell a reader the content is AI's.
 */
const AI_ELEMENTS = ['AI', '人工智能'];
/** GB 45438 §5: the generation element is "生成" and/or "合成". */
const GENERATION_ELEMENTS = ['生成', '合成'];
/**
 * C0 and C1 controls (line breaks and tabs included), the soft hyphen, line and paragraph separators, zero-width,
 * joiner and bidirectional controls, the byte-order mark and interlinear annotation marks: they break the line,
 * hide characters or reorder them, so the elements the standard asks for could be present and yet not be read.
 */
const HIDDEN =
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/u;

export interface LabelText {
  /** The text as configured, with surrounding white space removed (a placer or a plate adds its own). */
  text: string;
  kind: LabelTextKind;
}

const invalid = (message: string): HeguiError => new HeguiError('label_text_invalid', message);

/**
 * Check a configured label text against GB 45438 §5 and return it trimmed. `undefined` means the default
 * ({@link DEFAULT_LABEL_TEXT}). Throws `label_text_invalid` naming the rule that failed (never the text itself).
 */
export function checkLabelText(input: unknown, kind: LabelTextKind = 'label'): LabelText {
  const raw = input ?? DEFAULT_LABEL_TEXT;
  if (typeof raw !== 'string') throw invalid('the label text must be a string');
  if (!LABEL_TEXT_KINDS.includes(kind)) throw invalid(`the label kind must be one of ${LABEL_TEXT_KINDS.join(', ')}`);
  if (HIDDEN.test(raw)) throw invalid('the label text must be one line without control or invisible characters');
  const text = raw.trim();
  if (text === '') throw invalid('the label text is empty');
  if ([...text].length > MAX_LABEL_CHARS)
    throw invalid(`the label text is longer than ${MAX_LABEL_CHARS} characters; a label is one short line`);
  // NFKC folds full-width letters, so "ＡＩ生成" names the AI element as "AI生成" does.
  const folded = text.normalize('NFKC');
  if (!AI_ELEMENTS.some((e) => folded.includes(e)))
    throw invalid('the label text must contain the AI element "AI" or "人工智能" (GB 45438 §5)');
  if (kind === 'label' && !GENERATION_ELEMENTS.some((e) => folded.includes(e))) {
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

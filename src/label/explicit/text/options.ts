import { HeguiError } from '../../../errors.ts';
import { checkLabelText } from '../rule.ts';

/**
 * GB 45438 §5: a text prompt at the start, the end or a suitable middle position of the text, or a corner mark.
 * `corner` is a short mark that takes no paragraph of its own (the only form that may be "AI" alone).
 */
export type TextLabelMode = 'prefix' | 'suffix' | 'middle' | 'corner';
export const TEXT_LABEL_MODES: readonly TextLabelMode[] = ['prefix', 'suffix', 'middle', 'corner'];
export type TextFormat = 'plain' | 'markdown' | 'html';
export const TEXT_FORMATS: readonly TextFormat[] = ['plain', 'markdown', 'html'];
export type CornerPosition = 'start' | 'end';
export type Newline = '\n' | '\r\n';

export interface TextLabelOptions {
  /** Default `prefix`. */
  mode?: TextLabelMode;
  /** The label text; default per mode (see {@link defaultLabelText}). Checked against GB 45438 §5. */
  text?: string;
  /** Corner mark at the start (default) or the end of the text. */
  corner?: CornerPosition;
  /** `middle`: the label goes at the first paragraph boundary after at least this many characters (default 0). */
  minChars?: number;
  /** Line break used around the label (default `\n`; {@link labelText} also accepts `auto`: the text's own). */
  newline?: Newline;
}

/** Position words make the prompt read right where it sits: "以下" (what follows), "以上" (what precedes). */
export function defaultLabelText(mode: TextLabelMode, corner: CornerPosition = 'start'): string {
  switch (mode) {
    case 'prefix':
      return '以下内容由人工智能生成';
    case 'suffix':
      return '以上内容由人工智能生成';
    case 'middle':
      return '本内容由人工智能生成';
    case 'corner':
      return corner === 'start' ? '【AI】' : '（AI生成）';
  }
}

export interface ResolvedTextLabel {
  mode: TextLabelMode;
  corner: CornerPosition;
  format: TextFormat;
  newline: Newline;
  minChars: number;
  /** The configured text, checked. */
  text: string;
  /** What is inserted for the label itself, in the document's syntax (escaped; an element in HTML). */
  snippet: string;
}

/** Markdown syntax characters: backslash-escaped (CommonMark §2.4) so the label renders as the literal text. */
const MARKDOWN_SPECIAL = /[\\`*_[\]<>#|~!&=+\-{}]/g;
const HTML_SPECIAL: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const escapeMarkdown = (s: string): string => s.replace(MARKDOWN_SPECIAL, (c) => `\\${c}`);
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => HTML_SPECIAL[c]!);

/** The class of the inserted element, so a page's style sheet can make the label prominent (GB 45438 §5: legible). */
export const HTML_LABEL_CLASS = 'aigc-label';

function snippetFor(text: string, format: TextFormat, mode: TextLabelMode): string {
  if (format === 'plain') return text;
  if (format === 'markdown') return escapeMarkdown(text);
  const tag = mode === 'corner' ? 'span' : 'p';
  return `<${tag} class="${HTML_LABEL_CLASS}">${escapeHtml(text)}</${tag}>`;
}

export function resolveTextLabel(o: TextLabelOptions, format: TextFormat): ResolvedTextLabel {
  const mode = o.mode ?? 'prefix';
  if (!TEXT_LABEL_MODES.includes(mode))
    throw new HeguiError('usage', `mode must be one of ${TEXT_LABEL_MODES.join(', ')}`);
  if (!TEXT_FORMATS.includes(format)) throw new HeguiError('usage', `format must be one of ${TEXT_FORMATS.join(', ')}`);
  const corner = o.corner ?? 'start';
  if (corner !== 'start' && corner !== 'end') throw new HeguiError('usage', 'corner must be start or end');
  const minChars = o.minChars ?? 0;
  if (!Number.isSafeInteger(minChars) || minChars < 0)
    throw new HeguiError('usage', 'minChars must be a whole number of at least 0');
  const newline = o.newline ?? '\n';
  if (newline !== '\n' && newline !== '\r\n') throw new HeguiError('usage', 'newline must be "\\n" or "\\r\\n"');
  const { text } = checkLabelText(
    o.text ?? defaultLabelText(mode, corner),
    mode === 'corner' ? 'corner-mark' : 'label',
  );
  return { mode, corner, format, newline, minChars, text, snippet: snippetFor(text, format, mode) };
}

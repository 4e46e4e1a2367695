import { detectTextFormat } from './detect.ts';
import {
  type Newline,
  type ResolvedTextLabel,
  resolveTextLabel,
  type TextFormat,
  type TextLabelOptions,
} from './options.ts';
import { createPlacer } from './stream.ts';

export interface LabelTextOptions extends Omit<TextLabelOptions, 'newline'> {
  /** Default `auto`: detected from the content ({@link detectTextFormat}). */
  format?: TextFormat | 'auto';
  /** Default `auto`: the text's first line break, else `\n`. */
  newline?: Newline | 'auto';
  /** Leave a text unchanged when it already carries this exact label (default true). */
  idempotent?: boolean;
}

export interface LabelTextResult {
  text: string;
  format: TextFormat;
  /** False when the text already carried the label (idempotent) or was empty. */
  changed: boolean;
}

const newlineOf = (text: string): Newline => {
  const i = text.indexOf('\n');
  return i > 0 && text[i - 1] === '\r' ? '\r\n' : '\n';
};

/**
 * Whether the exact label is already in the text: as an element (HTML), as the mark (corner), or as a line of its
 * own (a prompt in plain text or Markdown).
 */
export function hasTextLabel(text: string, r: ResolvedTextLabel): boolean {
  if (r.format === 'html' || r.mode === 'corner') return text.includes(r.snippet);
  if (!text.includes(r.snippet)) return false;
  return text.split('\n').some((line) => line.trim() === r.snippet);
}

/** The explicit label in a whole text (GB 45438 §5), with the format used and whether anything changed. */
export function labelTextWithResult(text: string, options: LabelTextOptions = {}): LabelTextResult {
  const format = !options.format || options.format === 'auto' ? detectTextFormat(text) : options.format;
  const newline = !options.newline || options.newline === 'auto' ? newlineOf(text) : options.newline;
  const r = resolveTextLabel({ ...options, newline }, format);
  if (text === '' || ((options.idempotent ?? true) && hasTextLabel(text, r))) return { text, format, changed: false };
  // The same placer as the streaming labeller, fed the whole text: both give the same result by construction.
  const placer = createPlacer(r);
  const step = placer.scan(text, true);
  const out =
    step.place === undefined ? text + placer.finish() : text.slice(0, step.emit) + step.place + text.slice(step.emit);
  return { text: out, format, changed: out !== text };
}

/** The text with its explicit label: a prompt at the start, end or middle, or a corner mark (GB 45438 §5). */
export function labelText(text: string, options: LabelTextOptions = {}): string {
  return labelTextWithResult(text, options).text;
}

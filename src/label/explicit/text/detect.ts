import type { TextFormat } from './options.ts';

/** How far into a text detection looks: the signals are near the top. */
const SAMPLE = 64 * 1024;

const HTML_DOCUMENT = /^(?:\ufeff)?\s*(?:<!--[\s\S]*?-->\s*)*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])/i;
const HTML_FRAGMENT =
  /^(?:\ufeff)?\s*<(?:p|div|section|article|main|header|footer|nav|h[1-6]|ul|ol|table|blockquote|pre)[\s>]/i;
const MARKDOWN_LINE =
  /^(?:#{1,6}[ \t]\S|```|~~~|[ \t]{0,3}[-*+][ \t]+\S|[ \t]{0,3}\d{1,9}[.)][ \t]+\S|>[ \t]?\S|\|.*\|[ \t]*$|[ \t]{0,3}(?:-{3,}|\*{3,})[ \t]*$)/m;
const MARKDOWN_INLINE = /\[[^\]\n]+\]\([^)\s]+\)|\*\*[^*\n]+\*\*|`[^`\n]+`/;

/**
 * Plain text, Markdown or HTML, from the content alone: HTML when it starts as a document (`<!doctype html>`,
 * `<html>`, `<head>`, `<body>`) or with a block element that is closed later; Markdown when it has front matter,
 * a heading, a fence, a list, a quote, a table row, a link, bold text or inline code; plain text otherwise.
 */
export function detectTextFormat(text: string): TextFormat {
  const s = text.slice(0, SAMPLE);
  if (HTML_DOCUMENT.test(s)) return 'html';
  if (HTML_FRAGMENT.test(s) && /<\/[A-Za-z][A-Za-z0-9]*\s*>/.test(s)) return 'html';
  if (/^(?:\ufeff)?(?:---|\+\+\+)\r?\n/.test(s)) return 'markdown';
  if (MARKDOWN_LINE.test(s) || MARKDOWN_INLINE.test(s)) return 'markdown';
  return 'plain';
}

/** The format a file name suggests, or undefined. */
export function formatFromName(name: string): TextFormat | undefined {
  const ext = name.toLowerCase().split('.').pop() ?? '';
  if (ext === 'md' || ext === 'markdown' || ext === 'mdx') return 'markdown';
  if (ext === 'html' || ext === 'htm' || ext === 'xhtml') return 'html';
  if (ext === 'txt' || ext === 'text') return 'plain';
  return undefined;
}

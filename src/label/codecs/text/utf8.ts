import type { ByteSink } from '../../io/sink.ts';
import type { ByteSource } from '../../io/source.ts';

/** Helpers shared by the text-based document codecs (plain text, Markdown, HTML, SVG). */

export const BOM = [0xef, 0xbb, 0xbf] as const;

export const hasBom = (b: Uint8Array): boolean => b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;

/** Bytes of an incomplete UTF-8 sequence at the end of `b` (a head cut mid-character), 0 when it ends cleanly. */
function cutTail(b: Uint8Array): number {
  for (let k = 1; k <= Math.min(3, b.length); k++) {
    const c = b[b.length - k]!;
    if ((c & 0xc0) === 0x80) continue; // continuation byte: look further back
    const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return need > k ? k : 0;
  }
  return 0;
}

/**
 * Whether the first bytes of a file are UTF-8 text: valid UTF-8 (a sequence cut by the end of the head is allowed
 * when the file goes on) and no control characters other than tab, line ends, form feed and escape. NUL and the
 * other C0 controls mark binary data.
 */
export function looksLikeUtf8Text(head: Uint8Array, fileSize: number): boolean {
  if (head.length === 0) return false;
  const body = head.length < fileSize ? head.subarray(0, head.length - cutTail(head)) : head;
  for (const c of body)
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0c && c !== 0x0d && c !== 0x1b) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(body);
    return true;
  } catch {
    return false;
  }
}

/** Skip a byte order mark, white space and `<!-- … -->` / `<? … ?>` at the start of markup; -1 if one is not closed. */
export function skipMarkupProlog(text: string, from = 0, allowDoctype?: RegExp): number {
  let p = from;
  for (let guard = 0; guard < 1000; guard++) {
    while (p < text.length && /\s/.test(text[p]!)) p++;
    if (text.startsWith('<!--', p)) {
      const end = text.indexOf('-->', p + 4);
      if (end < 0) return -1;
      p = end + 3;
    } else if (text.startsWith('<?', p)) {
      const end = text.indexOf('?>', p + 2);
      if (end < 0) return -1;
      p = end + 2;
    } else if (allowDoctype?.test(text.slice(p, p + 64))) {
      const end = doctypeEnd(text, p);
      if (end < 0) return -1;
      p = end;
    } else return p;
  }
  return -1;
}

/** The end of a `<!DOCTYPE …>` declaration, stepping over an internal subset in brackets and quoted literals. */
export function doctypeEnd(text: string, from: number): number {
  let quote = '';
  let bracket = 0;
  for (let p = from + 2; p < text.length; p++) {
    const c = text[p]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[') bracket++;
    else if (c === ']') bracket--;
    else if (c === '>' && bracket <= 0) return p + 1;
  }
  return -1;
}

export interface Edit {
  start: number;
  end: number;
  insert: Uint8Array;
}

/** Write the source with byte ranges replaced; everything between edits is streamed unchanged. */
export async function writeWithEdits(src: ByteSource, out: ByteSink, edits: Edit[]): Promise<void> {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let pos = 0;
  for (const e of sorted) {
    if (e.start < pos || e.end < e.start || e.end > src.size) throw new RangeError('overlapping edits');
    if (e.start > pos) await out.copyFrom(src, pos, e.start - pos);
    if (e.insert.length > 0) await out.write(e.insert);
    pos = e.end;
  }
  if (pos < src.size) await out.copyFrom(src, pos, src.size - pos);
}

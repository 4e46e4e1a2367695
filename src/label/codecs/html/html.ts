import { oversize } from '../../../errors.ts';
import { type AigcRecord, serializeBare } from '../../aigc/record.ts';
import { asciiBytes, utf8DecodeStrict } from '../../io/bytes.ts';
import type { ByteSink } from '../../io/sink.ts';
import type { ByteSource } from '../../io/source.ts';
import type { Codec, CodecReadResult, LabelSite } from '../codec.ts';
import { type Edit, hasBom, skipMarkupProlog, writeWithEdits } from '../text/utf8.ts';
import { attr, decodeHtmlAttr, escapeHtmlAttr, type Tag, tags } from './tags.ts';

/**
 * HTML. Placement written: `<meta name="AIGC" content="{…}">` in `<head>` (common practice; the text guide
 * TC260-PG-20258A does not fix an HTML placement, see /shared/spec/labeling.md §4). Every AIGC meta is read (names
 * compare case-insensitively); writing keeps one. The file is handled as bytes: legacy encodings such as GBK are kept,
 * the label itself is ASCII (GB 45438 App. E j).
 */
const PLACEMENT = 'html.meta';
/** HTML is read whole to find every meta; pages are far smaller than this. */
export const MAX_HTML_BYTES = 32 * 1024 * 1024;

export async function loadMarkup(src: ByteSource, what: string): Promise<string> {
  if (src.size > MAX_HTML_BYTES) throw oversize(what, src.size, MAX_HTML_BYTES);
  return Buffer.from(await src.read(0, src.size)).toString('latin1');
}

/** The attribute text as the document meant it: UTF-8 when it is valid UTF-8, else the bytes as Latin-1. */
export function attrText(raw: string): string {
  const bytes = Buffer.from(raw, 'latin1');
  return decodeHtmlAttr(utf8DecodeStrict(bytes) ?? raw);
}

interface Layout {
  metas: Tag[];
  html?: Tag;
  head?: Tag;
  /** Where the head ends: `</head>` or the `<body>` start tag. */
  headEnd?: number;
  /** A `<meta charset>` (or http-equiv Content-Type) inside the head: the label goes after it. */
  charset?: Tag;
  doctypeEnd?: number;
  xhtml: boolean;
}

function layout(text: string): Layout {
  const l: Layout = { metas: [], xhtml: /^(\uFEFF|\xEF\xBB\xBF)?\s*<\?xml/.test(text.slice(0, 64)) };
  for (const t of tags(text, true)) {
    if (t.closing) {
      if (t.name === 'head' && l.headEnd === undefined) l.headEnd = t.start;
      continue;
    }
    if (t.name === 'html' && !l.html) {
      l.html = t;
      if (attr(t, 'xmlns')) l.xhtml = true;
    } else if (t.name === 'head' && !l.head) l.head = t;
    else if (t.name === 'body' && l.headEnd === undefined) l.headEnd = t.start;
    else if (t.name === 'meta') {
      const name = attr(t, 'name')?.value.trim().toLowerCase();
      if (name === 'aigc') l.metas.push(t);
      const inHead = l.head && l.headEnd === undefined;
      const equiv = attr(t, 'http-equiv')?.value.toLowerCase() === 'content-type';
      if (inHead && !l.charset && (attr(t, 'charset') || equiv)) l.charset = t;
    }
  }
  const dt = /<!doctype[^>]*>/i.exec(text.slice(0, 4096));
  if (dt) l.doctypeEnd = dt.index + dt[0].length;
  return l;
}

function sitesOf(l: Layout): LabelSite[] {
  return l.metas.map((t) => ({
    placement: PLACEMENT,
    normative: true,
    text: attrText(attr(t, 'content')?.value ?? ''),
    offset: t.start,
  }));
}

/** The tag's range, widened to its whole line when nothing else is on it (so removing it leaves no blank line). */
export function lineRange(text: string, start: number, end: number): [number, number] {
  let s = start;
  while (s > 0 && (text[s - 1] === ' ' || text[s - 1] === '\t')) s--;
  let e = end;
  while (e < text.length && (text[e] === ' ' || text[e] === '\t')) e++;
  const atLineStart = s === 0 || text[s - 1] === '\n';
  if (atLineStart && text.startsWith('\r\n', e)) return [s, e + 2];
  if (atLineStart && text[e] === '\n') return [s, e + 1];
  return [start, end];
}

export const htmlCodec: Codec = {
  id: 'html',
  name: 'HTML',
  kind: 'document',
  mimeTypes: ['text/html', 'application/xhtml+xml'],
  extensions: ['html', 'htm', 'xhtml'],

  sniff(src): boolean {
    const text = Buffer.from(src.head.subarray(0, 4096)).toString('latin1');
    const p = skipMarkupProlog(text, hasBom(src.head) ? 3 : 0);
    return (
      p >= 0 && (/^<!doctype\s+html[\s>]/i.test(text.slice(p, p + 20)) || /^<html[\s>]/i.test(text.slice(p, p + 6)))
    );
  },

  async read(src): Promise<CodecReadResult> {
    return { sites: sitesOf(layout(await loadMarkup(src, 'the HTML file'))), warnings: [] };
  },

  async write(src: ByteSource, out: ByteSink, label: AigcRecord): Promise<void> {
    const text = await loadMarkup(src, 'the HTML file');
    const l = layout(text);
    const meta = `<meta name="AIGC" content="${escapeHtmlAttr(serializeBare(label))}"${l.xhtml ? ' />' : '>'}`;
    const inHead = (t: Tag) =>
      l.head !== undefined && t.start > l.head.start && (l.headEnd === undefined || t.start < l.headEnd);
    const keep = l.metas.find(inHead);
    const edits: Edit[] = l.metas.map((t) => {
      if (t === keep) return { start: t.start, end: t.end, insert: asciiBytes(meta) };
      const [start, end] = lineRange(text, t.start, t.end);
      return { start, end, insert: new Uint8Array(0) };
    });
    if (!keep) {
      const after = l.charset ?? l.head;
      if (after) edits.push({ start: after.end, end: after.end, insert: asciiBytes(meta) });
      else {
        // No <head>: one is created right after <html> (or the doctype); the parser would imply it there anyway.
        const at = l.html?.end ?? l.doctypeEnd ?? 0;
        edits.push({ start: at, end: at, insert: asciiBytes(`<head>${meta}</head>`) });
      }
    }
    await writeWithEdits(src, out, edits);
  },

  async describe(src): Promise<string> {
    const l = layout(await loadMarkup(src, 'the HTML file'));
    return l.xhtml ? 'XHTML' : 'HTML';
  },
};

import { HeguiError } from '../../../errors.ts';

/**
 * A small markup tokenizer for HTML (WHATWG HTML §13.2.5, simplified) and XML: start and end tags with their
 * attributes, stepping over comments, CDATA sections, processing instructions, declarations and, in HTML, the raw
 * text of script/style and the escapable text of title/textarea, so markup inside them is not mistaken for tags.
 * It runs over a Latin-1 view of the bytes, so string indices are byte offsets and every byte is kept.
 */

export interface Attr {
  name: string;
  value: string;
  /** Offsets of the value (inside its quotes); -1 when the attribute has no value. */
  valueStart: number;
  valueEnd: number;
}

export interface Tag {
  /** Lower-cased in HTML, as written in XML (with its prefix). */
  name: string;
  start: number;
  end: number;
  closing: boolean;
  selfClosing: boolean;
  attrs: Attr[];
}

const RAW_TEXT = new Set(['script', 'style', 'xmp', 'iframe', 'noembed', 'noframes', 'textarea', 'title']);
/** A real page has a few thousand tags; the bound only stops a hostile file from building a huge list. */
export const MAX_TAGS = 2_000_000;
const MAX_ATTRS = 1024;

export function* tags(text: string, html: boolean): Generator<Tag> {
  let p = 0;
  let count = 0;
  while (p < text.length) {
    const lt = text.indexOf('<', p);
    if (lt < 0) return;
    if (text.startsWith('<!--', lt)) {
      const e = text.indexOf('-->', lt + 4);
      if (e < 0) return;
      p = e + 3;
      continue;
    }
    if (text.startsWith('<![CDATA[', lt)) {
      const e = text.indexOf(']]>', lt + 9);
      if (e < 0) return;
      p = e + 3;
      continue;
    }
    if (text[lt + 1] === '!' || text[lt + 1] === '?') {
      const e = text.indexOf(text[lt + 1] === '?' && !html ? '?>' : '>', lt + 2);
      if (e < 0) return;
      p = e + (text[lt + 1] === '?' && !html ? 2 : 1);
      continue;
    }
    const closing = text[lt + 1] === '/';
    const nameStart = lt + (closing ? 2 : 1);
    if (!/[A-Za-z_:]/.test(text[nameStart] ?? '')) {
      p = lt + 1;
      continue;
    }
    const tag = parseTag(text, lt, nameStart, closing, html);
    if (!tag) return;
    if (++count > MAX_TAGS) throw new HeguiError('oversize', `the document has more than ${MAX_TAGS} tags`);
    yield tag;
    p = tag.end;
    if (html && !closing && !tag.selfClosing && RAW_TEXT.has(tag.name)) {
      const close = new RegExp(`</${tag.name}[\\s/>]`, 'ig');
      close.lastIndex = p;
      const m = close.exec(text);
      if (!m) return;
      p = m.index;
    }
  }
}

function parseTag(text: string, start: number, nameStart: number, closing: boolean, html: boolean): Tag | undefined {
  let p = nameStart;
  while (p < text.length && !/[\s/>]/.test(text[p]!)) p++;
  const raw = text.slice(nameStart, p);
  const attrs: Attr[] = [];
  for (;;) {
    while (p < text.length && (/\s/.test(text[p]!) || (text[p] === '/' && text[p + 1] !== '>'))) p++;
    if (p >= text.length) return undefined;
    if (text[p] === '>' || (text[p] === '/' && text[p + 1] === '>')) break;
    const an = p;
    while (p < text.length && !/[\s/>=]/.test(text[p]!)) p++;
    if (p === an) p++; // a stray '=' starts an attribute name in HTML
    const name = text.slice(an, p);
    while (p < text.length && /\s/.test(text[p]!)) p++;
    let value = '';
    let valueStart = -1;
    let valueEnd = -1;
    if (text[p] === '=') {
      p++;
      while (p < text.length && /\s/.test(text[p]!)) p++;
      const q = text[p];
      if (q === '"' || q === "'") {
        const e = text.indexOf(q, p + 1);
        if (e < 0) return undefined;
        valueStart = p + 1;
        valueEnd = e;
        p = e + 1;
      } else {
        valueStart = p;
        while (p < text.length && !/[\s>]/.test(text[p]!)) p++;
        valueEnd = p;
      }
      value = text.slice(valueStart, valueEnd);
    }
    if (attrs.length < MAX_ATTRS) attrs.push({ name: html ? name.toLowerCase() : name, value, valueStart, valueEnd });
  }
  const selfClosing = text[p] === '/';
  const end = p + (selfClosing ? 2 : 1);
  return { name: html ? raw.toLowerCase() : raw, start, end, closing, selfClosing, attrs };
}

export const attr = (t: Tag, name: string): Attr | undefined => t.attrs.find((a) => a.name === name);

/** HTML character references in an attribute value: numeric ones and the common named ones; others stay as written. */
export function decodeHtmlAttr(s: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
  return s.replace(/&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]+);/g, (m, ref: string) => {
    if (ref[0] === '#') {
      const cp =
        ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : '\ufffd';
    }
    return named[ref] ?? m;
  });
}

export const escapeHtmlAttr = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

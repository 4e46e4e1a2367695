import { HeguiError, isHeguiError, malformed } from '../../../errors.ts';
import type { AigcRecord } from '../../aigc/record.ts';
import { utf8, utf8DecodeStrict } from '../../io/bytes.ts';
import type { ByteSink } from '../../io/sink.ts';
import type { ByteSource } from '../../io/source.ts';
import { buildXmpPacket, mergeXmpAigc, readXmpAigc, removeXmpAigc } from '../../xmp/xmp.ts';
import type { Codec, CodecReadResult, CodecWarning, LabelSite } from '../codec.ts';
import { loadMarkup } from '../html/html.ts';
import { type Tag, tags } from '../html/tags.ts';
import { type Edit, hasBom, skipMarkupProlog, writeWithEdits } from '../text/utf8.ts';

/**
 * SVG. Placement written (TC260-PG-20259A, XMP for images): an XMP packet in `<metadata>`, the first child of the root
 * `<svg>` (SVG 1.1 §21: metadata holds elements from other namespaces). An existing XMP packet there is merged, other
 * properties kept; TC260:AIGC is removed from every other `<metadata>`. Bytes outside the edited metadata are kept.
 */
const PLACEMENT = 'svg.xmp';

interface Metadata {
  start: Tag;
  /** Byte range of the content between the start and end tags. */
  from: number;
  to: number;
  /** A direct child of the root element (the placement the guide means). */
  rootChild: boolean;
}

interface Layout {
  root: Tag;
  prefix: string;
  metadata: Metadata[];
}

const localName = (name: string): string => name.slice(name.indexOf(':') + 1);

function layout(text: string): Layout {
  let root: Tag | undefined;
  let depth = 0;
  const metadata: Metadata[] = [];
  let open: { tag: Tag; depth: number } | undefined;
  for (const t of tags(text, false)) {
    if (!root) {
      if (t.closing || localName(t.name) !== 'svg') throw malformed('the root element is not <svg>', t.start);
      root = t;
    }
    if (t.closing) {
      depth--;
      if (open && t.name === open.tag.name) {
        metadata.push({ start: open.tag, from: open.tag.end, to: t.start, rootChild: open.depth === 1 });
        open = undefined;
      }
      continue;
    }
    if (localName(t.name) === 'metadata' && !open && !t.selfClosing) open = { tag: t, depth };
    if (!t.selfClosing) depth++;
  }
  if (!root) throw malformed('the SVG has no root element');
  const colon = root.name.indexOf(':');
  return { root, prefix: colon < 0 ? '' : root.name.slice(0, colon + 1), metadata };
}

/** Metadata content as text: UTF-8 (SVG's encoding here), refusing anything else when writing. */
function contentText(text: string, m: Metadata): string {
  const raw = text.slice(m.from, m.to);
  return utf8DecodeStrict(Buffer.from(raw, 'latin1')) ?? raw;
}

function sitesOf(text: string, l: Layout, warnings: CodecWarning[]): LabelSite[] {
  const sites: LabelSite[] = [];
  for (const m of l.metadata) {
    try {
      for (const p of readXmpAigc(contentText(text, m))) {
        sites.push({ placement: PLACEMENT, normative: m.rootChild, text: p.value, offset: m.start.start });
      }
    } catch (e) {
      if (!isHeguiError(e)) throw e;
      warnings.push({ code: e.code, message: `metadata: ${e.message}`, offset: m.start.start });
    }
  }
  return sites;
}

const clean = (s: string): string => (readXmpAigc(s).length > 0 ? removeXmpAigc(s) : s);
const XMPMETA = /<([\w.-]+:)?xmpmeta\b[\s\S]*?<\/\1xmpmeta\s*>/;

function checkEncoding(text: string): void {
  const decl = /^(?:\xEF\xBB\xBF)?\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']+)["']/.exec(text.slice(0, 256));
  if (decl && !/^utf-?8$/i.test(decl[1]!)) {
    throw new HeguiError('format_unsupported', 'only UTF-8 SVG files are written; this one declares another encoding');
  }
}

export const svgCodec: Codec = {
  id: 'svg',
  name: 'SVG',
  kind: 'document',
  mimeTypes: ['image/svg+xml'],
  extensions: ['svg'],

  sniff(src): boolean {
    const text = Buffer.from(src.head.subarray(0, 16384)).toString('latin1');
    const p = skipMarkupProlog(text, hasBom(src.head) ? 3 : 0, /^<!DOCTYPE\s/i);
    return p >= 0 && /^<([\w.-]+:)?svg[\s>/]/.test(text.slice(p, p + 64));
  },

  async read(src): Promise<CodecReadResult> {
    const text = await loadMarkup(src, 'the SVG file');
    const warnings: CodecWarning[] = [];
    return { sites: sitesOf(text, layout(text), warnings), warnings };
  },

  async write(src: ByteSource, out: ByteSink, label: AigcRecord): Promise<void> {
    const text = await loadMarkup(src, 'the SVG file');
    checkEncoding(text);
    const l = layout(text);
    const edits: Edit[] = [];
    const target = l.metadata.find((m) => m.rootChild && XMPMETA.test(contentText(text, m)));
    const holder = target ?? l.metadata.find((m) => m.rootChild);
    for (const m of l.metadata) {
      const content = contentText(text, m);
      const touched = m === target || m === holder || readXmpAigc(content).length > 0;
      if (touched && utf8DecodeStrict(Buffer.from(text.slice(m.from, m.to), 'latin1')) === undefined) {
        throw malformed('an SVG metadata element is not valid UTF-8', m.from);
      }
      let next: string;
      if (m === target) {
        const x = XMPMETA.exec(content)!;
        const before = content.slice(0, x.index);
        const after = content.slice(x.index + x[0].length);
        next = clean(before) + mergeXmpAigc(x[0], label) + clean(after);
      } else if (m === holder) next = buildXmpPacket(label) + clean(content);
      else next = clean(content);
      if (next !== content) edits.push({ start: m.from, end: m.to, insert: utf8.encode(next) });
    }
    if (!holder) {
      const md = `<${l.prefix}metadata>${buildXmpPacket(label)}</${l.prefix}metadata>`;
      const r = l.root;
      if (r.selfClosing) edits.push({ start: r.end - 2, end: r.end, insert: utf8.encode(`>${md}</${r.name}>`) });
      else edits.push({ start: r.end, end: r.end, insert: utf8.encode(md) });
    }
    await writeWithEdits(src, out, edits);
  },

  async describe(): Promise<string> {
    return 'SVG';
  },
};

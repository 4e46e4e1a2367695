import { HeguiError } from '../../../errors.ts';
import { AIGC_FIELDS, type AigcRecord } from '../../aigc/record.ts';
import { utf8 } from '../../io/bytes.ts';
import type { ByteSink } from '../../io/sink.ts';
import type { ByteSource } from '../../io/source.ts';
import type { Codec, CodecReadResult, CodecWarning, LabelSite } from '../codec.ts';
import { type Edit, hasBom, looksLikeUtf8Text, writeWithEdits } from '../text/utf8.ts';
import { type FrontMatter, findFrontMatter, opensFrontMatter } from './front-matter.ts';
import { entryValue, topLevel } from './yaml.ts';

/**
 * Markdown with YAML front matter. Placement written (TC260-PG-20258A, text files): an `AIGC:` mapping of the seven
 * fields, double-quoted. Markdown without front matter cannot be told from plain text by its bytes, so it is sniffed as
 * plain text; when the caller names the file `.md` or `.markdown` (the write paths do), this codec adopts it and
 * writes a new front matter block holding only the label, the body following byte for byte. The block is the same
 * whatever label it holds, so the canonical form (the block with the placeholder label, then the body) is the same
 * before and after labelling, and covers the whole body.
 */
const PLACEMENT = 'markdown.front-matter';
const KEY = 'AIGC';

function aigcEntries(fm: FrontMatter) {
  return topLevel(fm.lines).entries.filter((e) => e.key === KEY);
}

function sitesOf(fm: FrontMatter, warnings: CodecWarning[]): LabelSite[] {
  return aigcEntries(fm).map((e) => {
    const v = entryValue(fm.lines, e);
    const offset = fm.lines[e.first]!.start;
    for (const p of v.problems) warnings.push({ code: 'yaml_unsupported', message: p, offset });
    return { placement: PLACEMENT, normative: true, text: v.text, offset };
  });
}

/** The block written: one key per line, values as YAML double-quoted scalars (JSON string syntax is valid YAML). */
function block(label: AigcRecord, eol: string): string {
  return `${KEY}:${eol}${AIGC_FIELDS.map((f) => `  ${f}: ${JSON.stringify(label[f])}${eol}`).join('')}`;
}

/** How far the line ending of a text without front matter is looked for. */
const EOL_WINDOW = 64 * 1024;

/**
 * A new front matter block for a text without one, after its byte order mark (which stays first): the opening line,
 * the label, the closing line, in the line ending the text uses first (LF when it has none in the first 64 KiB).
 */
async function newFrontMatter(src: ByteSource, label: AigcRecord): Promise<Edit> {
  const head = await src.read(0, Math.min(src.size, EOL_WINDOW));
  const nl = head.indexOf(0x0a);
  const eol = nl > 0 && head[nl - 1] === 0x0d ? '\r\n' : '\n';
  const at = hasBom(head) ? 3 : 0;
  return { start: at, end: at, insert: utf8.encode(`---${eol}${block(label, eol)}---${eol}`) };
}

export const markdownCodec: Codec = {
  id: 'markdown',
  name: 'Markdown',
  kind: 'document',
  mimeTypes: ['text/markdown'],
  extensions: ['md', 'markdown', 'mdx'],
  // MDX is left out: its front matter needs a plugin, so a block added there could show as text.
  adoptsPlainText: ['md', 'markdown'],

  sniff: (src) => opensFrontMatter(src.head) && looksLikeUtf8Text(src.head, src.size),

  async read(src): Promise<CodecReadResult> {
    // Adopted plain text (by its name) has no front matter yet, so no label.
    if (!opensFrontMatter(src.head)) return { sites: [], warnings: [] };
    const fm = await findFrontMatter(src);
    const warnings: CodecWarning[] = [];
    return { sites: sitesOf(fm, warnings), warnings };
  },

  async write(src: ByteSource, out: ByteSink, label: AigcRecord): Promise<void> {
    if (!opensFrontMatter(src.head)) {
      await writeWithEdits(src, out, [await newFrontMatter(src, label)]);
      return;
    }
    const fm = await findFrontMatter(src);
    const top = topLevel(fm.lines);
    if (!top.mapping) {
      throw new HeguiError(
        'format_unsupported',
        'the front matter is not a YAML mapping; an AIGC key cannot be added to it',
      );
    }
    const old = top.entries.filter((e) => e.key === KEY);
    // Other keys keep their bytes and order; the label takes the place of the first old one, else goes last.
    const edits: Edit[] = old.map((e) => ({
      start: fm.lines[e.first]!.start,
      end: fm.lines[e.last]!.next,
      insert: new Uint8Array(0),
    }));
    const text = utf8.encode(block(label, fm.eol));
    if (edits[0]) edits[0].insert = text;
    else edits.push({ start: fm.closeStart, end: fm.closeStart, insert: text });
    await writeWithEdits(src, out, edits);
  },

  async describe(src): Promise<string> {
    return opensFrontMatter(src.head) ? 'Markdown with YAML front matter' : 'Markdown without front matter';
  },
};

import { HeguiError } from '../../../errors.ts';
import { AIGC_FIELDS, type AigcRecord } from '../../aigc/record.ts';
import { utf8 } from '../../io/bytes.ts';
import type { ByteSink } from '../../io/sink.ts';
import type { ByteSource } from '../../io/source.ts';
import type { Codec, CodecReadResult, CodecWarning, LabelSite } from '../codec.ts';
import { type Edit, looksLikeUtf8Text, writeWithEdits } from '../text/utf8.ts';
import { type FrontMatter, findFrontMatter, opensFrontMatter } from './front-matter.ts';
import { entryValue, topLevel } from './yaml.ts';

/**
 * Markdown with YAML front matter. Placement written (TC260-PG-20258A, text files): an `AIGC:` mapping of the seven
 * fields, double-quoted. Markdown without front matter has no metadata container and cannot be told from plain text,
 * so it is left to the plain-text codec (which refuses to write).
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

export const markdownCodec: Codec = {
  id: 'markdown',
  name: 'Markdown',
  kind: 'document',
  mimeTypes: ['text/markdown'],
  extensions: ['md', 'markdown', 'mdx'],

  sniff: (src) => opensFrontMatter(src.head) && looksLikeUtf8Text(src.head, src.size),

  async read(src): Promise<CodecReadResult> {
    const fm = await findFrontMatter(src);
    const warnings: CodecWarning[] = [];
    return { sites: sitesOf(fm, warnings), warnings };
  },

  async write(src: ByteSource, out: ByteSink, label: AigcRecord): Promise<void> {
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

  async describe(): Promise<string> {
    return 'Markdown with YAML front matter';
  },
};

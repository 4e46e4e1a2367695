import { detectTextFormat, formatFromName } from './detect.ts';
import { type FoundTextLabel, findTextLabels } from './find.ts';
import type { TextFormat } from './options.ts';
import { readTextFile } from './text-file.ts';

/** Where a text's explicit label is (GB 45438 §5.1): prompts and corner marks found, and the verdict. */
export interface TextLabelMeasurement {
  format: TextFormat;
  /** Length of the text in UTF-16 code units (the unit of the offsets). */
  length: number;
  /** Every prompt (AI element then generation element) and every corner mark at an end of the text. */
  labels: FoundTextLabel[];
  /** At least one prompt anywhere, or a corner mark at the start or the end. */
  pass: boolean;
}

const FRONT_MATTER = /^\ufeff?(---|\+\+\+)\r?\n[\s\S]*?\r?\n\1[ \t]*(?:\r?\n|$)/;

/**
 * The part of the text a reader sees as the document, where "start" and "end" are judged: after Markdown front
 * matter (which holds the metadata label), inside an HTML `<body>`.
 */
function contentSpan(text: string, format: TextFormat): [number, number] {
  if (format === 'markdown') return [FRONT_MATTER.exec(text)?.[0].length ?? 0, text.length];
  if (format === 'html') {
    const open = /<body(?:\s[^>]*)?>/i.exec(text);
    if (!open) return [0, text.length];
    const start = open.index + open[0].length;
    const close = text.toLowerCase().lastIndexOf('</body');
    return [start, close >= start ? close : text.length];
  }
  return [0, text.length];
}

/**
 * Find the explicit label of a text with the verifier's finder (`find.ts`), for any text, not only Hegui's. Offsets
 * are into the whole text; start, end and middle are judged within the document's content ({@link contentSpan}).
 */
export function measureText(text: string, format: TextFormat = detectTextFormat(text)): TextLabelMeasurement {
  const [a, b] = contentSpan(text, format);
  const labels = findTextLabels(text.slice(a, b)).map((l) => ({ ...l, start: l.start + a, end: l.end + a }));
  return { format, length: text.length, labels, pass: labels.length > 0 };
}

/** {@link measureText} for a UTF-8 text, Markdown or HTML file; the format by name, then content. */
export async function measureTextLabel(path: string): Promise<TextLabelMeasurement> {
  const text = await readTextFile(path);
  return measureText(text, formatFromName(path) ?? detectTextFormat(text));
}

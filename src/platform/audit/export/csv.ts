/**
 * CSV for people (RFC 4180: comma, CRLF, quotes doubled), with a UTF-8 byte order mark so that spreadsheet programs
 * read Chinese text correctly. A free-text cell starting with = + - @ or a control character gets a leading
 * apostrophe so that a spreadsheet shows it as text instead of running it as a formula (OWASP "CSV injection"); the
 * JSON lines file is the exact record.
 */
import type { Readable } from 'node:stream';

export const CSV_BOM = '\uFEFF';
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string, freeText = false): string {
  const v = freeText && FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

/** Undo csvCell's apostrophe for a free-text cell. */
export function csvText(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}

export function csvLine(cells: string[]): string {
  return `${cells.join(',')}\r\n`;
}

/** Records of a CSV stream (quoted cells may span lines). */
export async function* parseCsv(input: Readable): AsyncGenerator<string[]> {
  let cell = '';
  let row: string[] = [];
  let quoted = false;
  let afterQuote = false;
  let first = true;
  for await (const chunk of input.setEncoding('utf8') as AsyncIterable<string>) {
    let text = chunk;
    if (first) {
      if (text.startsWith(CSV_BOM)) text = text.slice(1);
      first = false;
    }
    for (const ch of text) {
      if (quoted) {
        if (ch === '"') {
          quoted = false;
          afterQuote = true;
        } else cell += ch;
      } else if (ch === '"') {
        if (afterQuote) cell += '"';
        quoted = true;
        afterQuote = false;
      } else if (ch === ',') {
        row.push(cell);
        cell = '';
        afterQuote = false;
      } else if (ch === '\n') {
        row.push(cell.endsWith('\r') ? cell.slice(0, -1) : cell);
        yield row;
        row = [];
        cell = '';
        afterQuote = false;
      } else {
        cell += ch;
        afterQuote = false;
      }
    }
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    yield row;
  }
}

/**
 * Import into a library version: CSV (one entry per row, header names the columns), JSON lines (entries, allowed
 * phrases, common words, co-occurrence rules) and plain word lists (one term per line) with an optional tags file in
 * the houbb/sensitive-word layout ("word tag,tag"). Problems are reported by file and line, never with the content.
 *
 * Word-list tags → TC260-003 risk codes (an honest first guess; see src/review/README.md):
 *   0 政治 politics → A.1.a, flagged for human re-classification within A.1.a–A.1.c
 *   1 毒品 drugs → A.1.h;  2 色情 pornography → A.1.f;  3 赌博 gambling → A.1.h;  4 违法 illegal → A.1.h
 *   untagged → A.1.h, flagged for classification.
 */
import { HeguiError } from '../../errors.ts';
import type { RiskCode } from '../risk.ts';
import { parseCsv } from './csv.ts';
import { type CooccurrenceRule, type FeatureEntry, toCooccurrence, toEntry } from './model.ts';

export type ImportFormat = 'auto' | 'csv' | 'jsonl' | 'words';

export interface ImportProblem {
  file: string;
  line: number;
  message: string;
}

export interface Imported {
  entries: FeatureEntry[];
  allow: string[];
  commonWords: string[];
  cooccurrence: CooccurrenceRule[];
  problems: ImportProblem[];
}

export interface ImportOptions {
  format?: ImportFormat;
  /** Content of a tags file for a word list. */
  tags?: string;
  /** Defaults for imported entries (action, severity, source…). */
  defaults?: Partial<FeatureEntry>;
  /** Called every few thousand lines. */
  onProgress?: (done: number, total: number) => void;
}

export const WORD_TAGS: Readonly<Record<string, { name: string; riskCode: RiskCode; note: string }>> = {
  '0': { name: '政治 politics', riskCode: 'A.1.a', note: 'needs human re-classification within A.1.a–A.1.c' },
  '2': { name: '色情 pornography', riskCode: 'A.1.f', note: '' },
  '1': { name: '毒品 drugs', riskCode: 'A.1.h', note: '' },
  '3': { name: '赌博 gambling', riskCode: 'A.1.h', note: '' },
  '4': { name: '违法 illegal', riskCode: 'A.1.h', note: '' },
};
/** When a word carries several tags, the first of these decides its risk code. */
const TAG_PRECEDENCE = ['0', '2', '1', '3', '4'];

export function emptyImport(): Imported {
  return { entries: [], allow: [], commonWords: [], cooccurrence: [], problems: [] };
}

export function detectFormat(name: string, text: string): Exclude<ImportFormat, 'auto'> {
  const lower = name.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  const first = text.trimStart().slice(0, 1);
  return first === '{' ? 'jsonl' : 'words';
}

const PROGRESS_EVERY = 4096;

export function importText(
  name: string,
  text: string,
  opts: ImportOptions = {},
  into: Imported = emptyImport(),
): Imported {
  const format = !opts.format || opts.format === 'auto' ? detectFormat(name, text) : opts.format;
  if (format === 'csv') importCsv(name, text, opts, into);
  else if (format === 'jsonl') importJsonl(name, text, opts, into);
  else importWords(name, text, opts, into);
  return into;
}

function problem(into: Imported, file: string, line: number, e: unknown): void {
  // The entry parser names the place as `file:line: …`; the problem carries file and line already.
  const where = `${file}:${line}: `;
  const message = e instanceof HeguiError ? e.message : String(e);
  into.problems.push({ file, line, message: message.startsWith(where) ? message.slice(where.length) : message });
}

function importCsv(file: string, text: string, opts: ImportOptions, into: Imported): void {
  const rows = parseCsv(text);
  const header = rows[0]?.map((h) => h.trim());
  if (!header?.includes('pattern'))
    throw new HeguiError(
      'malformed',
      `${file}: a CSV library needs a header row with at least "pattern" and "riskCode"`,
    );
  for (let r = 1; r < rows.length; r++) {
    const raw: Record<string, unknown> = {};
    header.forEach((h, k) => {
      const v = rows[r]![k];
      if (v !== undefined && v !== '') raw[h] = v;
    });
    try {
      into.entries.push(toEntry(raw, `${file}:${r + 1}`, { source: file, ...opts.defaults }));
    } catch (e) {
      problem(into, file, r + 1, e);
    }
    if (r % PROGRESS_EVERY === 0) opts.onProgress?.(r, rows.length);
  }
}

function importJsonl(file: string, text: string, opts: ImportOptions, into: Imported): void {
  const lines = text.split(/\r?\n/);
  lines.forEach((line, k) => {
    if (k % PROGRESS_EVERY === 0) opts.onProgress?.(k, lines.length);
    if (line.trim() === '') return;
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(line);
      if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('not an object');
    } catch {
      into.problems.push({ file, line: k + 1, message: 'not a JSON object' });
      return;
    }
    const where = `${file}:${k + 1}`;
    try {
      switch (raw['type'] ?? 'entry') {
        case 'entry':
          into.entries.push(toEntry(raw, where, { source: file, ...opts.defaults }));
          break;
        case 'allow':
          if (typeof raw['phrase'] !== 'string' || !raw['phrase'])
            throw new HeguiError('malformed', `${where}: allow needs "phrase"`);
          into.allow.push(raw['phrase']);
          break;
        case 'common':
          if (typeof raw['word'] !== 'string' || !raw['word'])
            throw new HeguiError('malformed', `${where}: common needs "word"`);
          into.commonWords.push(raw['word']);
          break;
        case 'cooccurrence':
          into.cooccurrence.push(toCooccurrence(raw, where));
          break;
        case 'meta':
          break;
        default:
          throw new HeguiError('malformed', `${where}: type must be entry, allow, common, cooccurrence or meta`);
      }
    } catch (e) {
      problem(into, file, k + 1, e);
    }
  });
}

export function parseTags(text: string): Map<string, string[]> {
  const tags = new Map<string, string[]>();
  for (const line of text.split(/\r?\n/)) {
    const cut = line.lastIndexOf(' ');
    if (cut <= 0) continue;
    tags.set(
      line.slice(0, cut),
      line
        .slice(cut + 1)
        .split(',')
        .filter(Boolean),
    );
  }
  return tags;
}

function importWords(file: string, text: string, opts: ImportOptions, into: Imported): void {
  const tags = opts.tags ? parseTags(opts.tags) : new Map<string, string[]>();
  const lines = text.split(/\r?\n/);
  const seen = new Set<string>();
  lines.forEach((line, k) => {
    if (k % PROGRESS_EVERY === 0) opts.onProgress?.(k, lines.length);
    const word = line.trim();
    if (word === '' || seen.has(word)) return;
    seen.add(word);
    const t = tags.get(word) ?? [];
    const decisive = TAG_PRECEDENCE.find((x) => t.includes(x));
    const mapped = decisive ? WORD_TAGS[decisive]! : undefined;
    const names = t.map((x) => `${x} ${WORD_TAGS[x]?.name ?? 'unknown'}`).join(', ');
    const rationale = mapped
      ? `word list tags: ${names}; mapped to ${mapped.riskCode}${mapped.note ? ` (${mapped.note})` : ''}`
      : 'untagged word; filed under A.1.h pending classification';
    try {
      into.entries.push(
        toEntry({ pattern: word, riskCode: mapped?.riskCode ?? 'A.1.h', rationale }, `${file}:${k + 1}`, {
          source: file,
          ...opts.defaults,
        }),
      );
    } catch (e) {
      problem(into, file, k + 1, e);
    }
  });
}

/** Plain allow-list file: one phrase per line. */
export function importAllow(text: string, into: Imported): void {
  for (const line of text.split(/\r?\n/)) {
    const p = line.trim();
    if (p) into.allow.push(p);
  }
}

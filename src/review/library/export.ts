/** Export a version as CSV (entries) or JSON lines (entries, allowed phrases, common words, co-occurrence rules). */
import { csvField } from './csv.ts';
import { ENTRY_FIELDS, type FeatureEntry, type FeatureLibraryVersion } from './model.ts';

export const CSV_COLUMNS = ['id', ...ENTRY_FIELDS] as const;

export function exportCsv(v: FeatureLibraryVersion): string {
  const cell = (e: FeatureEntry, c: (typeof CSV_COLUMNS)[number]) =>
    c === 'variants' ? (e.variants.length ? e.variants.join('|') : 'none') : String(e[c] ?? '');
  const lines = [CSV_COLUMNS.join(',')];
  for (const e of v.entries) lines.push(CSV_COLUMNS.map((c) => csvField(cell(e, c))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export function exportJsonl(v: FeatureLibraryVersion): string {
  const lines: string[] = [
    JSON.stringify({
      type: 'meta',
      version: v.version,
      createdAt: v.createdAt,
      contentHash: v.contentHash,
      settings: v.settings,
    }),
  ];
  for (const e of v.entries)
    lines.push(JSON.stringify({ type: 'entry', ...e, variants: e.variants.length ? e.variants : ['none'] }));
  for (const phrase of v.allow) lines.push(JSON.stringify({ type: 'allow', phrase }));
  for (const word of v.commonWords) lines.push(JSON.stringify({ type: 'common', word }));
  for (const c of v.cooccurrence) lines.push(JSON.stringify({ type: 'cooccurrence', ...c }));
  return `${lines.join('\n')}\n`;
}

import { isHeguiError } from '../../errors.ts';
import { AIGC_FIELDS } from '../../label/aigc/record.ts';
import { type LabelReading, readLabel } from '../../label/label-file.ts';
import { collectInputs } from '../files.ts';
import type { Output } from '../output.ts';

export interface InspectResult {
  file: string;
  reading?: LabelReading;
  error?: { code: string; message: string };
}

export async function inspectCommand(paths: string[], o: { json?: boolean }, io: Output): Promise<number> {
  const inputs = await collectInputs(paths);
  const results: InspectResult[] = [];
  for (const input of inputs) {
    try {
      results.push({ file: input.path, reading: await readLabel(input.path) });
    } catch (e) {
      if (!isHeguiError(e)) throw e;
      if (!input.explicit && e.code === 'format_unknown') continue;
      results.push({ file: input.path, error: { code: e.code, message: e.message } });
    }
  }
  if (o.json) io.json(results);
  else for (const r of results) io.out(describe(r));
  return results.some((r) => r.error) ? 1 : 0;
}

function describe(r: InspectResult): string {
  if (!r.reading) return `${r.file}\n  error: ${r.error?.message} [${r.error?.code}]\n`;
  const x = r.reading;
  const lines = [`${r.file}`, `  format: ${x.format.name} (${x.format.kind}), ${x.size} bytes`];
  if (x.sites.length === 0) lines.push('  label: none');
  x.sites.forEach((s, i) => {
    lines.push(
      `  label site ${i + 1}: ${s.placement}${s.normative ? ' (normative)' : ' (alternative placement)'} at byte ${s.offset}`,
    );
    if (s.parsed.form) lines.push(`    form: ${s.parsed.form}`);
    for (const f of AIGC_FIELDS)
      if (s.parsed.fields[f] !== undefined) lines.push(`    ${f}: ${JSON.stringify(s.parsed.fields[f])}`);
    for (const f of s.parsed.findings) lines.push(`    ${f.severity}: ${f.message} [${f.code}]`);
  });
  for (const f of x.findings) lines.push(`  ${f.severity}: ${f.message} [${f.code}]`);
  for (const w of x.warnings) lines.push(`  warning: ${w.message} [${w.code}]`);
  return `${lines.join('\n')}\n`;
}

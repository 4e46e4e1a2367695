import { isHeguiError } from '../../errors.ts';
import { type ExplicitCheck, measureExplicitLabel } from '../../label/explicit/measure/index.ts';
import { sniffMediaFile } from '../../label/explicit/media.ts';
import { collectInputs } from '../files.ts';
import type { Output } from '../output.ts';

export interface CheckExplicitResult {
  file: string;
  check?: ExplicitCheck;
  error?: { code: string; message: string };
}

/** `hegui check-explicit`: measure each file's explicit label; exit 0 when every file passes, 1 otherwise. */
export async function checkExplicitCommand(paths: string[], o: { json?: boolean }, io: Output): Promise<number> {
  const inputs = await collectInputs(paths);
  const results: CheckExplicitResult[] = [];
  for (const input of inputs) {
    try {
      if (!input.explicit && !(await sniffMediaFile(input.path))) continue;
      results.push({ file: input.path, check: await measureExplicitLabel(input.path) });
    } catch (e) {
      if (!isHeguiError(e)) throw e;
      results.push({ file: input.path, error: { code: e.code, message: e.message } });
    }
  }
  if (o.json) io.json(results);
  else for (const r of results) io.out(describe(r));
  return results.every((r) => r.check?.pass) ? 0 : 1;
}

function describe(r: CheckExplicitResult): string {
  if (!r.check) return `${r.file}: ERROR ${r.error?.message} [${r.error?.code}]\n`;
  const c = r.check;
  const lines = [`${r.file}: ${c.pass ? 'PASS' : 'FAIL'} (${c.kind} ${c.width}×${c.height})`];
  for (const k of c.criteria)
    lines.push(`  ${k.pass ? 'pass' : 'FAIL'}  ${k.id.padEnd(8)}  ${k.measured}  [${k.required}]`);
  if (c.video) {
    const shown = c.video.intervals.map((x) => `${x.from.toFixed(3)}-${x.to.toFixed(3)} s`).join(', ') || 'never';
    lines.push(`  label on screen: ${shown} (${c.video.frames} frames examined)`);
  }
  return `${lines.join('\n')}\n`;
}

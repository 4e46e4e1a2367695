/**
 * `hegui verify <files|folders…> [--trust FILE] [--json]`: the GB 45438 label of every file, checked: placement, one
 * label only, values, provider codes, signatures against the trust list, content binding. Exit 0 when every file
 * passes, 1 when one does not, 2 for a usage error: a CI job can gate on it.
 */
import type { Command } from 'commander';
import { HeguiError } from '../../errors.ts';
import { AIGC_FIELDS } from '../../label/aigc/record.ts';
import type { SignatureReport } from '../../label/security/check.ts';
import { summariseResults } from '../../label/verify/summary.ts';
import { collectInputs } from '../files.ts';
import type { Output } from '../output.ts';
import { createProgress } from '../progress.ts';
import { trustFromFile } from '../security.ts';
import { parseJobs, rowPassed, type VerifyRow, verifyFiles } from '../verify-run.ts';

interface VerifyOptions {
  trust?: string;
  json?: boolean;
  jobs?: string;
}

export function registerVerifyCommand(program: Command, io: Output, setExit: (code: number) => void): void {
  program
    .command('verify')
    .description('check the metadata label of files: placement, values, signatures, content binding (exit 0 all pass)')
    .argument('<paths...>', 'files or folders (folders recursively; files of unknown formats in folders are skipped)')
    .option('--trust <file>', 'trust list of provider keys (JSON, see README)')
    .option('--jobs <n>', 'files verified at once (default: min(4, cores))')
    .option('--json', 'print a JSON report (files, summary) on stdout')
    .action(async (paths: string[], o: VerifyOptions) => {
      setExit(await verifyCommand(paths, o, io));
    });
}

async function verifyCommand(paths: string[], o: VerifyOptions, io: Output): Promise<number> {
  const jobs = parseJobs(o.jobs);
  const trust = await trustFromFile(o.trust);
  const inputs = await collectInputs(paths);
  if (inputs.length === 0) throw new HeguiError('usage', 'no files found');
  const progress = createProgress(inputs.length, { enabled: !o.json });
  const printRow = (r: VerifyRow) => {
    if (o.json) return;
    if (io.interactive) progress.line(describeRow(r));
    else io.out(describeRow(r));
  };
  const all = await verifyFiles(inputs, { ...(trust ? { trust } : {}), jobs, progress, onRow: printRow });
  const rows = all.filter((r): r is VerifyRow => r !== undefined);
  progress.done();
  const results = rows.flatMap((r) => (r.result ? [r.result] : []));
  const summary = {
    ...summariseResults(results),
    errors: rows.filter((r) => r.error).length,
    skipped: all.length - rows.length,
  };
  if (o.json) io.json({ files: rows.map((r) => r.result ?? { file: r.file, error: r.error }), summary });
  else {
    const failed = rows.length - rows.filter(rowPassed).length;
    io.out(
      `Verified ${rows.length} file(s): ${rows.length - failed} passed, ${failed} failed` +
        ` (${summary.outcomes.noncompliant} noncompliant, ${summary.outcomes.inconclusive} inconclusive,` +
        ` ${summary.outcomes.not_found} without a label${summary.errors ? `, ${summary.errors} unreadable` : ''})` +
        (summary.skipped ? `; skipped ${summary.skipped} (format not recognised)` : ''),
    );
  }
  if (rows.length === 0) throw new HeguiError('usage', 'no file in a format Hegui recognises');
  return rows.every(rowPassed) ? 0 : 1;
}

function signatureLine(s: SignatureReport): string | undefined {
  if (s.status === 'not_applicable') return undefined;
  const name = s.role === 'producer' ? 'producer signature (ReservedCode1)' : 'propagator signature (ReservedCode2)';
  const parts = [s.status.replaceAll('_', ' ')];
  if (s.algorithm) parts.push(s.algorithm);
  if (s.keyId) parts.push(`key ${s.keyId} (${s.keySource === 'trust_list' ? 'trust list' : 'carried by the label'})`);
  if (s.message === 'sm3_digest') parts.push('signed over the SM3 digest of the message');
  if (s.binding) parts.push(`content binding ${s.binding.status}`);
  return `  ${name}: ${parts.join(', ')}`;
}

export function describeRow(r: VerifyRow): string {
  if (!r.result) return `FAIL  ${r.file}\n  error: ${r.error?.message} [${r.error?.code}]`;
  const x = r.result;
  const verdict = x.verdict.label ? `Label ${x.verdict.label} (${x.verdict.meaning})` : 'no Label';
  const lines = [`${x.passed ? 'PASS' : 'FAIL'}  ${r.file}  ${x.outcome}, ${verdict}`];
  if (x.format) lines.push(`  format: ${x.format.name} (${x.format.kind}), ${x.size} bytes`);
  x.sites.forEach((s, i) => {
    lines.push(`  site ${i + 1}: ${s.placement}${s.normative ? ' (normative)' : ''} at byte ${s.offset}`);
  });
  for (const e of x.explicit.slice(0, 3)) {
    lines.push(`  explicit label in the text: ${e.kind} ${JSON.stringify(e.text)} at the ${e.position}`);
  }
  if (x.label) {
    for (const f of AIGC_FIELDS) {
      if (f.startsWith('Reserved')) continue;
      lines.push(`    ${f}: ${JSON.stringify(x.label[f])}`);
    }
  }
  for (const s of x.signatures) {
    const line = signatureLine(s);
    if (line) lines.push(line);
  }
  for (const f of x.findings) {
    const where = f.site === undefined ? '' : ` (site ${f.site + 1})`;
    lines.push(`  ${f.severity}: ${f.message}${where} [${f.code}]`);
  }
  return lines.join('\n');
}

/**
 * `hegui audit <folder> [--html FILE] [--json] [--trust FILE] [--sample N]`: what a regulator or app store runs over
 * (a sample of) a provider's outputs: every file verified, a summary by format and by finding with the pass rate,
 * an HTML page for people and JSON for machines. Exit 0 when every audited file passes, 1 otherwise, 2 usage.
 */
import { randomInt } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { HeguiError } from '../../errors.ts';
import { ioError } from '../../label/io/source.ts';
import { renderAuditHtml } from '../../label/verify/audit-html.ts';
import { type AuditReport, buildAuditReport } from '../../label/verify/audit-report.ts';
import { VERSION } from '../../version.ts';
import { collectInputs, type InputFile } from '../files.ts';
import type { Output } from '../output.ts';
import { createProgress } from '../progress.ts';
import { trustFromFile } from '../security.ts';
import { parseJobs, type VerifyRow, verifyFiles } from '../verify-run.ts';

interface AuditOptions {
  html?: string;
  json?: boolean;
  trust?: string;
  sample?: string;
  seed?: string;
  jobs?: string;
}

/** mulberry32: a small seeded generator, so a sample can be drawn again from its seed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  const rnd = seeded(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function positiveInt(text: string | undefined, name: string, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new HeguiError('usage', `${name} must be a whole number from 1 to ${max}`);
  return n;
}

export function registerAuditCommand(program: Command, io: Output, setExit: (code: number) => void): void {
  program
    .command('audit')
    .description("audit a folder of a provider's outputs: per-file findings, summary, pass rate; HTML and JSON reports")
    .argument('<paths...>', 'folders (or files) to audit')
    .option('--html <file>', 'write a self-contained HTML report (table and charts) here')
    .option('--json', 'print the JSON report on stdout')
    .option('--trust <file>', 'trust list of provider keys (JSON)')
    .option('--sample <n>', 'audit a random sample of N files of recognised formats')
    .option('--seed <n>', 'seed of the sample, to draw the same files again (default: random, printed)')
    .option('--jobs <n>', 'files verified at once (default: min(4, cores))')
    .action(async (paths: string[], o: AuditOptions) => {
      setExit(await auditCommand(paths, o, io));
    });
}

async function auditCommand(paths: string[], o: AuditOptions, io: Output): Promise<number> {
  const jobs = parseJobs(o.jobs);
  const size = positiveInt(o.sample, '--sample', 10_000_000);
  const seed = positiveInt(o.seed, '--seed', 0xffffffff) ?? randomInt(1, 0x7fffffff);
  const trust = await trustFromFile(o.trust);
  const inputs = await collectInputs(paths);
  if (inputs.length === 0) throw new HeguiError('usage', 'no files found');
  const order = size === undefined ? inputs : shuffled(inputs, seed);
  const wanted = size ?? inputs.length;
  const progress = createProgress(Math.min(wanted, inputs.length), { enabled: !o.json });
  const rows: VerifyRow[] = [];
  const skipped: string[] = [];
  // Draw files until the sample holds `wanted` files of recognised formats (others in folders are skipped, and listed).
  for (let next = 0; rows.length < wanted && next < order.length; ) {
    const batch: InputFile[] = order.slice(next, next + (wanted - rows.length));
    next += batch.length;
    const got = await verifyFiles(batch, { ...(trust ? { trust } : {}), jobs, progress });
    got.forEach((r, i) => {
      if (r) rows.push(r);
      else skipped.push(batch[i]!.path);
    });
  }
  progress.done();
  if (rows.length === 0) throw new HeguiError('usage', 'no file in a format Hegui recognises');
  const report = buildAuditReport(
    rows.map((r) => ({
      file: r.file,
      ...(r.result ? { result: r.result } : {}),
      ...(r.error ? { error: r.error } : {}),
    })),
    {
      version: VERSION,
      inputs: paths,
      trustList: o.trust ?? null,
      sample: size === undefined ? null : { population: inputs.length, size: rows.length, seed },
      skipped,
    },
  );
  if (o.html) {
    await writeFile(o.html, renderAuditHtml(report)).catch((e: unknown) => {
      throw ioError(e, 'write the HTML report');
    });
  }
  if (o.json) io.json(report);
  else io.out(summaryText(report, o.html));
  return report.summary.failed === 0 ? 0 : 1;
}

const extensions = (r: AuditReport): string =>
  Object.entries(r.skippedByExtension)
    .map(([ext, n]) => `${ext} ${n}`)
    .join(', ');

function summaryText(r: AuditReport, html: string | undefined): string {
  const s = r.summary;
  const lines = [
    `Audited ${s.files} file(s)${r.sample ? ` (a sample of ${r.sample.population}, seed ${r.sample.seed})` : ''}: ` +
      `${s.passed} passed, ${s.failed} failed, pass rate ${(s.passRate * 100).toFixed(1)}%`,
    `  outcomes: ${s.outcomes.compliant} compliant, ${s.outcomes.noncompliant} noncompliant, ` +
      `${s.outcomes.inconclusive} inconclusive, ${s.outcomes.not_found} without a label, ${s.unreadable} unreadable` +
      (r.skipped ? `; ${r.skipped} not audited (format not recognised: ${extensions(r)})` : ''),
    '  by format:',
    ...Object.entries(s.byFormat).map(([name, v]) => `    ${name}: ${v.passed}/${v.files} passed`),
  ];
  const findings = Object.entries(s.byFinding).sort((a, b) => b[1]!.files - a[1]!.files);
  if (findings.length) {
    lines.push('  by finding (files):');
    for (const [code, v] of findings) lines.push(`    ${code} (${v!.severity}): ${v!.files}`);
  }
  if (html) lines.push(`  HTML report: ${html}`);
  return lines.join('\n');
}

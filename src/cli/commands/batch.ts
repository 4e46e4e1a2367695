import { mkdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { HeguiError, isHeguiError } from '../../errors.ts';
import { ioError } from '../../label/io/source.ts';
import { type InputFile, pool } from '../files.ts';
import type { Output } from '../output.ts';
import { createProgress } from '../progress.ts';

/**
 * The shape shared by the commands that rewrite files (label, explicit, and explicit labels in audio and text): each
 * input is processed into `--out DIR` (keeping relative paths) or in place, in parallel, with a progress bar on a
 * terminal, one plain line per file otherwise, or one JSON report. A file that fails is reported and the others go on.
 */
export interface BatchResult {
  file: string;
  status: string;
  output?: string;
  error?: { code: string; message: string };
}

export interface Batch<R extends BatchResult> {
  inputs: InputFile[];
  out?: string;
  jobs: number;
  json?: boolean;
  /** Every status a result can have, counted in the JSON summary (zero included). */
  statuses: readonly string[];
  /** Process one file into `target`; return null to skip it. */
  run(input: InputFile, target: string): Promise<R | null>;
  line(r: R): string;
  summary(results: R[], seconds: number): string;
}

export function targetFor(input: InputFile, out: string | undefined): string {
  return out ? join(out, input.relative) : input.path;
}

/** The target's folder under --out; a file in the way fails this one file (an `io` error), not the whole run. */
async function makeParent(target: string): Promise<void> {
  try {
    await mkdir(dirname(target), { recursive: true });
  } catch (e) {
    throw ioError(e, `create the output folder ${dirname(target)}`);
  }
}

export async function runBatch<R extends BatchResult>(b: Batch<R>, io: Output): Promise<R[]> {
  if (b.inputs.length === 0) throw new HeguiError('usage', 'no files found');
  if (b.out && (await stat(b.out).catch(() => null))?.isDirectory() === false)
    throw new HeguiError('usage', `--out ${b.out} is a file, not a folder`);
  const started = Date.now();
  const progress = createProgress(b.inputs.length, { enabled: !b.json });
  const results: R[] = new Array(b.inputs.length);
  await pool(b.inputs, b.jobs, async (input, i) => {
    const target = targetFor(input, b.out);
    let r: R;
    try {
      if (b.out && resolve(target) !== resolve(input.path)) await makeParent(target);
      r = (await b.run(input, target)) ?? ({ file: input.path, status: 'skipped' } as R);
    } catch (e) {
      // A usage error is the same for every file: it stops the run (exit code 2) instead of failing each file.
      if (!isHeguiError(e) || e.code === 'usage') throw e;
      r = { file: input.path, status: 'failed', error: { code: e.code, message: e.message } } as R;
    }
    results[i] = r;
    if (!b.json && io.interactive && r.status === 'failed') progress.line(b.line(r));
    else if (!b.json && !io.interactive) io.out(b.line(r));
    progress.tick(input.relative);
  });
  progress.done();
  const seconds = (Date.now() - started) / 1000;
  const counts: Record<string, number> = Object.fromEntries(b.statuses.map((s) => [s, 0]));
  for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  if (b.json) io.json({ files: results, summary: { ...counts, seconds } });
  else io.out(b.summary(results, seconds));
  return results;
}

export const countOf = (results: BatchResult[], status: string): number =>
  results.filter((r) => r.status === status).length;

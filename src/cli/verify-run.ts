import { cpus } from 'node:os';
import { HeguiError, isHeguiError } from '../errors.ts';
import type { TrustList } from '../label/security/trust-list.ts';
import { type VerifyResult, verify } from '../label/verify/verify.ts';
import { type InputFile, pool } from './files.ts';
import type { Progress } from './progress.ts';

/** One file's line in a verify or audit run: a result, or an error that kept it from being verified at all. */
export interface VerifyRow {
  file: string;
  relative: string;
  result?: VerifyResult;
  error?: { code: string; message: string };
}

export const rowPassed = (r: VerifyRow): boolean => r.result?.passed === true;

export function parseJobs(jobs: string | undefined): number {
  const n = jobs === undefined ? Math.min(4, cpus().length) : Number(jobs);
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new HeguiError('usage', '--jobs must be a whole number from 1 to 64');
  return n;
}

/**
 * Verify files in parallel; `onRow` sees the rows in input order. A file found in a folder whose format no codec
 * recognises is skipped (returned as undefined); one named directly is a result with `format_unknown`.
 */
export async function verifyFiles(
  inputs: readonly InputFile[],
  o: { trust?: TrustList; jobs: number; progress?: Progress; onRow?: (row: VerifyRow) => void },
): Promise<(VerifyRow | undefined)[]> {
  const rows: (VerifyRow | undefined)[] = new Array(inputs.length);
  const done: boolean[] = new Array(inputs.length).fill(false);
  let emitted = 0;
  const emit = () => {
    for (; emitted < inputs.length && done[emitted]; emitted++) {
      const row = rows[emitted];
      if (row) o.onRow?.(row);
    }
  };
  await pool(inputs, o.jobs, async (input, i) => {
    const base = { file: input.path, relative: input.relative };
    let row: VerifyRow | undefined;
    try {
      const result = await verify(input.path, o.trust ? { trust: o.trust } : {});
      row = !input.explicit && result.format === null ? undefined : { ...base, result };
    } catch (e) {
      if (!isHeguiError(e)) throw e;
      row = { ...base, error: { code: e.code, message: e.message } };
    }
    rows[i] = row;
    done[i] = true;
    emit();
    o.progress?.tick(input.relative);
  });
  return rows;
}

import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { HeguiError, isHeguiError } from '../../errors.ts';
import { hasErrors } from '../../label/aigc/findings.ts';
import { validateValues } from '../../label/aigc/parse.ts';
import { parseProviderCode } from '../../label/aigc/provider-code.ts';
import { type AigcRecord, createLabel, LABEL_VALUES, type LabelValue } from '../../label/aigc/record.ts';
import { detectFormat, writeLabel } from '../../label/label-file.ts';
import type { LabelSigner } from '../../label/security/keys.ts';
import { collectInputs, type InputFile, pool } from '../files.ts';
import type { Output } from '../output.ts';
import { createProgress } from '../progress.ts';
import { signerFromFile } from '../security.ts';

export interface LabelOptions {
  producer?: string;
  produceId: string;
  label: string;
  out?: string;
  inPlace?: boolean;
  jobs?: string;
  json?: boolean;
  sign?: string;
}

export interface LabelFileResult {
  file: string;
  status: 'labelled' | 'skipped' | 'failed';
  output?: string;
  format?: string;
  produceId?: string;
  replaced?: number;
  signed?: boolean;
  error?: { code: string; message: string };
  /** Why a file in a folder walk was skipped. */
  reason?: string;
}

/** Shared by every command that writes a metadata label (`label`, `explicit`). */
export function checkOptions(
  o: LabelOptions,
  fileCount: number,
): { producer: string; label: LabelValue; jobs: number; warnings: string[] } {
  const warnings: string[] = [];
  const producer = o.producer ?? process.env['HEGUI_PRODUCER'];
  if (!producer)
    throw new HeguiError(
      'usage',
      '--producer CODE is required (or set HEGUI_PRODUCER): your 27-character provider code',
    );
  if (hasErrors(validateValues({ ContentProducer: producer }))) {
    throw new HeguiError(
      'usage',
      '--producer must be printable ASCII without spaces (GB 45438 App. E j); use the provider code, not a name',
    );
  }
  const code = parseProviderCode(producer);
  if (!code.valid)
    warnings.push(
      `--producer is not a valid TC260-PG-20252A provider code (${code.problems.map((p) => p.message).join('; ')})`,
    );
  if (!(LABEL_VALUES as readonly string[]).includes(o.label))
    throw new HeguiError('usage', '--label must be 1, 2 or 3');
  if (o.produceId !== 'auto') {
    if (fileCount > 1)
      throw new HeguiError('usage', '--produce-id ID names one file; use --produce-id auto for several');
    if (o.produceId === '' || hasErrors(validateValues({ ProduceID: o.produceId }))) {
      throw new HeguiError('usage', '--produce-id must be printable ASCII without spaces (GB 45438 App. E j)');
    }
  }
  if (!o.out && !o.inPlace)
    throw new HeguiError(
      'usage',
      'choose where the labelled files go: --out DIR, or --in-place to replace the originals',
    );
  if (o.out && o.inPlace) throw new HeguiError('usage', '--out and --in-place exclude each other');
  const jobs = o.jobs === undefined ? Math.min(4, cpus().length) : Number(o.jobs);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 64)
    throw new HeguiError('usage', '--jobs must be a whole number from 1 to 64');
  return { producer, label: o.label as LabelValue, jobs, warnings };
}

async function labelOne(
  input: InputFile,
  record: AigcRecord,
  out: string | undefined,
  signer: LabelSigner | undefined,
): Promise<LabelFileResult> {
  const base: LabelFileResult = { file: input.path, status: 'failed' };
  try {
    if (!input.explicit) {
      // In a folder walk, files without a metadata container (unknown formats, plain text) are skipped, not failed.
      const format = await detectFormat(input.path);
      if (!format) return { ...base, status: 'skipped', reason: 'not a supported format' };
      if (format.codec === 'text') return { ...base, status: 'skipped', reason: 'plain text: no metadata container' };
    }
    const target = out ? join(out, input.relative) : input.path;
    if (out) await mkdir(dirname(target), { recursive: true });
    const res = await writeLabel(input.path, record, {
      ...(resolve(target) === resolve(input.path) ? {} : { out: target }),
      ...(signer ? { sign: { signer } } : {}),
    });
    return {
      ...base,
      status: 'labelled',
      output: res.path,
      format: res.format.name,
      produceId: record.ProduceID,
      replaced: res.replaced,
      ...(signer ? { signed: true } : {}),
    };
  } catch (e) {
    if (!isHeguiError(e)) throw e;
    return { ...base, error: { code: e.code, message: e.message } };
  }
}

export async function labelCommand(paths: string[], o: LabelOptions, io: Output): Promise<number> {
  // Never re-label what this run writes: a --out folder inside an input folder is left out of the walk.
  const inputs = await collectInputs(paths, o.out ? [resolve(o.out)] : []);
  const opts = checkOptions(o, inputs.length);
  for (const w of opts.warnings) io.warn(w);
  if (inputs.length === 0) throw new HeguiError('usage', 'no files found');
  const signer = o.sign ? await signerFromFile(o.sign, io) : undefined;
  const started = Date.now();
  const progress = createProgress(inputs.length, { enabled: !o.json });
  const results: LabelFileResult[] = new Array(inputs.length);
  await pool(inputs, opts.jobs, async (input, i) => {
    const produceId = o.produceId === 'auto' ? randomUUID().replaceAll('-', '') : o.produceId;
    const record = createLabel({ producer: opts.producer, produceId, label: opts.label });
    const r = await labelOne(input, record, o.out, signer);
    results[i] = r;
    if (!o.json && io.interactive && r.status === 'failed') progress.line(formatLine(r));
    else if (!o.json && !io.interactive) io.out(formatLine(r));
    progress.tick(input.relative);
  });
  progress.done();
  const summary = {
    labelled: results.filter((r) => r.status === 'labelled').length,
    skipped: results.filter((r) => r.status === 'skipped').length,
    failed: results.filter((r) => r.status === 'failed').length,
    seconds: (Date.now() - started) / 1000,
  };
  if (o.json) io.json({ files: results, summary });
  else {
    io.out(
      `Labelled ${summary.labelled} file(s)` +
        (summary.skipped ? `, skipped ${summary.skipped} (no metadata container)` : '') +
        `, failed ${summary.failed}, in ${summary.seconds.toFixed(1)} s`,
    );
  }
  return summary.failed > 0 ? 1 : 0;
}

function formatLine(r: LabelFileResult): string {
  if (r.status === 'labelled') {
    return `labelled  ${r.file}${r.output !== r.file ? ` -> ${r.output}` : ''}  (${r.format}, ProduceID ${r.produceId}${r.signed ? ', signed' : ''}${r.replaced ? `, replaced ${r.replaced}` : ''})`;
  }
  if (r.status === 'skipped') return `skipped   ${r.file}  (${r.reason})`;
  return `failed    ${r.file}: ${r.error?.message} [${r.error?.code}]`;
}

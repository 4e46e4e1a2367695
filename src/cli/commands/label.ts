import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { HeguiError } from '../../errors.ts';
import { hasErrors } from '../../label/aigc/findings.ts';
import { validateValues } from '../../label/aigc/parse.ts';
import { parseProviderCode } from '../../label/aigc/provider-code.ts';
import { type AigcRecord, createLabel, LABEL_VALUES, type LabelValue } from '../../label/aigc/record.ts';
import { detectFormat, writeLabel } from '../../label/label-file.ts';
import type { LabelSigner } from '../../label/security/keys.ts';
import { collectInputs, type InputFile } from '../files.ts';
import type { Output } from '../output.ts';
import { signerFromFile } from '../security.ts';
import { countOf, runBatch } from './batch.ts';

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
  target: string,
  record: AigcRecord,
  signer: LabelSigner | undefined,
): Promise<LabelFileResult> {
  const base: LabelFileResult = { file: input.path, status: 'labelled' };
  if (!input.explicit) {
    // In a folder walk, files without a metadata container (unknown formats, plain text) are skipped, not failed.
    // The name counts for text: a `.md` file without front matter is Markdown and gets one.
    const format = await detectFormat(input.path, input.path);
    if (!format) return { ...base, status: 'skipped', reason: 'not a supported format' };
    if (format.codec === 'text') return { ...base, status: 'skipped', reason: 'plain text: no metadata container' };
  }
  const res = await writeLabel(input.path, record, {
    ...(resolve(target) === resolve(input.path) ? {} : { out: target }),
    ...(signer ? { sign: { signer } } : {}),
  });
  return {
    ...base,
    output: res.path,
    format: res.format.name,
    produceId: record.ProduceID,
    replaced: res.replaced,
    ...(signer ? { signed: true } : {}),
  };
}

export async function labelCommand(paths: string[], o: LabelOptions, io: Output): Promise<number> {
  // Never re-label what this run writes: a --out folder inside an input folder is left out of the walk.
  const inputs = await collectInputs(paths, o.out ? [resolve(o.out)] : []);
  const opts = checkOptions(o, inputs.length);
  for (const w of opts.warnings) io.warn(w);
  if (inputs.length === 0) throw new HeguiError('usage', 'no files found');
  const signer = o.sign ? await signerFromFile(o.sign, io) : undefined;
  const results = await runBatch<LabelFileResult>(
    {
      inputs,
      ...(o.out ? { out: o.out } : {}),
      jobs: opts.jobs,
      json: o.json === true,
      statuses: ['labelled', 'skipped', 'failed'],
      run: (input, target) => {
        const produceId = o.produceId === 'auto' ? randomUUID().replaceAll('-', '') : o.produceId;
        return labelOne(input, target, createLabel({ producer: opts.producer, produceId, label: opts.label }), signer);
      },
      line: formatLine,
      summary: (rs, seconds) => {
        const skipped = countOf(rs, 'skipped');
        return (
          `Labelled ${countOf(rs, 'labelled')} file(s)` +
          (skipped ? `, skipped ${skipped} (no metadata container)` : '') +
          `, failed ${countOf(rs, 'failed')}, in ${seconds.toFixed(1)} s`
        );
      },
    },
    io,
  );
  return countOf(results, 'failed') > 0 ? 1 : 0;
}

function formatLine(r: LabelFileResult): string {
  if (r.status === 'labelled') {
    return `labelled  ${r.file}${r.output !== r.file ? ` -> ${r.output}` : ''}  (${r.format}, ProduceID ${r.produceId}${r.signed ? ', signed' : ''}${r.replaced ? `, replaced ${r.replaced}` : ''})`;
  }
  if (r.status === 'skipped') return `skipped   ${r.file}  (${r.reason})`;
  return `failed    ${r.file}: ${r.error?.message} [${r.error?.code}]`;
}

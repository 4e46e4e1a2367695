/**
 * `hegui explicit-text FILES… (--out DIR | --in-place)`: the text explicit label (GB 45438 §5) in plain text,
 * Markdown and HTML files: a prompt at the start, end or middle, or a corner mark.
 */
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { HeguiError, isHeguiError } from '../../errors.ts';
import { formatFromName } from '../../label/explicit/text/detect.ts';
import {
  type CornerPosition,
  resolveTextLabel,
  TEXT_FORMATS,
  TEXT_LABEL_MODES,
  type TextFormat,
  type TextLabelMode,
} from '../../label/explicit/text/options.ts';
import { labelTextFile } from '../../label/explicit/text/text-file.ts';
import { collectInputs, type InputFile } from '../files.ts';
import type { Output } from '../output.ts';
import { type BatchResult, countOf, runBatch } from './batch.ts';

interface ExplicitTextOptions {
  out?: string;
  inPlace?: boolean;
  mode: TextLabelMode;
  text?: string;
  format: TextFormat | 'auto';
  corner: CornerPosition;
  minChars?: string;
  jobs?: string;
  json?: boolean;
}

interface TextFileResult extends BatchResult {
  status: 'labelled' | 'unchanged' | 'skipped' | 'failed';
  format?: TextFormat;
}

function describe(r: TextFileResult): string {
  const to = r.output && r.output !== r.file ? ` -> ${r.output}` : '';
  if (r.status === 'labelled') return `labelled  ${r.file}${to}  (${r.format})`;
  if (r.status === 'unchanged') return `unchanged ${r.file}${to}  (${r.format}, already labelled)`;
  if (r.status === 'skipped') return `skipped   ${r.file}  (not a text, Markdown or HTML file)`;
  return `failed    ${r.file}: ${r.error?.message} [${r.error?.code}]`;
}

function checkOptions(o: ExplicitTextOptions): { jobs: number; minChars?: number } {
  if (!o.out && !o.inPlace)
    throw new HeguiError(
      'usage',
      'choose where the labelled files go: --out DIR, or --in-place to replace the originals',
    );
  if (o.out && o.inPlace) throw new HeguiError('usage', '--out and --in-place exclude each other');
  const jobs = o.jobs === undefined ? 4 : Number(o.jobs);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 64)
    throw new HeguiError('usage', '--jobs must be a whole number from 1 to 64');
  const minChars = o.minChars === undefined ? undefined : Number(o.minChars);
  if (minChars !== undefined && (!Number.isSafeInteger(minChars) || minChars < 0))
    throw new HeguiError('usage', '--min-chars must be a whole number of at least 0');
  try {
    resolveTextLabel({ mode: o.mode, corner: o.corner, ...(o.text !== undefined ? { text: o.text } : {}) }, 'plain');
  } catch (e) {
    if (isHeguiError(e)) throw new HeguiError('usage', `--text: ${e.message}`);
    throw e;
  }
  return { jobs, ...(minChars !== undefined ? { minChars } : {}) };
}

export async function explicitTextCommand(paths: string[], o: ExplicitTextOptions, io: Output): Promise<number> {
  const inputs = await collectInputs(paths, o.out ? [resolve(o.out)] : []);
  const { jobs, minChars } = checkOptions(o);
  const results = await runBatch<TextFileResult>(
    {
      inputs,
      jobs,
      statuses: ['labelled', 'unchanged', 'skipped', 'failed'],
      ...(o.out ? { out: o.out } : {}),
      ...(o.json ? { json: true } : {}),
      run: async (input: InputFile, target: string) => {
        if (!input.explicit && !formatFromName(input.path)) return null;
        const r = await labelTextFile(input.path, target, {
          mode: o.mode,
          corner: o.corner,
          format: o.format,
          ...(o.text !== undefined ? { text: o.text } : {}),
          ...(minChars !== undefined ? { minChars } : {}),
        });
        return { file: input.path, status: r.changed ? 'labelled' : 'unchanged', output: target, format: r.format };
      },
      line: describe,
      summary: (rs, s) =>
        `Labelled ${countOf(rs, 'labelled')} text file(s)` +
        (countOf(rs, 'unchanged') ? `, ${countOf(rs, 'unchanged')} already labelled` : '') +
        (countOf(rs, 'skipped') ? `, skipped ${countOf(rs, 'skipped')}` : '') +
        `, failed ${countOf(rs, 'failed')}, in ${s.toFixed(1)} s`,
    },
    io,
  );
  return countOf(results, 'failed') > 0 ? 1 : 0;
}

export function registerExplicitTextCommand(program: Command, io: Output, setExit: (code: number) => void): void {
  program
    .command('explicit-text')
    .description('add the text explicit label (a prompt at the start, end or middle, or a corner mark)')
    .argument('<paths...>', 'text, Markdown or HTML files or folders (.txt .md .markdown .html .htm in folders)')
    .option('--out <dir>', 'write labelled copies under this folder (keeping relative paths)')
    .option('--in-place', 'replace the original files (atomically)')
    .addOption(new Option('--mode <mode>', 'where the label goes').choices(TEXT_LABEL_MODES).default('prefix'))
    .option('--text <text>', 'the label text (must name "AI"/"人工智能" and "生成"/"合成"; a corner mark "AI" alone)')
    .addOption(
      new Option('--format <format>', 'the text syntax (auto: by file name, then content)')
        .choices(['auto', ...TEXT_FORMATS])
        .default('auto'),
    )
    .addOption(
      new Option('--corner <where>', 'corner mark at the start or the end').choices(['start', 'end']).default('start'),
    )
    .option('--min-chars <n>', 'middle: the first paragraph boundary after this many characters (default 0)')
    .option('--jobs <n>', 'files processed at once (default 4)')
    .option('--json', 'print a JSON report on stdout')
    .action(async (paths: string[], opts: ExplicitTextOptions) => {
      setExit(await explicitTextCommand(paths, opts, io));
    });
}

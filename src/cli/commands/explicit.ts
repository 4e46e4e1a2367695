import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { HeguiError, isHeguiError } from '../../errors.ts';
import { type AigcRecord, createLabel } from '../../label/aigc/record.ts';
import { labelImageFile } from '../../label/explicit/image.ts';
import type { LabelPosition } from '../../label/explicit/layout.ts';
import { sniffMediaFile } from '../../label/explicit/media.ts';
import { type ExplicitOptions, type PlateMode, resolveExplicit } from '../../label/explicit/options.ts';
import { labelVideoFile } from '../../label/explicit/video.ts';
import { checkSpan, type VideoSpan } from '../../label/explicit/video-span.ts';
import { collectInputs, type InputFile } from '../files.ts';
import type { Output } from '../output.ts';
import { countOf, runBatch } from './batch.ts';
import { checkOptions } from './label.ts';

export interface ExplicitCliOptions {
  producer?: string;
  produceId: string;
  text?: string;
  position?: string;
  plate?: PlateMode;
  span?: string;
  duration?: string;
  out?: string;
  inPlace?: boolean;
  jobs?: string;
  json?: boolean;
}

export interface ExplicitFileResult {
  file: string;
  status: 'labelled' | 'skipped' | 'failed';
  kind?: 'image' | 'video';
  output?: string;
  produceId?: string;
  position?: LabelPosition;
  inkHeightPx?: number;
  inkHeightRatio?: number;
  contrast?: number;
  /** Image: how the plate was chosen (with `any`, `contrast` is its floor over any background). */
  plate?: PlateMode;
  /** Video: seconds (from the first frame) during which the label is drawn. */
  intervals?: { from: number; to: number }[];
  warnings?: string[];
  error?: { code: string; message: string };
}

interface Drawing {
  explicit: ExplicitOptions;
  plate: PlateMode;
  span: VideoSpan;
  duration: number;
}

/** Label options are checked once, up front: a text without the required elements is a usage error (exit 2). */
function checkDrawing(o: ExplicitCliOptions): Drawing {
  try {
    const explicit = resolveExplicit({ text: o.text, position: o.position as LabelPosition | undefined });
    const duration = o.duration === undefined ? undefined : Number(o.duration);
    const s = checkSpan(o.span, duration);
    return {
      explicit: { text: explicit.text, position: explicit.position },
      plate: o.plate ?? 'local',
      span: s.span,
      duration: s.duration,
    };
  } catch (e) {
    if (isHeguiError(e)) throw new HeguiError('usage', e.message);
    throw e;
  }
}

/** One file into `target`: null when a file found in a folder is neither an image nor a video (skipped). */
async function labelOne(
  input: InputFile,
  target: string,
  record: AigcRecord,
  d: Drawing,
): Promise<ExplicitFileResult | null> {
  const kind = await sniffMediaFile(input.path);
  if (!kind) {
    if (!input.explicit) return null;
    throw new HeguiError('format_unknown', 'the file is neither an image nor a video Hegui can label');
  }
  const common = { file: input.path, status: 'labelled' as const, kind, output: target, produceId: record.ProduceID };
  const { report } =
    kind === 'image'
      ? await labelImageFile(input.path, target, { ...d.explicit, plate: d.plate, label: record })
      : await labelVideoFile(input.path, resolve(target), {
          ...d.explicit,
          span: d.span,
          duration: d.duration,
          label: record,
        });
  return {
    ...common,
    position: report.position,
    inkHeightPx: report.inkHeightPx,
    inkHeightRatio: report.inkHeightRatio,
    contrast: report.contrast,
    ...('plateMode' in report ? { plate: report.plateMode } : {}),
    ...('intervals' in report ? { intervals: report.intervals } : {}),
    warnings: report.warnings,
  };
}

/** `hegui explicit`: draw the explicit label and write the metadata label, per file, in parallel. */
export async function explicitCommand(paths: string[], o: ExplicitCliOptions, io: Output): Promise<number> {
  const inputs = await collectInputs(paths, o.out ? [resolve(o.out)] : []);
  // Re-encoding is heavy (and ffmpeg is multi-threaded itself): two files at a time unless told otherwise.
  const opts = checkOptions({ ...o, label: '1', jobs: o.jobs ?? '2' }, inputs.length);
  const drawing = checkDrawing(o);
  for (const w of opts.warnings) io.warn(w);
  const results = await runBatch<ExplicitFileResult>(
    {
      inputs,
      ...(o.out ? { out: o.out } : {}),
      jobs: opts.jobs,
      ...(o.json ? { json: true } : {}),
      statuses: ['labelled', 'skipped', 'failed'],
      run: (input, target) => {
        const produceId = o.produceId === 'auto' ? randomUUID().replaceAll('-', '') : o.produceId;
        return labelOne(input, target, createLabel({ producer: opts.producer, produceId, label: '1' }), drawing);
      },
      line: formatLine,
      summary: (r, seconds) => {
        const skipped = countOf(r, 'skipped');
        return (
          `Labelled ${countOf(r, 'labelled')} file(s) with explicit and metadata labels` +
          (skipped ? `, skipped ${skipped} (not an image or video)` : '') +
          `, failed ${countOf(r, 'failed')}, in ${seconds.toFixed(1)} s`
        );
      },
    },
    io,
  );
  return countOf(results, 'failed') > 0 ? 1 : 0;
}

function formatLine(r: ExplicitFileResult): string {
  if (r.status === 'skipped') return `skipped   ${r.file}  (not an image or video)`;
  if (r.status === 'failed') return `failed    ${r.file}: ${r.error?.message} [${r.error?.code}]`;
  const shown = r.intervals?.map((x) => `${x.from.toFixed(2)}-${x.to.toFixed(2)} s`).join(', ');
  const facts = [
    r.kind,
    r.position,
    `text ${r.inkHeightPx} px = ${((r.inkHeightRatio ?? 0) * 100).toFixed(1)}% of the shortest side`,
    `contrast ${(r.contrast ?? 0).toFixed(1)}:1${r.plate === 'any' ? ' on any background' : ''}`,
    ...(shown ? [`shown ${shown}`] : []),
    `ProduceID ${r.produceId}`,
  ];
  const warn = r.warnings?.length ? `\n          warning: ${r.warnings.join('; ')}` : '';
  return `labelled  ${r.file}${r.output !== r.file ? ` -> ${r.output}` : ''}  (${facts.join(', ')})${warn}`;
}

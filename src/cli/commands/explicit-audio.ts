/**
 * `hegui explicit-audio FILES… --producer CODE (--out DIR | --in-place)`: the audio explicit label (GB 45438 §5:
 * the rhythm "短长 短短" and/or a spoken prompt, before or after the content) and the metadata label, in one pass.
 */
import { randomUUID } from 'node:crypto';
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { HeguiError } from '../../errors.ts';
import { createLabel } from '../../label/aigc/record.ts';
import {
  AUDIO_LABEL_POSITIONS,
  type AudioLabelOptions,
  type AudioLabelPosition,
  type AudioLabelResult,
  checkAudioLabelOptions,
  labelAudioFile,
} from '../../label/explicit/audio/label-audio.ts';
import { loadPrompt } from '../../label/explicit/audio/prompt.ts';
import type { RhythmOptions } from '../../label/explicit/audio/rhythm.ts';
import { looksLikeAudio } from '../../label/explicit/audio/sniff.ts';
import { collectInputs, type InputFile } from '../files.ts';
import type { Output } from '../output.ts';
import { type BatchResult, countOf, runBatch } from './batch.ts';
import { checkOptions } from './label.ts';

interface ExplicitAudioOptions {
  producer?: string;
  produceId: string;
  out?: string;
  inPlace?: boolean;
  position: AudioLabelPosition;
  prompt?: string;
  rhythm: boolean;
  unit?: string;
  frequency?: string;
  level?: string;
  gap?: string;
  jobs?: string;
  json?: boolean;
}

interface AudioFileResult extends BatchResult {
  status: 'labelled' | 'skipped' | 'failed';
  produceId?: string;
  result?: Omit<AudioLabelResult, 'path'>;
}

const number = (name: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new HeguiError('usage', `${name} must be a number`);
  return n;
};

async function looksLikeAudioFile(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const head = new Uint8Array(16);
    const { bytesRead } = await fh.read(head, 0, 16, 0);
    return looksLikeAudio(head.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

function describe(r: AudioFileResult): string {
  if (r.status === 'skipped') return `skipped   ${r.file}  (not audio)`;
  if (r.status === 'failed') return `failed    ${r.file}: ${r.error?.message} [${r.error?.code}]`;
  const x = r.result!;
  const where = [x.before ? 'before' : '', x.after ? 'after' : ''].filter(Boolean).join(' and ');
  const how = x.lossless ? 'content samples copied' : `re-encoded at ${Math.round((x.bitRate ?? 0) / 1000)} kb/s`;
  return `labelled  ${r.file}${r.output !== r.file ? ` -> ${r.output}` : ''}  (${x.container}, label ${where}, ${how}, ProduceID ${r.produceId})`;
}

export async function explicitAudioCommand(paths: string[], o: ExplicitAudioOptions, io: Output): Promise<number> {
  const inputs = await collectInputs(paths, o.out ? [resolve(o.out)] : []);
  const checked = checkOptions({ ...o, label: '1' }, inputs.length);
  for (const w of checked.warnings) io.warn(w);
  const rhythm: RhythmOptions = {};
  const unitMs = number('--unit', o.unit);
  const frequencyHz = number('--frequency', o.frequency);
  const levelDbfs = number('--level', o.level);
  if (unitMs !== undefined) rhythm.unitMs = unitMs;
  if (frequencyHz !== undefined) rhythm.frequencyHz = frequencyHz;
  if (levelDbfs !== undefined) rhythm.levelDbfs = levelDbfs;
  const gapMs = number('--gap', o.gap);
  const base: AudioLabelOptions = {
    position: o.position,
    rhythm: o.rhythm ? rhythm : false,
    ...(o.prompt ? { prompt: o.prompt } : {}),
    ...(gapMs !== undefined ? { gapMs } : {}),
  };
  // Bad options and a bad prompt are configuration errors: refuse before touching any file.
  checkAudioLabelOptions(base);
  if (o.prompt) await loadPrompt(o.prompt, 48_000, 1);
  const results = await runBatch<AudioFileResult>(
    {
      inputs,
      jobs: checked.jobs,
      statuses: ['labelled', 'skipped', 'failed'],
      ...(o.out ? { out: o.out } : {}),
      ...(o.json ? { json: true } : {}),
      run: async (input: InputFile, target: string) => {
        if (!input.explicit && !(await looksLikeAudioFile(input.path))) return null;
        const produceId = o.produceId === 'auto' ? randomUUID().replaceAll('-', '') : o.produceId;
        const label = createLabel({ producer: checked.producer, produceId });
        const { path, ...result } = await labelAudioFile(input.path, target, { ...base, label });
        return { file: input.path, status: 'labelled', output: path, produceId, result };
      },
      line: describe,
      summary: (rs, s) =>
        `Labelled ${countOf(rs, 'labelled')} audio file(s)` +
        (countOf(rs, 'skipped') ? `, skipped ${countOf(rs, 'skipped')} (not audio)` : '') +
        `, failed ${countOf(rs, 'failed')}, in ${s.toFixed(1)} s`,
    },
    io,
  );
  return countOf(results, 'failed') > 0 ? 1 : 0;
}

export function registerExplicitAudioCommand(program: Command, io: Output, setExit: (code: number) => void): void {
  program
    .command('explicit-audio')
    .description('add the audio explicit label (rhythm "短长 短短" and/or a spoken prompt) and the metadata label')
    .argument('<paths...>', 'audio files or folders (WAV, FLAC, MP3, Ogg Vorbis/Opus, M4A)')
    .option('--producer <code>', 'ContentProducer: your 27-character provider code (default: $HEGUI_PRODUCER)')
    .option('--produce-id <id>', 'ProduceID for a single file, or "auto" for a unique ID per file', 'auto')
    .option('--out <dir>', 'write labelled copies under this folder (keeping relative paths)')
    .option('--in-place', 'replace the original files (atomically)')
    .addOption(
      new Option('--position <where>', 'where the label goes').choices(AUDIO_LABEL_POSITIONS).default('before'),
    )
    .option(
      '--prompt <file>',
      'a recording of the spoken prompt, e.g. "本内容由人工智能生成" (any format ffmpeg reads)',
    )
    .option('--rhythm', 'play the rhythm "短长 短短" (default)', true)
    .option('--no-rhythm', 'no rhythm: the spoken prompt alone')
    .option('--unit <ms>', 'rhythm unit (short tone), ms (default 120)')
    .option('--frequency <hz>', 'rhythm tone pitch, Hz (default 1000)')
    .option('--level <dbfs>', 'rhythm tone peak level, dBFS (default -12)')
    .option('--gap <ms>', 'silence between label and content, ms (default 300)')
    .option('--jobs <n>', 'files processed at once (default: min(4, cores))')
    .option('--json', 'print a JSON report on stdout')
    .action(async (paths: string[], opts: ExplicitAudioOptions) => {
      setExit(await explicitAudioCommand(paths, opts, io));
    });
}

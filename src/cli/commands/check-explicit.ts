/**
 * `hegui check-explicit FILES…`: find and measure the explicit label of every medium (GB 45438 §5): images and videos
 * from their pixels, audio by the rhythm "短长 短短", text by its prompt or corner mark. `check-audio` is the same
 * command. Exit 0 when every file passes, 1 when one does not, 2 on a usage error.
 */
import type { Command } from 'commander';
import { HeguiError, isHeguiError } from '../../errors.ts';
import {
  type AudioLabelMeasurement,
  measureAudioLabel,
  type RhythmFinding,
} from '../../label/explicit/audio/measure.ts';
import { type ExplicitCheck, measureExplicitLabel } from '../../label/explicit/measure/index.ts';
import { formatFromName } from '../../label/explicit/text/detect.ts';
import { measureTextLabel, type TextLabelMeasurement } from '../../label/explicit/text/measure.ts';
import { mediumOf, type PolicyMedium } from '../../label/policy/medium.ts';
import { collectInputs, type InputFile } from '../files.ts';
import type { Output } from '../output.ts';

export interface CheckExplicitOptions {
  json?: boolean;
  /** Audio: envelope level that counts as sound, dBFS. */
  threshold?: string;
}

export interface CheckExplicitResult {
  file: string;
  medium?: Exclude<PolicyMedium, 'document'>;
  pass: boolean;
  /** Images and videos. */
  check?: ExplicitCheck;
  audio?: AudioLabelMeasurement;
  text?: TextLabelMeasurement;
  error?: { code: string; message: string };
}

/** The medium to check, or null to skip a file found in a folder walk (files named directly are always tried). */
async function mediumToCheck(input: InputFile): Promise<Exclude<PolicyMedium, 'document'> | null> {
  let m: Awaited<ReturnType<typeof mediumOf>>;
  try {
    m = await mediumOf(input.path);
  } catch (e) {
    if (!input.explicit && isHeguiError(e) && e.code === 'format_unknown') return null;
    throw e;
  }
  if (m.medium === 'document') {
    if (!input.explicit) return null;
    throw new HeguiError(
      'format_unsupported',
      `explicit labels in ${m.format?.name ?? 'these'} files are not checked in this version`,
    );
  }
  if (m.medium === 'text' && !input.explicit) {
    const named = formatFromName(input.path) || m.format?.codec === 'markdown' || m.format?.codec === 'html';
    if (!named) return null;
  }
  return m.medium;
}

async function checkOne(input: InputFile, thresholdDbfs: number | undefined): Promise<CheckExplicitResult | null> {
  const file = input.path;
  try {
    const medium = await mediumToCheck(input);
    if (!medium) return null;
    if (medium === 'audio') {
      const audio = await measureAudioLabel(file, thresholdDbfs === undefined ? {} : { thresholdDbfs });
      return { file, medium, pass: audio.pass, audio };
    }
    if (medium === 'text') {
      const text = await measureTextLabel(file);
      return { file, medium, pass: text.pass, text };
    }
    const check = await measureExplicitLabel(file);
    return { file, medium, pass: check.pass, check };
  } catch (e) {
    if (!isHeguiError(e) || e.code === 'usage') throw e;
    return { file, pass: false, error: { code: e.code, message: e.message } };
  }
}

export async function checkExplicitCommand(paths: string[], o: CheckExplicitOptions, io: Output): Promise<number> {
  const thresholdDbfs = o.threshold === undefined ? undefined : Number(o.threshold);
  if (thresholdDbfs !== undefined && (o.threshold?.trim() === '' || !Number.isFinite(thresholdDbfs)))
    throw new HeguiError('usage', '--threshold must be a number');
  const inputs = await collectInputs(paths);
  const results: CheckExplicitResult[] = [];
  for (const input of inputs) {
    const r = await checkOne(input, thresholdDbfs);
    if (r) results.push(r);
  }
  if (results.length === 0) throw new HeguiError('usage', 'no image, video, audio or text files to check');
  if (o.json) io.json(results);
  else for (const r of results) io.out(describe(r));
  return results.every((r) => r.pass) ? 0 : 1;
}

const verdict = (pass: boolean) => (pass ? 'PASS' : 'FAIL');

function describe(r: CheckExplicitResult): string {
  if (r.error) return `${r.file}: ERROR ${r.error.message} [${r.error.code}]\n`;
  if (r.audio) return describeAudio(r.file, r.audio);
  if (r.text) return describeText(r.file, r.text);
  const c = r.check!;
  const lines = [`${r.file}: ${verdict(c.pass)} (${c.kind} ${c.width}×${c.height})`];
  for (const k of c.criteria)
    lines.push(`  ${k.pass ? 'pass' : 'FAIL'}  ${k.id.padEnd(8)}  ${k.measured}  [${k.required}]`);
  if (c.video) {
    const shown = c.video.intervals.map((x) => `${x.from.toFixed(3)}-${x.to.toFixed(3)} s`).join(', ') || 'never';
    lines.push(`  label on screen: ${shown} (${c.video.frames} frames examined)`);
  }
  return `${lines.join('\n')}\n`;
}

function describeRhythm(r: RhythmFinding): string[] {
  const tones = r.tones.map((t) => `${t.durationMs}`).join(' / ');
  const lines = [
    `  rhythm ${r.pattern} ${r.position} at ${r.startMs}–${r.endMs} ms: ${r.ok ? 'ok' : 'not ok'}`,
    `    tones ${tones} ms, gaps ${r.gapsMs.join(' / ')} ms, unit ${r.unitMs} ms, ${r.frequencyHz} Hz, ${r.tones[0]?.levelDbfs} dBFS`,
  ];
  if (r.separationMs !== null) lines.push(`    ${r.separationMs} ms of silence to the content`);
  for (const p of r.problems) lines.push(`    problem: ${p}`);
  return lines;
}

function describeAudio(file: string, m: AudioLabelMeasurement): string {
  const lines = [`${file}: ${verdict(m.pass)} (audio ${(m.durationMs / 1000).toFixed(2)} s, ${m.sampleRate} Hz)`];
  if (m.rhythms.length === 0) lines.push('  no rhythm "短长 短短" found at the start or the end');
  for (const r of m.rhythms) lines.push(...describeRhythm(r));
  return `${lines.join('\n')}\n`;
}

const WHERE = { prefix: 'at the start', suffix: 'at the end', middle: 'in the middle' } as const;

function describeText(file: string, t: TextLabelMeasurement): string {
  const lines = [`${file}: ${verdict(t.pass)} (text, ${t.format}, ${t.length} characters)`];
  if (t.labels.length === 0)
    lines.push(
      '  FAIL  present   no prompt or corner mark found  [a text prompt at the start, end or middle, or a corner mark (GB 45438 §5)]',
    );
  for (const l of t.labels) {
    const what = l.kind === 'prompt' ? 'prompt' : 'corner mark';
    lines.push(`  pass  present   ${what} "${l.text}" ${WHERE[l.position]} (characters ${l.start}–${l.end})`);
  }
  return `${lines.join('\n')}\n`;
}

/** `check-explicit` and its alias `check-audio`. */
export function registerCheckExplicitCommands(program: Command, io: Output, setExit: (code: number) => void): void {
  const action = async (paths: string[], o: CheckExplicitOptions) => setExit(await checkExplicitCommand(paths, o, io));
  program
    .command('check-explicit')
    .description(
      'find and measure the explicit label of images, videos, audio and text against GB 45438 §5 (exit 1 if any fails)',
    )
    .argument('<paths...>', 'files or folders')
    .option('--threshold <dbfs>', 'audio: envelope level that counts as sound, dBFS (default -40)')
    .option('--json', 'print JSON on stdout')
    .action(action);
  program
    .command('check-audio')
    .description('check-explicit for audio: the rhythm "短长 短短" before or after the content (GB 45438 §5)')
    .argument('<paths...>', 'audio files or folders')
    .option('--threshold <dbfs>', 'envelope level that counts as sound, dBFS (default -40)')
    .option('--json', 'print JSON on stdout')
    .action(action);
}

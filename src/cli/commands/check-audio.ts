/**
 * `hegui check-audio FILES…`: find the rhythm "短长 短短" (GB 45438 §5) and report its tones, gaps, place and a
 * verdict. Exit 0 when every file passes.
 */
import type { Command } from 'commander';
import { HeguiError, isHeguiError } from '../../errors.ts';
import {
  type AudioLabelMeasurement,
  measureAudioLabel,
  type RhythmFinding,
} from '../../label/explicit/audio/measure.ts';
import type { Output } from '../output.ts';

interface CheckAudioOptions {
  json?: boolean;
  threshold?: string;
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

function describe(file: string, m: AudioLabelMeasurement): string {
  const head = `${m.pass ? 'PASS' : 'FAIL'}  ${file}  (${(m.durationMs / 1000).toFixed(2)} s, ${m.sampleRate} Hz)`;
  const lines = [head];
  if (m.rhythms.length === 0) lines.push('  no rhythm "短长 短短" found at the start or the end');
  for (const r of m.rhythms) lines.push(...describeRhythm(r));
  return lines.join('\n');
}

export function registerCheckAudioCommand(program: Command, io: Output, setExit: (code: number) => void): void {
  program
    .command('check-audio')
    .description('check that audio files carry the rhythm "短长 短短" before or after the content (GB 45438 §5)')
    .argument('<files...>', 'audio files')
    .option('--threshold <dbfs>', 'envelope level that counts as sound, dBFS (default -40)')
    .option('--json', 'print JSON on stdout')
    .action(async (files: string[], o: CheckAudioOptions) => {
      const thresholdDbfs = o.threshold === undefined ? undefined : Number(o.threshold);
      if (thresholdDbfs !== undefined && !Number.isFinite(thresholdDbfs))
        throw new HeguiError('usage', '--threshold must be a number');
      const results: unknown[] = [];
      let failed = 0;
      for (const file of files) {
        try {
          const m = await measureAudioLabel(file, thresholdDbfs === undefined ? {} : { thresholdDbfs });
          if (!m.pass) failed++;
          if (o.json) results.push({ file, ...m });
          else io.out(describe(file, m));
        } catch (e) {
          if (!isHeguiError(e) || e.code === 'usage') throw e;
          failed++;
          if (o.json) results.push({ file, error: { code: e.code, message: e.message } });
          else io.out(`ERROR ${file}: ${e.message} [${e.code}]`);
        }
      }
      if (o.json) io.json(results);
      setExit(failed ? 1 : 0);
    });
}

import { HeguiError, isHeguiError } from '../../../errors.ts';
import { type RunOutput, runTool } from '../../../media/run.ts';

export type ToolRun = RunOutput;

export interface ToolOptions {
  /** Refuse (and stop the tool) when it writes more than this to stdout. */
  maxStdout?: number;
  /** Count stdout's bytes without keeping them. */
  countOnly?: boolean;
  timeoutMs?: number;
  /** Said in the error message: what the tool was doing ("decode the audio"). */
  action: string;
}

const QUIET = ['-hide_banner', '-nostdin', '-loglevel', 'error'];

/** Every argument that names a file is replaced in messages: a message names the problem, not the file. */
const redactPaths = (args: readonly string[]): Record<string, string> =>
  Object.fromEntries(
    args.filter((a) => a.length > 3 && (a.includes('/') || a.includes('\\'))).map((a) => [a, '<file>']),
  );

async function run(tool: 'ffmpeg' | 'ffprobe', args: string[], o: ToolOptions): Promise<ToolRun> {
  try {
    return await runTool(tool, args, {
      redact: redactPaths(args),
      ...(o.maxStdout === undefined ? {} : { maxStdout: o.maxStdout }),
      ...(o.countOnly ? { countOnly: true } : {}),
      ...(o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs }),
    });
  } catch (e) {
    if (!isHeguiError(e)) throw e;
    throw new HeguiError(e.code, `${o.action}: ${e.message}`, { ...e.details });
  }
}

export const runFfmpeg = (args: string[], o: ToolOptions): Promise<ToolRun> => run('ffmpeg', [...QUIET, ...args], o);

export const runFfprobe = (args: string[], o: ToolOptions): Promise<ToolRun> =>
  run('ffprobe', ['-v', 'error', ...args], o);

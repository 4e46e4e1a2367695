import { spawn } from 'node:child_process';
import { HeguiError } from '../../../errors.ts';
import { ffmpegPath, ffprobePath } from '../../../media/tools.ts';

export interface ToolRun {
  stdout: Buffer;
  /** Bytes written to stdout (also when they were not kept). */
  stdoutBytes: number;
  stderr: string;
}

export interface ToolOptions {
  /** Refuse (and stop the tool) when it writes more than this to stdout. */
  maxStdout?: number;
  /** Count stdout's bytes without keeping them. */
  countOnly?: boolean;
  timeoutMs?: number;
  /** Said in the error message: what the tool was doing ("decode the audio"). */
  action: string;
}

/** Bounds on what is kept of a tool's stderr: the end is where the reason is. */
const STDERR_KEEP = 8 * 1024;
const DEFAULT_TIMEOUT_MS = 30 * 60 * 1000;

/**
 * The last line ffmpeg/ffprobe printed, without the file paths the caller passed (they are the caller's own, but a
 * message names the problem, not the file) and bounded in length.
 */
function reason(stderr: string, args: readonly string[]): string {
  const lines = stderr.split(/\r?\n/).filter((l) => l.trim() !== '');
  let last = lines.at(-1) ?? 'no message';
  for (const a of args) if (a.length > 3 && (a.includes('/') || a.includes('\\'))) last = last.split(a).join('<file>');
  return last.length > 200 ? `${last.slice(0, 200)}…` : last;
}

function run(bin: string, args: string[], o: ToolOptions): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let outBytes = 0;
    let stderr = '';
    let failure: HeguiError | null = null;
    const stop = (e: HeguiError) => {
      failure ??= e;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(
      () => stop(new HeguiError('tool_failed', `${o.action}: the tool took too long and was stopped`)),
      o.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    );
    child.stdout.on('data', (d: Buffer) => {
      outBytes += d.length;
      if (o.maxStdout !== undefined && outBytes > o.maxStdout) {
        stop(
          new HeguiError('oversize', `${o.action}: the output is over ${o.maxStdout} bytes`, { limit: o.maxStdout }),
        );
        return;
      }
      if (!o.countOnly) out.push(d);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr = (stderr + d).slice(-STDERR_KEEP);
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(
        new HeguiError(
          'tool_failed',
          `${o.action}: the tool could not be started (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
        ),
      );
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (failure) return reject(failure);
      if (code !== 0) {
        return reject(new HeguiError('tool_failed', `${o.action}: ${reason(stderr, args)}`, { exitCode: code ?? -1 }));
      }
      resolve({ stdout: Buffer.concat(out), stdoutBytes: outBytes, stderr });
    });
  });
}

const QUIET = ['-hide_banner', '-nostdin', '-loglevel', 'error'];

export const runFfmpeg = (args: string[], o: ToolOptions): Promise<ToolRun> =>
  run(ffmpegPath(), [...QUIET, ...args], o);

export const runFfprobe = (args: string[], o: ToolOptions): Promise<ToolRun> =>
  run(ffprobePath(), ['-v', 'error', ...args], o);

import { spawn } from 'node:child_process';
import { HeguiError } from '../errors.ts';
import { ffmpegPath, ffprobePath } from './tools.ts';

/**
 * Running ffmpeg and ffprobe: arguments as an array (never a shell), output bounded, a timeout, and failures turned
 * into a `tool_failed` HeguiError whose message summarises the tool's last error lines with the file paths replaced,
 * so no path or file content reaches a message.
 */

export interface RunOptions {
  /** Paths to replace by a placeholder in error messages. */
  redact?: Record<string, string>;
  timeoutMs?: number;
  /** Bound on captured stdout (default 256 MiB). */
  maxStdout?: number;
  /** Called with each stderr chunk (progress parsing). */
  onStderr?: (text: string) => void;
  /** Count stdout's bytes without keeping them (a decode whose length is all that matters). */
  countOnly?: boolean;
}

export interface RunOutput {
  stdout: Buffer;
  /** Bytes the tool wrote to stdout (also when they were not kept). */
  stdoutBytes: number;
  stderr: string;
}

const STDERR_KEEP = 64 * 1024;

/** The last few meaningful lines of a tool's stderr, each shortened, paths replaced. */
export function summariseStderr(stderr: string, redact: Record<string, string> = {}): string {
  let text = stderr;
  for (const [path, name] of Object.entries(redact)) if (path) text = text.split(path).join(name);
  const lines = text
    .split(/\r?\n/)
    // "key : value" lines are stream metadata (titles, tags): file content, never repeated in a message.
    .filter((l) => !/^\s+[\w.-][\w .-]*?\s+:\s/.test(l))
    .map((l) => l.replace(/[^\x20-\x7e\u00a0-\uffff]/g, '').trim())
    .filter(
      (l) => l && !/^(frame=|size=|Press \[q\]|Stream mapping|Stream #|Input #|Output #|Metadata:|Duration:)/.test(l),
    );
  const errors = lines.filter((l) => /error|invalid|failed|unable|cannot|could not|not found|no such/i.test(l));
  return (errors.length ? errors : lines)
    .slice(-3)
    .map((l) => (l.length > 160 ? `${l.slice(0, 157)}...` : l))
    .join(' | ');
}

export function runTool(tool: 'ffmpeg' | 'ffprobe', args: string[], opts: RunOptions = {}): Promise<RunOutput> {
  const bin = tool === 'ffmpeg' ? ffmpegPath() : ffprobePath();
  const maxStdout = opts.maxStdout ?? 256 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let size = 0;
    let stderr = '';
    let failure: HeguiError | null = null;
    child.stdout.on('data', (d: Buffer) => {
      size += d.length;
      if (size > maxStdout) {
        failure ??= new HeguiError('oversize', `${tool} produced more than ${maxStdout} bytes of output`);
        child.kill('SIGKILL');
        return;
      }
      if (!opts.countOnly) chunks.push(d);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      opts.onStderr?.(d);
      stderr = (stderr + d).slice(-STDERR_KEEP);
    });
    const timer = setTimeout(
      () => {
        failure ??= new HeguiError('tool_failed', `${tool} did not finish within ${(opts.timeoutMs ?? 0) / 1000} s`);
        child.kill('SIGKILL');
      },
      opts.timeoutMs ?? 30 * 60_000,
    );
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(
        new HeguiError('tool_failed', `${tool} could not be started (${(e as NodeJS.ErrnoException).code ?? 'error'})`),
      );
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (failure) return reject(failure);
      if (code !== 0) {
        const summary = summariseStderr(stderr, opts.redact);
        return reject(
          new HeguiError(
            'tool_failed',
            `${tool} failed (${signal ?? `exit ${code}`})${summary ? `: ${summary}` : ''}`,
            {
              tool,
              exitCode: code ?? -1,
            },
          ),
        );
      }
      resolve({ stdout: Buffer.concat(chunks), stdoutBytes: size, stderr });
    });
  });
}

/**
 * Run ffmpeg writing fixed-size raw frames to stdout and hand each frame to `onFrame` as it arrives, so a long video
 * is examined in constant memory. Resolves with stderr (for filters that log per frame).
 */
export function streamFrames(
  args: string[],
  frameBytes: number,
  onFrame: (frame: Buffer, index: number) => void,
  opts: RunOptions = {},
): Promise<string> {
  const bin = ffmpegPath();
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let index = 0;
    let stderr = '';
    let failure: unknown = null;
    child.stdout.on('data', (d: Buffer) => {
      pending.push(d);
      pendingBytes += d.length;
      if (pendingBytes < frameBytes) return;
      let all = Buffer.concat(pending, pendingBytes);
      try {
        while (all.length >= frameBytes) {
          onFrame(all.subarray(0, frameBytes), index++);
          all = all.subarray(frameBytes);
        }
      } catch (e) {
        failure ??= e;
        child.kill('SIGKILL');
      }
      pending = [Buffer.from(all)];
      pendingBytes = all.length;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      opts.onStderr?.(d);
      stderr += d;
      if (stderr.length > 64 * 1024 * 1024) {
        failure ??= new HeguiError('oversize', 'ffmpeg logged more than 64 MiB');
        child.kill('SIGKILL');
      }
    });
    const timer = setTimeout(
      () => {
        failure ??= new HeguiError('tool_failed', `ffmpeg did not finish within ${(opts.timeoutMs ?? 0) / 1000} s`);
        child.kill('SIGKILL');
      },
      opts.timeoutMs ?? 30 * 60_000,
    );
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(
        new HeguiError('tool_failed', `ffmpeg could not be started (${(e as NodeJS.ErrnoException).code ?? 'error'})`),
      );
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (failure) return reject(failure);
      if (code !== 0) {
        const summary = summariseStderr(stderr, opts.redact);
        return reject(
          new HeguiError('tool_failed', `ffmpeg failed (${signal ?? `exit ${code}`})${summary ? `: ${summary}` : ''}`, {
            tool: 'ffmpeg',
            exitCode: code ?? -1,
          }),
        );
      }
      resolve(stderr);
    });
  });
}

/**
 * What a resumable labelling run has done, so that a rerun skips it: a JSON Lines journal (by default
 * `.hegui-label-state.jsonl` in the output folder). Each labelled file appends one line — its input's size, mtime
 * and SHA-256, the output's, and the settings hash — with one write and an fsync, *before* the output is renamed
 * into place: a run stopped at any moment leaves either a line whose output is not there (the file is redone) or a
 * finished file with its line. At the end of a run the journal is rewritten with one line per input.
 *
 * A file is done when the settings hash is the same and
 * - with an output folder: the input's size, mtime and SHA-256 are the recorded ones and the output is still there
 *   with its recorded size and mtime (a touched or changed input, a changed policy, a deleted output: redone);
 * - in place: the file's SHA-256 is the recorded output's. A file labelled in place is never labelled again, not
 *   even with other settings: its original is gone, and a second pass would add a second explicit label.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { HeguiError } from '../../errors.ts';
import { ioError } from '../io/source.ts';
import { sha256OfFile } from './apply.ts';

export const STATE_FILE_NAME = '.hegui-label-state.jsonl';

export interface Fingerprint {
  size: number;
  mtimeMs: number;
  sha256: string;
}

export interface StateEntry {
  v: 1;
  /** Absolute input path. */
  input: string;
  in: Fingerprint;
  /** Absolute output path (the input itself in place). */
  output: string;
  out: Fingerprint;
  inPlace: boolean;
  /** The run's settings hash: policy settings, service type, producer, options. */
  settings: string;
  time: string;
  /** What the run reported for the file (kept for the rerun's report). */
  result?: unknown;
}

export type Resume =
  | { done: false }
  | { done: true; entry: StateEntry }
  /** In place, labelled earlier with other settings: not labelled again. */
  | { done: false; labelledInPlace: StateEntry };

const isEntry = (v: unknown): v is StateEntry => {
  const e = v as StateEntry;
  return !!e && e.v === 1 && typeof e.input === 'string' && typeof e.output === 'string' && !!e.in && !!e.out;
};

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export class LabelState {
  private constructor(
    readonly path: string,
    private readonly entries: Map<string, StateEntry>,
  ) {}

  /** Open (or start) the journal at `path`, holding a lock beside it so two runs never share it. */
  static async open(path: string): Promise<LabelState> {
    const full = resolve(path);
    await mkdir(dirname(full), { recursive: true }).catch((e: unknown) => {
      throw ioError(e, 'create the state folder');
    });
    await lock(`${full}.lock`);
    const entries = new Map<string, StateEntry>();
    try {
      if (await stat(full).catch(() => null)) {
        const lines = createInterface({ input: createReadStream(full, 'utf8'), crlfDelay: Infinity });
        for await (const line of lines) {
          if (!line.trim()) continue;
          try {
            const e: unknown = JSON.parse(line);
            // A torn last line (a run stopped mid-write) or a foreign line is ignored: its file is redone.
            if (isEntry(e)) entries.set(e.input, e);
          } catch {}
        }
      }
    } catch (e) {
      await unlink(`${full}.lock`).catch(() => {});
      throw ioError(e, 'read the state file');
    }
    return new LabelState(full, entries);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Whether `input` was done by an earlier run with these settings (see the module comment). */
  async check(input: string, settings: string, inPlace: boolean, output: string): Promise<Resume> {
    const e = this.entries.get(resolve(input));
    if (!e) return { done: false };
    const now = await stat(input).catch(() => null);
    if (!now) return { done: false };
    if (inPlace) {
      if (!e.inPlace || now.size !== e.out.size || (await sha256OfFile(input)) !== e.out.sha256) return { done: false };
      return e.settings === settings ? { done: true, entry: e } : { done: false, labelledInPlace: e };
    }
    if (e.inPlace || e.settings !== settings || e.output !== resolve(output)) return { done: false };
    if (now.size !== e.in.size || now.mtimeMs !== e.in.mtimeMs) return { done: false };
    const out = await stat(e.output).catch(() => null);
    if (!out || out.size !== e.out.size || out.mtimeMs !== e.out.mtimeMs) return { done: false };
    if ((await sha256OfFile(input)) !== e.in.sha256) return { done: false };
    return { done: true, entry: e };
  }

  /** Append one entry (one write, then fsync): called before the output is committed. */
  async record(entry: StateEntry): Promise<void> {
    this.entries.set(entry.input, entry);
    const fh = await open(this.path, 'a', 0o600).catch((e: unknown) => {
      throw ioError(e, 'open the state file');
    });
    try {
      await fh.write(`${JSON.stringify(entry)}\n`);
      await fh.sync();
    } catch (e) {
      throw ioError(e, 'write the state file');
    } finally {
      await fh.close();
    }
  }

  /** Rewrite the journal with one line per input (atomically) and release the lock. */
  async close(): Promise<void> {
    try {
      const temp = `${this.path}.${process.pid}.tmp`;
      const text = [...this.entries.values()].map((e) => `${JSON.stringify(e)}\n`).join('');
      await writeFile(temp, text, { mode: 0o600 });
      const fh = await open(temp, 'r+');
      await fh.sync().finally(() => fh.close());
      await rename(temp, this.path);
    } catch (e) {
      throw ioError(e, 'rewrite the state file');
    } finally {
      await unlink(`${this.path}.lock`).catch(() => {});
    }
  }

  /** Release the lock without rewriting (after an error). */
  async release(): Promise<void> {
    await unlink(`${this.path}.lock`).catch(() => {});
  }
}

/** Take the lock file; a lock left by a process that no longer runs is taken over. */
async function lock(path: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, String(process.pid), { flag: 'wx', mode: 0o600 });
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError(e, 'create the state lock');
    }
    const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
      throw new HeguiError(
        'usage',
        `another labelling run (process ${pid}) is using the state file; wait for it, or remove ${path} if it is not running`,
      );
    }
    await unlink(path).catch(() => {});
  }
  throw new HeguiError('usage', `the state lock ${path} could not be taken`);
}

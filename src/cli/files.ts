import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { HeguiError } from '../errors.ts';

export interface InputFile {
  path: string;
  /** Path relative to the folder it was found in (or the base name for a file named directly). */
  relative: string;
  /** True when the user named the file directly (an unknown format is then an error, not a skip). */
  explicit: boolean;
}

/** Bound on a folder walk, so a mistaken `/` does not run for hours. */
const MAX_FILES = 1_000_000;

/** Expand files and folders (recursively, skipping dot-files and symlinked folders) into a sorted file list. */
export async function collectInputs(paths: string[], exclude: string[] = []): Promise<InputFile[]> {
  const out: InputFile[] = [];
  for (const p of paths) {
    const st = await stat(p).catch(() => null);
    if (!st) throw new HeguiError('usage', `no such file or folder: ${p}`);
    if (st.isFile()) {
      out.push({ path: p, relative: p.split(/[\\/]/).pop()!, explicit: true });
      continue;
    }
    if (!st.isDirectory()) throw new HeguiError('usage', `not a file or folder: ${p}`);
    const base = resolve(p);
    const stack = [base];
    while (stack.length) {
      const d = stack.pop()!;
      const entries = await readdir(d, { withFileTypes: true });
      for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        if (e.name.startsWith('.')) continue;
        const full = join(d, e.name);
        if (e.isDirectory()) {
          if (!exclude.includes(full)) stack.push(full);
        } else if (e.isFile()) out.push({ path: full, relative: relative(base, full), explicit: false });
        if (out.length > MAX_FILES) throw new HeguiError('usage', `more than ${MAX_FILES} files under ${p}`);
      }
    }
  }
  return out;
}

/** Run `fn` over items with at most `jobs` in flight, in order of start. */
export async function pool<T>(
  items: readonly T[],
  jobs: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, worker));
}

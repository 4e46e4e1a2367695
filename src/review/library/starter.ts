/**
 * The starter library the project writes and ships (`starter/`: one JSON lines file per TC260-003 category, rules and
 * allowed phrases, a README): a starting point by risk code, far below the TC260-003 sizes. It is found next to this
 * module, in the source tree and in the built package alike (the build copies the folder into dist/).
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HeguiError } from '../../errors.ts';

export const STARTER_DIR = fileURLToPath(new URL('./starter/', import.meta.url));

/** The starter library's JSON lines files, sorted by name. */
export async function starterFiles(): Promise<string[]> {
  const names = await readdir(STARTER_DIR).catch(() => {
    throw new HeguiError('io', `the starter library is missing from ${STARTER_DIR} (an incomplete installation)`);
  });
  const files = names.filter((n) => n.endsWith('.jsonl')).sort();
  if (files.length === 0) throw new HeguiError('io', `the starter library in ${STARTER_DIR} has no .jsonl files`);
  return files.map((n) => join(STARTER_DIR, n));
}

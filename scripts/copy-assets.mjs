// Copies the files the built package reads at run time but tsc does not emit: the starter feature library
// (src/review/library/starter/*.jsonl and its README) into dist/, next to the module that finds it.
import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const from = 'src/review/library/starter';
const to = 'dist/review/library/starter';
mkdirSync(to, { recursive: true });
for (const name of readdirSync(from)) if (/\.(jsonl|md)$/.test(name)) cpSync(join(from, name), join(to, name));

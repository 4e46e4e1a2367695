/** Shared helpers of the document codec tests: a scratch folder, labels, and "refused, input untouched" checks. */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { type AigcRecord, createLabel, readLabel, writeLabel } from '../../src/index.ts';
import { exiftool, sha256File } from '../support/media.ts';
import { rejectsWith } from './jpeg-support.ts';

export const PRODUCER = '001191440300708461136T1XGW3';
export const old: AigcRecord = createLabel({ producer: PRODUCER, produceId: 'old-0001' });
/** Quotes and parentheses exercise every escaping layer (JSON, PDF literal strings, XML, YAML, HTML attributes). */
export const next: AigcRecord = {
  ...createLabel({ producer: PRODUCER, produceId: 'new-0002', label: '2' }),
  ReservedCode1: 'a"(b)<&>',
};

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-docs-'));
});
after(async () => {
  await exiftool.end();
  await rm(dir, { recursive: true, force: true });
});

let n = 0;
/** Write bytes to a fresh file in the scratch folder. */
export async function file(name: string, bytes: Uint8Array | string): Promise<string> {
  const p = join(dir, `${n++}-${name}`);
  await writeFile(p, bytes);
  return p;
}

export const scratch = (): string => dir;

/** Writing in place is refused with `code`, the file keeps its bytes and no temporary file is left. */
export async function refused(path: string, code: string, label: AigcRecord = next): Promise<void> {
  const hash = await sha256File(path);
  await rejectsWith(writeLabel(path, label), code);
  assert.equal(await sha256File(path), hash, 'a refused write changed the input');
  assert.equal((await readdir(dir)).filter((f) => f.endsWith('.tmp')).length, 0, 'temporary file left behind');
}

/** Reading gives these site placements and these warning codes. */
export async function reads(path: string, placements: string[], warnings: string[] = []): Promise<void> {
  const r = await readLabel(path);
  assert.deepEqual(
    r.sites.map((s) => s.placement),
    placements,
  );
  assert.deepEqual(
    r.warnings.map((w) => w.code),
    warnings,
  );
}

/** Write `label` to a new file and read it back: exactly one normative site with that label. */
export async function labelled(path: string, label: AigcRecord = next): Promise<string> {
  const out = `${path}.out`;
  await writeLabel(path, label, { out });
  const r = await readLabel(out);
  assert.equal(r.sites.length, 1);
  assert.equal(r.sites[0]!.normative, true);
  assert.deepEqual(r.label, label);
  return out;
}

export { rejectsWith };

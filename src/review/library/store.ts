/**
 * A library on disk: one JSON file holding every version, or a folder with `library.json` (name) and
 * `versions/NNNNNN.json` (one immutable version per file, never rewritten). Writes go to a temporary file and are
 * renamed into place. Every version's content hash is checked when read.
 */
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HeguiError } from '../../errors.ts';
import { type FeatureLibrary, type FeatureLibraryVersion, LIBRARY_FORMAT, verifyVersion } from './model.ts';

const MAX_LIBRARY_BYTES = 1024 * 1024 * 1024;

async function atomicWrite(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

function checkLibrary(lib: unknown, where: string): FeatureLibrary {
  const l = lib as FeatureLibrary;
  if (!l || l.format !== LIBRARY_FORMAT || !Array.isArray(l.versions))
    throw new HeguiError('format_unknown', `${where} is not a Hegui feature library (${LIBRARY_FORMAT})`);
  l.versions.forEach((v, i) => {
    if (v.version !== i + 1) throw new HeguiError('malformed', `${where}: versions are not numbered 1, 2, 3…`);
    if (!verifyVersion(v))
      throw new HeguiError(
        'malformed',
        `${where}: version ${v.version} does not match its content hash (edited or damaged)`,
      );
    if (i > 0 && v.parent !== l.versions[i - 1]!.contentHash)
      throw new HeguiError('malformed', `${where}: version ${v.version} does not follow version ${i}`);
  });
  return l;
}

export async function isFolder(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() === true;
}

export async function readLibrary(path: string): Promise<FeatureLibrary> {
  if (await isFolder(path)) {
    const meta = JSON.parse(await readFile(join(path, 'library.json'), 'utf8')) as { format: string; name: string };
    const dir = join(path, 'versions');
    const names = (await readdir(dir)).filter((n) => /^\d{6}\.json$/.test(n)).sort();
    const versions: FeatureLibraryVersion[] = [];
    for (const n of names) versions.push(JSON.parse(await readFile(join(dir, n), 'utf8')));
    return checkLibrary({ format: meta.format, name: meta.name, versions }, path);
  }
  const st = await stat(path).catch(() => null);
  if (!st) throw new HeguiError('usage', `no such library: ${path}`);
  if (st.size > MAX_LIBRARY_BYTES)
    throw new HeguiError('oversize', `library file is ${st.size} bytes, over the limit`, { size: st.size });
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    throw new HeguiError('malformed', `${path} is not JSON`);
  }
  return checkLibrary(parsed, path);
}

/** Write a library; a folder keeps existing version files and adds the new ones. */
export async function writeLibrary(path: string, lib: FeatureLibrary, asFolder?: boolean): Promise<void> {
  if (asFolder ?? (await isFolder(path))) {
    await mkdir(join(path, 'versions'), { recursive: true });
    await atomicWrite(
      join(path, 'library.json'),
      `${JSON.stringify({ format: lib.format, name: lib.name }, null, 2)}\n`,
    );
    for (const v of lib.versions) {
      const file = join(path, 'versions', `${String(v.version).padStart(6, '0')}.json`);
      if (await stat(file).catch(() => null)) continue;
      await atomicWrite(file, `${JSON.stringify(v)}\n`);
    }
    return;
  }
  await atomicWrite(path, `${JSON.stringify(lib)}\n`);
}

export async function writeBytes(path: string, bytes: Uint8Array): Promise<void> {
  await atomicWrite(path, bytes);
}

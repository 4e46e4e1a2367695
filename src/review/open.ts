/** Open what a user names as "the library": a compiled artifact (bytes) or a library file/folder (compiled now). */
import { readFile } from 'node:fs/promises';
import { HeguiError } from '../errors.ts';
import { isCompiledLibrary, loadLibrary } from './compiled/artifact.ts';
import { compileVersion } from './compiled/compile.ts';
import type { CompiledLibrary } from './compiled/compiled-library.ts';
import { latestVersion } from './library/model.ts';
import { isFolder, readLibrary } from './library/store.ts';

export async function openCompiledLibrary(path: string): Promise<CompiledLibrary> {
  if (!(await isFolder(path))) {
    const bytes = await readFile(path).catch(() => {
      throw new HeguiError('usage', `no such library: ${path}`);
    });
    if (isCompiledLibrary(bytes)) return loadLibrary(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }
  const lib = await readLibrary(path);
  const v = latestVersion(lib);
  if (!v) throw new HeguiError('usage', 'the library has no version yet: import entries first');
  return compileVersion(v, lib.name);
}

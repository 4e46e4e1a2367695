import { readFile, stat } from 'node:fs/promises';
import { HeguiError } from '../errors.ts';
import { type LabelSigner, loadPrivateKey } from '../label/security/keys.ts';
import { loadTrustList, type TrustList } from '../label/security/trust-list.ts';
import type { Output } from './output.ts';

/** The signer of `--sign KEY`: a PEM private key file; a key others can read is used, with a warning. */
export async function signerFromFile(path: string, io: Output): Promise<LabelSigner> {
  const st = await stat(path).catch(() => null);
  if (!st?.isFile()) throw new HeguiError('usage', `--sign needs a private key file: ${path}`);
  if (process.platform !== 'win32' && st.mode & 0o077) {
    io.warn(`${path} can be read by other users (mode ${(st.mode & 0o777).toString(8)}); chmod 600 it`);
  }
  return loadPrivateKey(await readFile(path, 'utf8'));
}

export async function trustFromFile(path: string | undefined): Promise<TrustList | undefined> {
  if (path === undefined) return undefined;
  if (!(await stat(path).catch(() => null))?.isFile()) throw new HeguiError('usage', `no such trust list: ${path}`);
  return loadTrustList(path);
}

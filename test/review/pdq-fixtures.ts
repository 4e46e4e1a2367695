/**
 * Meta's PDQ test vectors from the shared test data (never copied into the repository): the folder next to the
 * repository (../shared/testdata/pdq), or $HEGUI_TESTDATA/pdq when the checkout lives elsewhere.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TESTDATA =
  process.env['HEGUI_TESTDATA'] ?? fileURLToPath(new URL('../../../shared/testdata/', import.meta.url));
export const PDQ_DIR = join(TESTDATA, 'pdq');
export const HAVE_PDQ = existsSync(join(PDQ_DIR, 'expected_hashes.tsv'));
export const SKIP_PDQ = HAVE_PDQ ? false : `PDQ test vectors not found at ${PDQ_DIR} (set HEGUI_TESTDATA)`;

export interface ExpectedHash {
  /** Path relative to the pdq folder. */
  file: string;
  hex: string;
  quality?: number;
  implementation: string;
  present: boolean;
}

export function expectedHashes(): ExpectedHash[] {
  const lines = readFileSync(join(PDQ_DIR, 'expected_hashes.tsv'), 'utf8').trim().split('\n').slice(1);
  return lines.map((l) => {
    const [image, hex, quality, implementation, , present] = l.split('\t');
    return {
      file: image!.split(' ')[0]!,
      hex: hex!,
      ...(quality ? { quality: Number(quality) } : {}),
      implementation: implementation!,
      present: present!.startsWith('yes'),
    };
  });
}

/** The C++ pdq-photo-hasher and the Java tool agree exactly: these are the reference values. */
export const isReference = (e: ExpectedHash) => /^(cpp|java) /.test(e.implementation);

/** Shared set-up of the MP4 codec tests: the labels, ffmpeg inputs and a scratch folder with write/refuse helpers. */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { createLabel, isHeguiError, serializeBare, writeLabel } from '../../src/index.ts';
import { mp4Codec } from '../../src/label/codecs/bmff/mp4.ts';
import { BufferSource } from '../../src/label/io/source.ts';
import { sha256File } from '../support/media.ts';

const PRODUCER = '001191440300708461136T1XGW3';
export const label = createLabel({ producer: PRODUCER, produceId: 'mp4-0001' });
export const json = serializeBare(label);
/** A label already in a file, same length as `json` on purpose in some tests (no size change). */
export const old = serializeBare(createLabel({ producer: PRODUCER, produceId: 'old-0000' }));

/** One second of tiny H.264 + AAC from ffmpeg's test sources. */
export const AV = [
  '-f',
  'lavfi',
  '-i',
  'testsrc=size=64x48:rate=10',
  '-f',
  'lavfi',
  '-i',
  'sine=frequency=440:sample_rate=8000',
];
export const ENC = ['-t', '1', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-b:a', '16k'];

/** A temporary folder for the calling test file, removed after it. */
export function scratch(): {
  path: (name: string) => string;
  put: (bytes: Uint8Array, ext?: string) => Promise<string>;
  labelled: (bytes: Uint8Array) => Promise<Buffer>;
  refuses: (bytes: Uint8Array, code: string) => Promise<void>;
} {
  let dir = '';
  let n = 0;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hegui-bmff-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const put = async (bytes: Uint8Array, ext = 'mp4'): Promise<string> => {
    const p = join(dir, `f${n++}.${ext}`);
    await writeFile(p, bytes);
    return p;
  };
  return {
    path: (name) => join(dir, name),
    put,
    async labelled(bytes) {
      const p = await put(bytes);
      await writeLabel(p, label);
      return readFile(p);
    },
    /** Writing refuses with `code`; the input file is byte-identical and no temporary file is left. */
    async refuses(bytes, code) {
      const p = await put(bytes);
      const hash = await sha256File(p);
      await assert.rejects(writeLabel(p, label), (e: unknown) => isHeguiError(e) && e.code === code);
      assert.equal(await sha256File(p), hash, 'a refused write changed the input');
      assert.deepEqual(
        (await readdir(dir)).filter((f) => f.endsWith('.tmp')),
        [],
      );
    },
  };
}

/** Reading is lenient: the problem shows as a warning with this code. */
export async function readWarns(bytes: Uint8Array, code: string): Promise<void> {
  const r = await mp4Codec.read(new BufferSource(bytes));
  assert.ok(
    r.warnings.some((w) => w.code === code),
    `expected a ${code} warning, got ${JSON.stringify(r.warnings)}`,
  );
}

/** The first chunk offset of the first stco/co64 and the first mdat payload offset. */
export function chunkAndMdat(b: Buffer): { chunk: number; mdat: number } {
  const s = b.indexOf('stco');
  const chunk = s >= 0 ? b.readUInt32BE(s + 12) : Number(b.readBigUInt64BE(b.indexOf('co64') + 12));
  return { chunk, mdat: b.indexOf('mdat') + 4 };
}

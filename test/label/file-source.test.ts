/**
 * FileSource.chunks reuses one buffer per copy. Every byte must arrive once and in order at
 * any chunk size and range, a caller that stops early must leave no read running, and a file cut short under it must
 * give a named error.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FileSource } from '../../src/label/io/source.ts';

let dir: string;
let file: string;
const data = randomBytes(1_000_003);
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-file-source-'));
  file = join(dir, 'data.bin');
  await writeFile(file, data);
});
after(() => rm(dir, { recursive: true, force: true }));

async function collect(src: FileSource, offset: number, length: number, chunk: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  // Copied at once: a chunk is valid only until the next one is asked for.
  for await (const c of src.chunks(offset, length, chunk)) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

describe('FileSource.chunks', () => {
  it('yields every byte of the range once, in order, at any chunk size', async () => {
    const src = await FileSource.open(file);
    try {
      for (const chunk of [1, 7, 4096, 65_536, 333_333, 1_000_003, 4 << 20]) {
        for (const [offset, length] of [
          [0, data.length],
          [1, data.length - 1],
          [12_345, 500_000],
          [data.length - 3, 3],
          [500, 0],
        ] as const) {
          if (chunk === 1 && length > 70_000) continue;
          const got = await collect(src, offset, length, chunk);
          assert.ok(got.equals(data.subarray(offset, offset + length)), `chunk ${chunk} at ${offset}+${length}`);
        }
      }
    } finally {
      await src.close();
    }
  });

  it('a caller that stops early can close the file at once', async () => {
    const src = await FileSource.open(file);
    let seen = 0;
    for await (const c of src.chunks(0, data.length, 10_000)) {
      seen += c.length;
      if (seen >= 30_000) break;
    }
    await src.close();
    assert.equal(seen, 30_000);
  });

  it('a file cut short while it is copied gives a named error', async () => {
    const f = join(dir, 'shrinks.bin');
    await writeFile(f, data);
    const src = await FileSource.open(f);
    try {
      await assert.rejects(
        (async () => {
          let first = true;
          for await (const _ of src.chunks(0, data.length, 100_000)) {
            if (first) await truncate(f, 150_000);
            first = false;
          }
        })(),
        (e: Error & { code?: string }) => e.code === 'truncated',
      );
    } finally {
      await src.close();
    }
  });
});

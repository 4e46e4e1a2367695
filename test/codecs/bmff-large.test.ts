/**
 * Large MP4s are streamed: only the moov is read into memory, the media data is copied in chunks. Real ffmpeg
 * output has its mdat grown by a sparse hole (the file system stores no bytes for it), so a multi-GiB file costs
 * neither disk nor much time, and the resident memory of labelling it must not grow with its size.
 */
import assert from 'node:assert/strict';
import { type FileHandle, mkdtemp, open, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLabel, readLabel, serializeBare, writeLabel } from '../../src/index.ts';
import { mp4Codec } from '../../src/label/codecs/bmff/mp4.ts';
import type { ByteSink } from '../../src/label/io/sink.ts';
import { type ByteSource, FileSource } from '../../src/label/io/source.ts';
import { ffmpeg, ffprobeAigc, packetHashes } from '../conformance/fixtures/bmff.ts';
import { AV, ENC } from './bmff-harness.ts';

const label = createLabel({ producer: '001191440300708461136T1XGW3', produceId: 'large-0001' });
const GiB = 1024 * 1024 * 1024;
const MiB = 1024 * 1024;
const ZERO = Buffer.alloc(MiB);

/** Writes a file leaving all-zero chunks as holes, so copying a sparse mdat stays sparse. */
class SparseFileSink implements ByteSink {
  position = 0;
  constructor(private readonly fh: FileHandle) {}
  async write(bytes: Uint8Array): Promise<void> {
    await this.fh.write(bytes, 0, bytes.length, this.position);
    this.position += bytes.length;
  }
  async copyFrom(src: ByteSource, offset: number, length: number): Promise<void> {
    for await (const c of src.chunks(offset, length)) {
      if (Buffer.compare(c, ZERO.subarray(0, c.length)) !== 0) await this.fh.write(c, 0, c.length, this.position);
      this.position += c.length;
    }
  }
  async patch(position: number, bytes: Uint8Array): Promise<void> {
    await this.fh.write(bytes, 0, bytes.length, position);
  }
  async close(): Promise<void> {
    await this.fh.truncate(this.position);
    await this.fh.close();
  }
}

/**
 * Rewrite a small ffmpeg MP4 so its mdat gains `hole` bytes at its end: FFmpeg's 8-byte `free` before `mdat` and the
 * compact mdat header become one 16-byte largesize header, so every chunk offset stays valid.
 */
async function grow(small: string, big: string, hole: number): Promise<void> {
  const b = await readFile(small);
  const mdatAt = b.indexOf('mdat') - 4;
  assert.equal(b.subarray(mdatAt - 4, mdatAt).toString(), 'free', 'expected free before mdat');
  const mdatEnd = mdatAt + b.readUInt32BE(mdatAt);
  const header = Buffer.alloc(16);
  header.writeUInt32BE(1, 0);
  header.write('mdat', 4, 'latin1');
  header.writeBigUInt64BE(BigInt(mdatEnd - mdatAt + 8 + hole), 8);
  const fh = await open(big, 'w');
  try {
    await fh.write(b, 0, mdatAt - 8, 0);
    await fh.write(header, 0, 16, mdatAt - 8);
    await fh.write(b, mdatAt + 8, mdatEnd - mdatAt - 8, mdatAt + 8);
    const rest = b.subarray(mdatEnd);
    await fh.write(rest, 0, rest.length, mdatEnd + hole);
    await fh.truncate(mdatEnd + hole + rest.length);
  } finally {
    await fh.close();
  }
}

/** Run `fn` while sampling the resident set size; returns the peak growth over the level before. */
async function peakRssGrowth(fn: () => Promise<void>): Promise<number> {
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, process.memoryUsage().rss) - base;
}

describe('mp4 large files are streamed', { timeout: 120_000 }, () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hegui-bmff-large-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  // Reading a hole still costs the kernel time (about 1 GiB/s here): a 2.25 GiB file (offsets past 2^31) with the moov
  // at the end, the layout most large files have, and 1 GiB with the moov first (every chunk offset moves).
  for (const [layout, hole] of [
    ['moov at end', 2.25 * GiB],
    ['moov first', 1 * GiB],
  ] as const) {
    it(`${hole / GiB} GiB, ${layout}: memory does not grow with the file, packets unchanged`, async () => {
      const small = join(dir, `small-${layout === 'moov first' ? 'fast' : 'end'}.mp4`);
      await ffmpeg([...AV, ...ENC, ...(layout === 'moov first' ? ['-movflags', '+faststart'] : []), small]);
      const big = join(dir, 'big.mp4');
      await grow(small, big, hole);
      const size = (await stat(big)).size;
      assert.ok(size > hole);
      const hashes = await packetHashes(big);

      const out = join(dir, 'big-labelled.mp4');
      let progress = 0;
      const growth = await peakRssGrowth(async () => {
        const src = await FileSource.open(big);
        const sink = new SparseFileSink(await open(out, 'w'));
        try {
          await mp4Codec.write!(src, sink, label, { onProgress: (done) => (progress = done) });
        } finally {
          await sink.close();
          await src.close();
        }
      });
      assert.ok(
        growth < 128 * MiB,
        `resident memory grew by ${Math.round(growth / MiB)} MiB for a ${Math.round(size / MiB)} MiB file`,
      );
      assert.equal(progress, size);

      const r = await readLabel(out);
      assert.deepEqual(r.label, label);
      assert.equal(r.sites.length, 1);
      assert.deepEqual(await packetHashes(out), hashes);
      assert.equal(await ffprobeAigc(out), serializeBare(label));
      await rm(big);
      await rm(out);
    });
  }

  // The public API at full size: writeLabel in place on a 2.25 GiB file with the moov at the end edits the moov and
  // leaves the mdat where it is, so memory stays flat and the sparse file stays sparse (no GiB of zeros is written).
  it('writeLabel in place, 2.25 GiB, moov at end: memory bounded, mdat not rewritten, packets unchanged', async () => {
    const small = join(dir, 'small-api.mp4');
    await ffmpeg([...AV, ...ENC, small]);
    const big = join(dir, 'api.mp4');
    await grow(small, big, 2.25 * GiB);
    const before = await stat(big);
    assert.ok(before.size > 2.25 * GiB);
    const hashes = await packetHashes(big);
    let result: Awaited<ReturnType<typeof writeLabel>> | undefined;
    const growth = await peakRssGrowth(async () => {
      result = await writeLabel(big, label);
    });
    assert.ok(
      growth < 128 * MiB,
      `resident memory grew by ${Math.round(growth / MiB)} MiB for a ${Math.round(before.size / MiB)} MiB file`,
    );
    const after = await stat(big);
    assert.equal(result!.bytesOut, after.size);
    assert.ok(after.size > before.size, 'the labelled moov should be larger');
    const written = (after.blocks - before.blocks) * 512;
    assert.ok(written < 16 * MiB, `${Math.round(written / MiB)} MiB more allocated: the mdat was rewritten`);
    const r = await readLabel(big);
    assert.deepEqual(r.label, label);
    assert.equal(r.sites.length, 1);
    assert.deepEqual(await packetHashes(big), hashes);
    assert.equal(await ffprobeAigc(big), serializeBare(label));
    await rm(big);
  });

  it('writeLabel on a 256 MiB file through the atomic file sink keeps memory flat', async () => {
    const small = join(dir, 'small-mid.mp4');
    await ffmpeg([...AV, ...ENC, small]);
    const big = join(dir, 'mid.mp4');
    await grow(small, big, 256 * MiB);
    const hashes = await packetHashes(big);
    const growth = await peakRssGrowth(async () => {
      await writeLabel(big, label);
    });
    assert.ok(growth < 96 * MiB, `resident memory grew by ${Math.round(growth / MiB)} MiB`);
    assert.deepEqual((await readLabel(big)).label, label);
    assert.deepEqual(await packetHashes(big), hashes);
  });
});

/**
 * Hostile and edge inputs for explicit labels: each gets a named HeguiError, the input is never touched, and no
 * output (or temporary file) is left behind.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { createLabel, isHeguiError, labelImageFile, readLabel, renderImageLabel } from '../../src/index.ts';
import { sha256File } from '../support/media.ts';
import { noise, solid } from './support.ts';

const label = createLabel({ producer: '001191440300708461136T1XGW3', produceId: 'hostile' });
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-explicit-hostile-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Label `bytes` from a file into another; expect `code`, an untouched input and nothing new in the folder. */
async function refuses(name: string, bytes: Uint8Array, code: string, options = {}): Promise<void> {
  const sub = await mkdtemp(join(dir, `${name}-`));
  const input = join(sub, 'in');
  await writeFile(input, bytes);
  const hash = await sha256File(input);
  const e = await labelImageFile(input, join(sub, 'out'), { label, ...options }).catch((x: unknown) => x);
  assert.ok(isHeguiError(e), `${name}: a HeguiError, got ${String(e)}`);
  assert.equal(e.code, code, `${name}: ${e.message}`);
  assert.doesNotMatch(e.message, /\/|\\/, 'no path in the message');
  assert.equal(await sha256File(input), hash, `${name}: input untouched`);
  assert.deepEqual(await readdir(sub), ['in'], `${name}: no output or temporary file left`);
}

/** A PNG whose header claims `w`×`h` (CRC fixed), with a tiny real image after it. */
async function pngClaiming(w: number, h: number): Promise<Buffer> {
  const png = Buffer.from(await solid(8, 8, '#888').png().toBuffer());
  png.writeUInt32BE(w, 16);
  png.writeUInt32BE(h, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

describe('explicit labels: hostile and edge inputs', () => {
  it('an empty file', async () => refuses('empty', new Uint8Array(0), 'format_unknown'));

  it('1×1 and 16×16 pictures are too small for a legible label', async () => {
    await refuses('one', await solid(1, 1, '#fff').png().toBuffer(), 'label_unfit');
    await refuses('sixteen', await solid(16, 16, '#fff').png().toBuffer(), 'label_unfit');
  });

  it('huge claimed dimensions are refused before any pixel is decoded', async () => {
    await refuses('huge', await pngClaiming(100_000, 100_000), 'oversize');
    await refuses('limit', await solid(2000, 1000, '#fff').png().toBuffer(), 'oversize', {
      limitInputPixels: 1_000_000,
    });
  });

  it('corrupt and truncated pictures', async () => {
    const jpeg = await noise(256, 256).jpeg({ quality: 90 }).toBuffer();
    await refuses('cut', jpeg.subarray(0, Math.floor(jpeg.length / 2)), 'truncated');
    const garbage = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.alloc(200, 0x41),
    ]);
    const e = await renderImageLabel(garbage).catch((x: unknown) => x);
    assert.ok(isHeguiError(e) && ['malformed', 'format_unknown', 'truncated'].includes(e.code), String(e));
    await refuses('text', Buffer.from('just some text, not an image'), 'format_unknown');
  });

  it('animated GIFs and SVG are refused as unsupported', async () => {
    // Two 64×64 frames: raw pixels as a 64×128 strip with a page height.
    const strip = await noise(64, 128).raw().toBuffer();
    const animated = await sharp(strip, { raw: { width: 64, height: 128, channels: 3, pageHeight: 64 } as never })
      .gif({ delay: [100, 100], loop: 0 })
      .toBuffer();
    assert.equal((await sharp(animated).metadata()).pages, 2);
    await refuses('animated', animated, 'format_unsupported');
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300"><rect width="400" height="300"/></svg>',
    );
    await refuses('svg', svg, 'format_unsupported');
  });

  it('unusable options are usage errors; an invalid text is label_text_invalid', async () => {
    const png = await solid(200, 100, '#fff').png().toBuffer();
    await refuses('ratio', png, 'usage', { heightRatio: 0.04 });
    await refuses('position', png, 'usage', { position: 'centre' });
    await refuses('text', png, 'label_text_invalid', { text: '生成' });
    await refuses('meta', png, 'label_invalid', { label: { ...label, Label: '9' } });
  });

  it('a failed write leaves an existing output as it was; in place, the original is replaced atomically', async () => {
    const sub = await mkdtemp(join(dir, 'atomic-'));
    const good = join(sub, 'good.png');
    const out = join(sub, 'out.png');
    await solid(200, 100, '#246').png().toFile(good);
    await writeFile(out, 'previous output');
    const bad = join(sub, 'bad.png');
    await solid(200, 100, '#246').png().toFile(bad);
    await truncate(bad, 60);
    await assert.rejects(labelImageFile(bad, out, { label }));
    assert.equal(await readFile(out, 'utf8'), 'previous output');
    await labelImageFile(good, good, { label });
    assert.equal((await readLabel(good)).label?.ProduceID, 'hostile');
    assert.deepEqual((await readdir(sub)).sort(), ['bad.png', 'good.png', 'out.png']);
  });
});

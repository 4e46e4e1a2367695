/**
 * Explicit labels on images, checked independently: the label region is found by diffing output against input,
 * its ink height and contrast are measured with formulas written out in support.ts, the rest of the picture is
 * compared with the input (exactly for lossless formats, against a plain re-encode for JPEG), and the metadata label
 * is read back from every file labelled through labelImageFile: sizes up to 8000×6000 landscape and portrait,
 * plain and busy backgrounds (photos from the shared test data), every EXIF orientation, every format.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp, { type Sharp } from 'sharp';
import {
  createLabel,
  type ImageLabelReport,
  labelImageFile,
  type RenderedImage,
  readLabel,
  renderImageLabel,
} from '../../src/index.ts';
import {
  changedBox,
  contains,
  measureInk,
  noise,
  type Pixels,
  psnrOutside,
  type Rect,
  rgb,
  solid,
  testdata,
} from './support.ts';

const P = '001191440300708461136T1XGW3';
const label = createLabel({ producer: P, produceId: 'explicit-test' });
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-explicit-img-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const textLevel = (r: ImageLabelReport) => (r.polarity === 'light-on-dark' ? 255 : 0);

let files = 0;
/**
 * The whole file path (labelImageFile): the explicit label drawn, then the metadata label written; read back by the
 * codec registry, exactly one label with this run's ProduceID. Returns the output bytes and the drawing report.
 */
async function labelFile(input: Buffer, position?: string): Promise<RenderedImage> {
  const inFile = join(dir, `case-${files++}`);
  const outFile = `${inFile}.out`;
  await writeFile(inFile, input);
  const res = await labelImageFile(inFile, outFile, { label, ...(position ? { position: position as never } : {}) });
  const reading = await readLabel(outFile);
  assert.equal(reading.label?.ProduceID, 'explicit-test', 'the metadata label is in the output too');
  assert.equal(reading.sites.length, 1, 'exactly one metadata label');
  const data = await readFile(outFile);
  assert.equal((await sharp(data).metadata()).format, (await sharp(input).metadata()).format, 'the input format');
  return { data, report: res.report };
}

/** The label's 16×16 macroblocks (4:2:0 JPEG), one more around for the decoder's chroma upsampling. */
function macroblocks(r: ImageLabelReport): Rect {
  const g = (v: number) => Math.floor(v / 16) * 16;
  const box = { x: g(r.plate.x), y: g(r.plate.y), width: 0, height: 0 };
  box.width = g(r.plate.x + r.plate.width + 15) - box.x;
  box.height = g(r.plate.y + r.plate.height + 15) - box.y;
  return box;
}

/** The checks every labelled image must pass; `lossless` tightens "nothing else changed" to exact equality. */
async function assertLabel(input: Buffer, out: Buffer, r: ImageLabelReport, lossless: boolean): Promise<Pixels> {
  const a = await rgb(input);
  const b = await rgb(out);
  assert.equal(b.width, r.width);
  assert.equal(b.height, r.height);
  assert.equal(a.width, b.width, 'the picture keeps its displayed size');
  const short = Math.min(r.width, r.height);
  const m = measureInk(b, r.plate, textLevel(r));
  assert.ok(m.ink.height >= 0.05 * short, `ink ${m.ink.height} px ≥ 5% of ${short}`);
  assert.ok(m.ink.height >= 12, 'legible: at least 12 px');
  assert.ok(contains(r.plate, m.ink), 'the ink lies inside the plate');
  const edge = Math.max(2, Math.round(0.02 * short));
  const atEdge =
    r.plate.x === edge ||
    r.plate.y === edge ||
    r.plate.x + r.plate.width === r.width - edge ||
    r.plate.y + r.plate.height === r.height - edge;
  assert.ok(atEdge, 'the plate sits at an edge or corner');
  if (lossless) {
    assert.equal(m.ink.height, r.inkHeightPx, 'the reported ink height is what is in the file');
    assert.ok(m.contrastMin >= 4.5, `contrast ${m.contrastMin.toFixed(2)} ≥ 4.5 at every plate pixel`);
    // The report's figure is the floor over every plate pixel; the plate around the text can only do as well.
    assert.ok(m.contrastMin >= 0.99 * r.contrast, 'the reported contrast is a true floor of the achieved one');
    const changed = changedBox(a, b, 0);
    assert.ok(changed && contains(r.plate, changed), 'no pixel outside the plate changed');
  } else {
    assert.ok(m.contrast1 >= 4.5, `contrast ${m.contrast1.toFixed(2)} ≥ 4.5 (worst 1% after lossy coding)`);
    assert.ok(Math.abs(m.ink.height - r.inkHeightPx) <= 1, 'the coded ink height is within a pixel of the drawn one');
    // Outside the label the output is as close to the input as a plain re-encode with the same settings.
    const plain = await rgb(await reencode(input, r));
    const psnr = psnrOutside(a, b, r.plate, 16);
    const base = psnrOutside(a, plain, r.plate, 16);
    if (r.format === 'gif') {
      // 256 colours: the palette is rebuilt to hold the label's greys, so other colours may move by a palette step.
      assert.ok(psnr >= 40, `outside the label: PSNR ${psnr.toFixed(2)} dB after the GIF palette is rebuilt`);
    } else {
      assert.ok(
        psnr >= base - 0.5,
        `outside the label: PSNR ${psnr.toFixed(2)} dB, a plain re-encode ${base.toFixed(2)} dB`,
      );
    }
  }
  return b;
}

/** The input re-encoded without a label, with the settings the report says the output used. */
async function reencode(input: Buffer, r: ImageLabelReport): Promise<Buffer> {
  const meta = await sharp(input).metadata();
  const img = sharp(input).autoOrient();
  const q = r.quality?.value ?? 90;
  switch (r.format) {
    case 'jpeg':
      return img
        .jpeg({ quality: q, chromaSubsampling: meta.chromaSubsampling === '4:4:4' ? '4:4:4' : '4:2:0' })
        .toBuffer();
    case 'webp':
      return img.webp({ quality: q, alphaQuality: 100, smartSubsample: true }).toBuffer();
    case 'heif':
      return img.avif({ quality: q, chromaSubsampling: '4:4:4' }).toBuffer();
    case 'gif':
      return img.gif({ reuse: false, dither: 0 }).toBuffer();
    default:
      return img.png().toBuffer();
  }
}

describe('image labels: sizes, backgrounds, positions', () => {
  const cases: { name: string; make: () => Promise<Buffer>; position?: string; lossless: boolean }[] = [
    { name: '64×48 PNG (legibility floor)', make: () => solid(64, 48, '#3a7').png().toBuffer(), lossless: true },
    {
      name: '640×480 PNG, white',
      make: () => solid(640, 480, '#fff').png().toBuffer(),
      position: 'top-left',
      lossless: true,
    },
    {
      name: '640×480 PNG, black',
      make: () => solid(640, 480, '#000').png().toBuffer(),
      position: 'bottom',
      lossless: true,
    },
    { name: '640×480 PNG, noise', make: () => noise(640, 480).png().toBuffer(), lossless: true },
    {
      name: '640×480 PNG, noise, right edge',
      make: () => noise(640, 480, 7).png().toBuffer(),
      position: 'right',
      lossless: true,
    },
    {
      name: '480×640 PNG, mid grey, top',
      make: () => solid(480, 640, '#777').png().toBuffer(),
      position: 'top',
      lossless: true,
    },
    {
      name: '1920×1080 JPEG, noise',
      make: () => noise(1920, 1080, 3).jpeg({ quality: 90 }).toBuffer(),
      lossless: false,
    },
    {
      name: '1080×1920 JPEG, gradient, left',
      lossless: false,
      position: 'left',
      make: () =>
        sharp(
          Buffer.from(
            `<svg xmlns="http://www.w3.org/2000/svg" width="1080" height="1920"><linearGradient id="g"><stop offset="0" stop-color="#000"/><stop offset="1" stop-color="#fff"/></linearGradient><rect width="1080" height="1920" fill="url(#g)"/></svg>`,
          ),
        )
          .jpeg({ quality: 92 })
          .toBuffer(),
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const input = await c.make();
      const { data, report } = await labelFile(input, c.position);
      if (c.position) assert.equal(report.position, c.position);
      else assert.equal(report.position, 'bottom-right');
      await assertLabel(input, data, report, c.lossless);
    });
  }

  it('a busy photograph (Kodak test image) gets a plate and keeps 4.5:1', async (t) => {
    const photo = testdata('images/kodak/kodim05.png');
    if (!photo) return t.skip('shared test data (images/kodak) is not present');
    const input = await sharp(photo).resize(1536, 1024).jpeg({ quality: 88 }).toBuffer();
    const { data, report } = await labelFile(input);
    assert.ok(report.contrast >= 7, 'designed for 7:1 on the exact composited pixels');
    assert.equal(report.quality?.value, 88, 'the JPEG quality is estimated from the quantisation tables');
    await assertLabel(input, data, report, false);
  });

  // Busy photographs as they come (PNG: every pixel outside the plate checked exactly), each in another corner or
  // edge, so the plate lands on foliage, water, text, sky and faces: kodim04 and kodim19 are portrait.
  const photos: { rel: string; position: string; lossless: boolean }[] = [
    { rel: 'images/kodak/kodim01.png', position: 'top-left', lossless: true },
    { rel: 'images/kodak/kodim04.png', position: 'bottom', lossless: true },
    { rel: 'images/kodak/kodim08.png', position: 'top-right', lossless: true },
    { rel: 'images/kodak/kodim13.png', position: 'bottom-left', lossless: true },
    { rel: 'images/kodak/kodim19.png', position: 'right', lossless: true },
    { rel: 'images/kodak/kodim20.png', position: 'top', lossless: true },
    { rel: 'images/kodak/kodim23.png', position: 'left', lossless: true },
    { rel: 'images/threatexchange/bridge-1600x1004.jpg', position: 'bottom-right', lossless: false },
    { rel: 'images/threatexchange/pen-and-coaster-924x735.png', position: 'top-left', lossless: true },
  ];
  for (const ph of photos) {
    it(`busy photograph ${ph.rel.split('/').pop()} at ${ph.position}: 5%, 4.5:1, nothing else changed`, async (t) => {
      const photo = testdata(ph.rel);
      if (!photo) return t.skip(`shared test data (${ph.rel}) is not present`);
      const input = await readFile(photo);
      const { data, report } = await labelFile(input, ph.position);
      assert.equal(report.position, ph.position);
      assert.ok(report.contrast >= 4.5);
      await assertLabel(input, data, report, ph.lossless);
    });
  }

  it('outside the MCUs the label touches, the JPEG equals a plain re-encode at the estimated quality', async () => {
    const input = await noise(800, 600, 11).jpeg({ quality: 85 }).toBuffer();
    const { data, report } = await renderImageLabel(input);
    assert.deepEqual(report.quality, { value: 85, source: 'estimated' });
    const plain = await rgb(await sharp(input).jpeg({ quality: 85 }).toBuffer());
    const labelled = await rgb(data);
    // 4:2:0 JPEG codes 16×16 macroblocks independently of each other; grow the plate to that grid.
    assert.equal(psnrOutside(plain, labelled, macroblocks(report), 16), Number.POSITIVE_INFINITY);
  });

  it('is deterministic: the same input gives the same bytes', async () => {
    const input = await noise(320, 240, 5).jpeg({ quality: 80 }).toBuffer();
    const a = await renderImageLabel(input);
    const b = await renderImageLabel(input);
    assert.ok(a.data.equals(b.data));
    const png = await noise(200, 150, 6).png().toBuffer();
    assert.ok((await renderImageLabel(png)).data.equals((await renderImageLabel(png)).data));
  });

  // Camera-size photographs, landscape and portrait: a Kodak photo scaled up, so the background is busy everywhere.
  for (const big of [
    { rel: 'images/kodak/kodim05.png', width: 8000, height: 6000 },
    { rel: 'images/kodak/kodim04.png', width: 6000, height: 8000 },
  ]) {
    it(`a ${big.width}×${big.height} photo gets a 301 px label (5% + the coding pixel), nothing else changed`, async (t) => {
      const photo = testdata(big.rel);
      if (!photo) return t.skip(`shared test data (${big.rel}) is not present`);
      const input = await sharp(photo).resize(big.width, big.height, { fit: 'fill' }).jpeg({ quality: 90 }).toBuffer();
      const { data, report } = await labelFile(input);
      assert.deepEqual([report.width, report.height], [big.width, big.height]);
      assert.equal(report.targetInkPx, 301);
      assert.ok(report.inkHeightPx >= 300);
      const { plate } = report;
      assert.ok(plate.x + plate.width > big.width * 0.9 && plate.y + plate.height > big.height * 0.9, 'bottom right');
      const crop = await sharp(data)
        .extract({ left: plate.x, top: plate.y, width: plate.width, height: plate.height })
        .toBuffer();
      const m = measureInk(
        await rgb(crop),
        { x: 0, y: 0, width: plate.width, height: plate.height },
        textLevel(report),
      );
      assert.ok(m.ink.height >= 300, `ink ${m.ink.height} px ≥ 5% of 6000`);
      assert.ok(m.contrast1 >= 4.5, `contrast ${m.contrast1.toFixed(2)} ≥ 4.5`);
      // Outside the label's macroblocks, the output is exactly a plain re-encode at the estimated quality.
      assert.deepEqual(report.quality, { value: 90, source: 'estimated' });
      const plain = await rgb(await sharp(input).jpeg({ quality: 90 }).toBuffer());
      assert.equal(psnrOutside(plain, await rgb(data), macroblocks(report), 16), Number.POSITIVE_INFINITY);
    });
  }
});

describe('image labels: orientation, colour, formats', () => {
  // Every EXIF orientation but 1: 2–4 keep the stored shape (mirror, turn 180°, flip), 5–8 swap width and height.
  for (const orientation of [2, 3, 4, 5, 6, 7, 8]) {
    it(`EXIF orientation ${orientation}: the label is in the corner the viewer sees, output orientation 1`, async () => {
      // A 400×300 stored picture, black in its top-left quarter and grey in its top-right one: displayed turned or
      // mirrored, the quarters move, and the output must show them where the viewer saw them.
      const stored = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#fff' } })
        .composite([
          { input: { create: { width: 200, height: 150, channels: 3, background: '#000' } }, left: 0, top: 0 },
          { input: { create: { width: 200, height: 150, channels: 3, background: '#888' } }, left: 200, top: 0 },
        ])
        .jpeg({ quality: 92 })
        .toBuffer();
      const input = await sharp(stored).withMetadata({ orientation }).jpeg({ quality: 92 }).toBuffer();
      const { data, report } = await labelFile(input);
      const meta = await sharp(data).metadata();
      const [w, h] = orientation >= 5 ? [300, 400] : [400, 300];
      assert.deepEqual([meta.width, meta.height], [w, h]);
      assert.ok((meta.orientation ?? 1) === 1, 'the pixels are upright; no orientation left to apply');
      assert.equal(report.orientation, orientation);
      assert.ok(
        report.plate.x + report.plate.width > w - 50 && report.plate.y + report.plate.height > h - 50,
        'bottom right as displayed',
      );
      // Where each displayed pixel comes from in the stored picture, per the EXIF 2.3 definition of each value
      // (written out here, not taken from sharp), and the colour the stored picture has there.
      const source = (x: number, y: number): [number, number] =>
        (
          ({
            2: [399 - x, y],
            3: [399 - x, 299 - y],
            4: [x, 299 - y],
            5: [y, x],
            6: [y, 299 - x],
            7: [399 - y, 299 - x],
            8: [399 - y, x],
          }) as Record<number, [number, number]>
        )[orientation]!;
      const storedLevel = (sx: number, sy: number) => (sy >= 150 ? 255 : sx < 200 ? 0 : 0x88);
      const out = await rgb(data);
      let checked = 0;
      for (let j = 0; j < 6; j++)
        for (let i = 0; i < 6; i++) {
          const x = Math.floor(((i + 0.5) * w) / 6);
          const y = Math.floor(((j + 0.5) * h) / 6);
          const [sx, sy] = source(x, y);
          // Away from the quarters' edges (JPEG ringing) and from the label.
          if (Math.abs(sx - 200) < 12 || Math.abs(sy - 150) < 12) continue;
          if (
            contains(
              { ...report.plate, x: report.plate.x - 8, y: report.plate.y - 8 },
              { x, y, width: 1, height: 1 },
              16,
            )
          )
            continue;
          const got = out.data[(y * w + x) * 3]!;
          assert.ok(Math.abs(got - storedLevel(sx, sy)) < 24, `displayed ${x},${y}: ${got}, stored ${sx},${sy}`);
          checked++;
        }
      assert.ok(checked >= 20);
      await assertLabel(input, data, report, false);
    });
  }

  it('keeps the ICC profile byte for byte, and EXIF fields', async () => {
    const input = await solid(320, 240, '#c04040')
      .withIccProfile('p3')
      .withExif({ IFD0: { Make: 'HeguiTestCam', Copyright: 'test' } })
      .jpeg({ quality: 90 })
      .toBuffer();
    const { data } = await renderImageLabel(input);
    const before = await sharp(input).metadata();
    const after = await sharp(data).metadata();
    assert.ok(before.icc && after.icc && before.icc.equals(after.icc), 'ICC profile kept');
    assert.ok(after.exif?.includes('HeguiTestCam'), 'EXIF kept');
  });

  it('16-bit PNG stays 16-bit with every pixel outside the plate unchanged', async () => {
    const input = await noise(160, 120, 9).toColourspace('rgb16').png().toBuffer();
    const { data, report } = await renderImageLabel(input);
    assert.equal((await sharp(data).metadata()).depth, 'ushort');
    const raw = async (b: Buffer) =>
      (await sharp(b).raw({ depth: 'ushort' }).toBuffer({ resolveWithObject: true })).data;
    const [a, b] = [
      new Uint16Array((await raw(input)).buffer.slice(0)),
      new Uint16Array((await raw(data)).buffer.slice(0)),
    ];
    let outside = 0;
    for (let y = 0; y < 120; y++)
      for (let x = 0; x < 160; x++) {
        const inPlate =
          x >= report.plate.x &&
          x < report.plate.x + report.plate.width &&
          y >= report.plate.y &&
          y < report.plate.y + report.plate.height;
        for (let c = 0; c < 3; c++) if (!inPlate && a[(y * 160 + x) * 3 + c] !== b[(y * 160 + x) * 3 + c]) outside++;
      }
    assert.equal(outside, 0);
  });

  it('a CMYK JPEG is written as sRGB, says so, and its label passes the checker', async () => {
    const input = await solid(320, 240, '#4080c0').toColourspace('cmyk').jpeg().toBuffer();
    assert.equal((await sharp(input).metadata()).space, 'cmyk');
    const { data, report } = await renderImageLabel(input);
    assert.match(report.warnings.join(' '), /CMYK image is written as sRGB/);
    const meta = await sharp(data).metadata();
    assert.equal(meta.space, 'srgb');
    assert.equal(meta.channels, 3);
    await assertLabel(input, data, report, false);
  });

  it('greyscale stays greyscale; transparency is designed against both black and white backdrops', async () => {
    const grey = await solid(200, 150, '#808080').greyscale().toColourspace('b-w').png().toBuffer();
    const g = await renderImageLabel(grey);
    assert.equal((await sharp(g.data).metadata()).channels, 1);
    const clear = await sharp({
      create: { width: 200, height: 150, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .png()
      .toBuffer();
    const t = await renderImageLabel(clear);
    assert.ok((await sharp(t.data).metadata()).hasAlpha);
    assert.ok(t.report.contrast >= 7, 'the plate holds over any backdrop the viewer puts behind it');
  });

  const formats: { name: string; make: (s: Sharp) => Sharp; lossless: boolean; codec: string }[] = [
    { name: 'PNG', make: (s) => s.png(), lossless: true, codec: 'png' },
    { name: 'JPEG', make: (s) => s.jpeg({ quality: 90 }), lossless: false, codec: 'jpeg' },
    { name: 'WebP (lossy)', make: (s) => s.webp({ quality: 90 }), lossless: false, codec: 'webp' },
    { name: 'WebP (lossless)', make: (s) => s.webp({ lossless: true }), lossless: true, codec: 'webp' },
    { name: 'AVIF', make: (s) => s.avif({ quality: 70 }), lossless: false, codec: 'heif' },
    { name: 'TIFF (LZW)', make: (s) => s.tiff({ compression: 'lzw' }), lossless: true, codec: 'tiff' },
    { name: 'GIF (still)', make: (s) => s.gif(), lossless: false, codec: 'gif' },
  ];
  for (const f of formats) {
    it(`${f.name}: same format out, the label measured, then the metadata label`, async () => {
      const input = await f.make(noise(240, 180, 13)).toBuffer();
      const inFile = join(dir, `in-${f.name.replace(/\W+/g, '')}`);
      const outFile = `${inFile}.out`;
      await writeFile(inFile, input);
      const { data, report } = await renderImageLabel(input);
      assert.equal((await sharp(data).metadata()).format, (await sharp(input).metadata()).format);
      await assertLabel(input, data, report, f.lossless);
      const res = await labelImageFile(inFile, outFile, { label });
      const reading = await readLabel(outFile);
      assert.equal(reading.format.codec, f.codec);
      assert.equal(reading.label?.ProduceID, 'explicit-test');
      assert.equal(reading.sites.length, 1);
      await assertLabel(input, await readFile(outFile), res.report, f.lossless);
    });
  }
});

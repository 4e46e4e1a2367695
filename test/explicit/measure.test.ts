/**
 * The checker (`measureExplicitLabel`): it finds Hegui's labels from the pixels alone at every position, on both
 * polarities, on reduced copies of large pictures and in video frames; and it fails what does not meet GB 45438 §5:
 * no label, a covered label, a label drawn too small, a video label shown too briefly.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { LABEL_POSITIONS, measureExplicitLabel, renderImageLabel, renderVideoLabel } from '../../src/index.ts';
import { choosePlate } from '../../src/label/explicit/contrast.ts';
import { fitText } from '../../src/label/explicit/glyphs.ts';
import { placePlate } from '../../src/label/explicit/layout.ts';
import { composeTile, plateSize } from '../../src/label/explicit/tile.ts';
import { ffmpeg } from '../support/media.ts';
import { noise, solid, testdata } from './support.ts';

let dir: string;
let n = 0;
const file = async (bytes: Uint8Array, ext: string) => {
  const f = join(dir, `f${n++}.${ext}`);
  await writeFile(f, bytes);
  return f;
};
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-explicit-measure-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const verdict = (c: Awaited<ReturnType<typeof measureExplicitLabel>>) =>
  Object.fromEntries(c.criteria.map((k) => [k.id, k.pass]));

describe('check-explicit on images', () => {
  it('finds the label at every position, on light and dark backgrounds, and passes it', async () => {
    for (const [i, position] of LABEL_POSITIONS.entries()) {
      const bg = i % 2 ? solid(480, 360, '#f4f4f4') : noise(480, 360, i + 1);
      const { data, report } = await renderImageLabel(await bg.png().toBuffer(), { position });
      const c = await measureExplicitLabel(await file(data, 'png'));
      assert.ok(c.pass, `${position}: ${JSON.stringify(c.criteria)}`);
      assert.equal(c.label?.position, position);
      assert.equal(c.label?.polarity, report.polarity);
      assert.equal(c.label?.ink.height, report.inkHeightPx, `${position}: measured ink height`);
      assert.deepEqual(c.label?.plate, report.plate);
    }
  });

  it('measures JPEG, a tiny picture, and a large picture searched on a reduced copy', async () => {
    for (const [w, h, q] of [
      [64, 48, 90],
      [1280, 720, 75],
      [3000, 2000, 90],
    ] as const) {
      const input = await noise(w, h, w).jpeg({ quality: q }).toBuffer();
      const { data, report } = await renderImageLabel(input);
      const c = await measureExplicitLabel(await file(data, 'jpg'));
      assert.ok(c.pass, `${w}×${h}: ${JSON.stringify(c.criteria)}`);
      assert.ok(Math.abs((c.label?.ink.height ?? 0) - report.inkHeightPx) <= 1, `${w}×${h}: ${c.label?.ink.height}`);
      assert.ok((c.inkHeightRatio ?? 0) >= 0.05);
    }
  });

  it('a busy photograph with its label passes; without it fails', async (t) => {
    const photo = testdata('images/kodak/kodim23.png');
    if (!photo) return t.skip('shared test data (images/kodak) is not present');
    const input = await sharp(photo).jpeg({ quality: 90 }).toBuffer();
    assert.equal((await measureExplicitLabel(await file(input, 'jpg'))).pass, false);
    const { data } = await renderImageLabel(input, { position: 'top-right' });
    const c = await measureExplicitLabel(await file(data, 'jpg'));
    assert.ok(c.pass, JSON.stringify(c.criteria));
  });

  it('fails pictures without a label, with a covered label, or with a label drawn too small', async () => {
    for (const bg of [solid(400, 300, '#fff'), solid(400, 300, '#000'), noise(400, 300, 99)]) {
      const c = await measureExplicitLabel(await file(await bg.png().toBuffer(), 'png'));
      assert.deepEqual(verdict(c), { present: false });
      assert.equal(c.pass, false);
    }
    const plain = await noise(400, 300, 5).png().toBuffer();
    const { data, report } = await renderImageLabel(plain);
    const patch = await sharp(plain)
      .extract({
        left: report.plate.x,
        top: report.plate.y,
        width: report.plate.width,
        height: Math.ceil(report.plate.height / 2),
      })
      .toBuffer();
    const covered = await sharp(data)
      .composite([{ input: patch, left: report.plate.x, top: report.plate.y }])
      .png()
      .toBuffer();
    assert.equal((await measureExplicitLabel(await file(covered, 'png'))).pass, false, 'half covered');

    // Hegui's own layout, but the text at 4% of the shortest side instead of 5%: found, and failed on height.
    const W = 1000;
    const H = 600;
    const text = await fitText('AI生成', Math.floor(0.04 * H));
    const size = plateSize(text);
    const plate = placePlate('bottom-left', W, H, size.width, size.height);
    const tile = composeTile(text, 'light-on-dark', choosePlate(new Set([0xffffff])).alpha);
    const small = await solid(W, H, '#fff')
      .composite([
        { input: tile.rgba, raw: { width: tile.width, height: tile.height, channels: 4 }, left: plate.x, top: plate.y },
      ])
      .png()
      .toBuffer();
    const c = await measureExplicitLabel(await file(small, 'png'));
    assert.deepEqual(verdict(c), { present: true, height: false, contrast: true });
    assert.match(c.criteria.find((k) => k.id === 'height')!.measured, /24 px of 600 px = 4\.00%/);
  });
});

describe('check-explicit on videos', () => {
  let clip: string;
  before(async () => {
    clip = join(dir, 'clip.mp4');
    await ffmpeg([
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=320x240:rate=25:duration=5',
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-pix_fmt',
      'yuv420p',
      clip,
    ]);
  });

  it('measures the on-screen time from the start frame: at least 2 s, not much more', async () => {
    const out = join(dir, 'start.mp4');
    await renderVideoLabel(clip, out);
    const c = await measureExplicitLabel(out);
    assert.ok(c.pass, JSON.stringify(c.criteria));
    assert.equal(c.kind, 'video');
    assert.ok(c.video && c.video.startSeconds >= 2 && c.video.startSeconds <= 2.1, String(c.video?.startSeconds));
    assert.equal(c.video?.atEnd, false);
    assert.equal(c.video?.frames, 125);
  });

  it('sees a start-and-end label at the end, and a whole-video label throughout', async () => {
    const ends = join(dir, 'ends.mp4');
    await renderVideoLabel(clip, ends, { span: 'start-and-end', position: 'top' });
    const c = await measureExplicitLabel(ends);
    assert.ok(c.pass && c.video?.atEnd, JSON.stringify(c.video));
    assert.equal(c.video?.intervals.length, 2);
    const whole = join(dir, 'whole.mp4');
    await renderVideoLabel(clip, whole, { span: 'whole', position: 'left' });
    const w = await measureExplicitLabel(whole);
    assert.deepEqual(w.video?.intervals, [{ from: 0, to: 5 }]);
  });

  it('fails a video without a label, and one whose label shows for only a second', async () => {
    assert.deepEqual(verdict(await measureExplicitLabel(clip)), { present: false });
    // Cut the labelled video so the label shows 1 s, then append 2 s of the unlabelled source.
    const labelled = join(dir, 'start2.mp4');
    await renderVideoLabel(clip, labelled);
    const brief = join(dir, 'brief.mp4');
    await ffmpeg([
      '-i',
      labelled,
      '-i',
      clip,
      '-filter_complex',
      '[0:v]trim=0:1,setpts=PTS-STARTPTS[a];[1:v]trim=3:5,setpts=PTS-STARTPTS[b];[a][b]concat=n=2:v=1[v]',
      '-map',
      '[v]',
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-pix_fmt',
      'yuv420p',
      brief,
    ]);
    const c = await measureExplicitLabel(brief);
    assert.deepEqual(verdict(c), { present: true, height: true, contrast: true, duration: false });
    assert.ok(c.video && Math.abs(c.video.startSeconds - 1) < 0.05, String(c.video?.startSeconds));
  });
});

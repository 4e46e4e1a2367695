/**
 * Explicit labels on videos, checked with ffmpeg and ffprobe: decoded frames at chosen times against the source's
 * frames in the label box, audio packets byte for byte, duration, display rotation, and the metadata label.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  createLabel,
  isHeguiError,
  labelVideoFile,
  readLabel,
  renderVideoLabel,
  type VideoLabelReport,
} from '../../src/index.ts';
import { ffmpegPath } from '../../src/media/tools.ts';
import { ffmpeg, ffprobe, packetHashes, sha256File } from '../support/media.ts';
import { runOk } from '../support/run.ts';
import { measureInk, type Pixels, type Rect, rgb } from './support.ts';

let dir: string;
const src: Record<string, string> = {};
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-explicit-video-'));
  const lavfi = (size: string, seconds: number) => [
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${size}:rate=25:duration=${seconds}`,
  ];
  const tone = (seconds: number) => ['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`];
  const h264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p'];
  src['mp4'] = join(dir, 'clip.mp4');
  await ffmpeg([...lavfi('320x240', 5), ...tone(5), ...h264, '-c:a', 'aac', '-shortest', src['mp4']]);
  src['webm'] = join(dir, 'clip.webm');
  await ffmpeg([
    ...lavfi('320x240', 3),
    ...tone(3),
    '-c:v',
    'libvpx-vp9',
    '-deadline',
    'realtime',
    '-cpu-used',
    '8',
    '-b:v',
    '500k',
    '-c:a',
    'libopus',
    '-shortest',
    src['webm'],
  ]);
  src['short'] = join(dir, 'short.mp4');
  await ffmpeg([...lavfi('320x240', 1), ...tone(1), ...h264, '-c:a', 'aac', '-shortest', src['short']]);
  src['silent'] = join(dir, 'silent.mkv');
  await ffmpeg([...lavfi('256x144', 3), ...h264, src['silent']]);
  src['rotated'] = join(dir, 'rotated.mp4');
  const phone = join(dir, 'phone-coded.mp4');
  await ffmpeg([...lavfi('320x180', 3), ...tone(3), ...h264, '-c:a', 'aac', '-shortest', phone]);
  // A phone video: frames stored landscape, a display matrix turning them to portrait.
  await ffmpeg(['-i', phone, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', src['rotated']]);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const testsrc = (seconds: number) => ['-f', 'lavfi', '-i', `testsrc2=size=320x240:rate=25:duration=${seconds}`];
const sine = (seconds: number) => ['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`];
const H264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p'];

/** Whether this ffmpeg build has an encoder (`ffmpeg -encoders`). */
let encoders: Promise<string> | undefined;
async function hasEncoder(name: string): Promise<boolean> {
  encoders ??= runOk(ffmpegPath(), ['-hide_banner', '-encoders']);
  return new RegExp(`^ \\S{6} ${name} `, 'm').test(await encoders);
}

/** The frame shown at `t` seconds (display orientation: ffmpeg applies the display matrix), as RGB pixels. */
let frames = 0;
async function frameAt(path: string, t: number): Promise<Pixels> {
  const f = join(dir, `frame-${frames++}.png`);
  await runOk(ffmpegPath(), [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-ss',
    t.toFixed(3),
    '-i',
    path,
    '-frames:v',
    '1',
    f,
  ]);
  return rgb(await readFile(f));
}

/** Mean absolute difference of two frames inside `box`. */
function meanDiff(a: Pixels, b: Pixels, box: Rect): number {
  let sum = 0;
  let n = 0;
  for (let y = box.y; y < box.y + box.height; y++)
    for (let x = box.x; x < box.x + box.width; x++)
      for (let c = 0; c < 3; c++) {
        const p = (y * a.width + x) * 3 + c;
        sum += Math.abs(a.data[p]! - b.data[p]!);
        n++;
      }
  return sum / n;
}

/** framemd5 lines (stream, dts, pts, duration, size, hash) of the audio stream's packets. */
async function audioPackets(path: string): Promise<string[]> {
  const index = (await ffprobe(path)).streams.findIndex((s) => s.codec_type === 'audio');
  assert.ok(index >= 0, 'has audio');
  // framemd5 (with -map 0) numbers the streams in input order.
  const lines = await packetHashes(path);
  const audio = lines.filter((l) => l.startsWith(`${index},`)).map((l) => l.split(',').slice(1).join(','));
  assert.ok(audio.length > 10, 'audio packets found');
  return audio;
}

async function videoDuration(path: string): Promise<number> {
  const p = (await ffprobe(path)) as unknown as {
    streams: { codec_type: string; duration?: string }[];
    format: { duration?: string };
  };
  const v = p.streams.find((s) => s.codec_type === 'video');
  return Number(v?.duration ?? p.format.duration);
}

/** Label present at each time in `on`, absent at each time in `off`, judged against the source's own frames. */
async function assertShown(
  input: string,
  output: string,
  r: VideoLabelReport,
  on: number[],
  off: number[],
): Promise<void> {
  for (const t of on) {
    const [a, b] = [await frameAt(input, t), await frameAt(output, t)];
    assert.ok(
      meanDiff(a, b, r.plate) > 25,
      `label in its box at ${t} s (mean difference ${meanDiff(a, b, r.plate).toFixed(1)})`,
    );
    const m = measureInk(b, r.plate, 255);
    const short = Math.min(b.width, b.height);
    assert.ok(m.ink.height >= 0.05 * short, `at ${t} s the text is ${m.ink.height} px ≥ 5% of ${short}`);
    assert.ok(m.contrast1 >= 4.5, `at ${t} s contrast ${m.contrast1.toFixed(2)} ≥ 4.5`);
  }
  for (const t of off) {
    const [a, b] = [await frameAt(input, t), await frameAt(output, t)];
    assert.ok(
      meanDiff(a, b, r.plate) < 8,
      `no label at ${t} s (mean difference ${meanDiff(a, b, r.plate).toFixed(1)})`,
    );
  }
}

async function assertKept(input: string, output: string): Promise<void> {
  assert.deepEqual(await audioPackets(output), await audioPackets(input), 'audio packets byte for byte');
  const [di, dout] = [await videoDuration(input), await videoDuration(output)];
  assert.ok(Math.abs(di - dout) <= 0.04 + 1e-6, `duration ${dout} s within one frame of ${di} s`);
}

describe('renderVideoLabel', () => {
  it('MP4 (H.264 + AAC): on the start frame for 2 s, gone after, audio untouched, duration kept', async () => {
    const out = join(dir, 'out.mp4');
    const r = await renderVideoLabel(src['mp4']!, out);
    assert.equal(r.container, 'mp4');
    assert.equal(r.encoder, 'libx264');
    assert.equal(r.audio, 'copied');
    assert.ok(r.inkHeightRatio >= 0.05);
    assert.ok(r.contrast >= 7, 'designed for 7:1 over any frame content');
    await assertShown(src['mp4']!, out, r, [0, 1, 1.9], [2.1, 3, 4.5]);
    await assertKept(src['mp4']!, out);
    const v = (await ffprobe(out)).streams.find((s) => s.codec_type === 'video') as unknown as Record<string, string>;
    assert.equal(v['codec_name'], 'h264');
    assert.equal(v['pix_fmt'], 'yuv420p');
    assert.equal(v['r_frame_rate'], '25/1');
  });

  it('start-and-end, and a longer configured start span', async () => {
    const out = join(dir, 'ends.mp4');
    const r = await renderVideoLabel(src['mp4']!, out, { span: 'start-and-end', position: 'top-left' });
    await assertShown(src['mp4']!, out, r, [0, 1.9, 3.1, 4.9], [2.3, 2.7]);
    const long = join(dir, 'long.mp4');
    const r3 = await renderVideoLabel(src['mp4']!, long, { duration: 3 });
    await assertShown(src['mp4']!, long, r3, [2.9], [3.2]);
  });

  it('WebM (VP9 + Opus) stays WebM and VP9, Opus copied', async () => {
    const out = join(dir, 'out.webm');
    const r = await renderVideoLabel(src['webm']!, out, { position: 'bottom' });
    assert.equal(r.container, 'webm');
    assert.equal(r.encoder, 'libvpx-vp9');
    await assertShown(src['webm']!, out, r, [0, 1.9], [2.3]);
    await assertKept(src['webm']!, out);
    assert.match((await ffprobe(out)).format.format_name, /webm/);
  });

  it('a video shorter than 2 s is labelled throughout, and says so', async () => {
    const out = join(dir, 'short-out.mp4');
    const r = await renderVideoLabel(src['short']!, out);
    assert.deepEqual(r.intervals, [{ from: 0, to: r.videoSeconds }]);
    assert.match(r.warnings.join(' '), /labelled throughout/);
    await assertShown(src['short']!, out, r, [0, 0.5, 0.95], []);
  });

  it('a video without audio (Matroska) works and has no audio afterwards', async () => {
    const out = join(dir, 'silent-out.mkv');
    const r = await renderVideoLabel(src['silent']!, out, { span: 'whole' });
    assert.equal(r.audio, 'none');
    assert.equal(r.container, 'matroska');
    await assertShown(src['silent']!, out, r, [0, 2.5], []);
    assert.equal((await ffprobe(out)).streams.filter((s) => s.codec_type === 'audio').length, 0);
  });

  it('a rotated phone video keeps its display matrix; the label is upright where the viewer sees it', async () => {
    const out = join(dir, 'rotated-out.mp4');
    const r = await renderVideoLabel(src['rotated']!, out);
    assert.equal(r.rotation, 90);
    assert.deepEqual([r.width, r.height], [180, 320]);
    const rotation = async (f: string) =>
      (await ffprobe(f)).streams.map(
        (s) => (s as unknown as { side_data_list?: { rotation?: number }[] }).side_data_list?.[0]?.rotation,
      )[0];
    assert.equal(await rotation(out), await rotation(src['rotated']!));
    const frame = await frameAt(out, 0.5);
    assert.deepEqual([frame.width, frame.height], [180, 320]);
    assert.ok(r.plate.x + r.plate.width > 150 && r.plate.y + r.plate.height > 290, 'bottom right as displayed');
    await assertShown(src['rotated']!, out, r, [0, 1.9], [2.3]);
    await assertKept(src['rotated']!, out);
  });

  it('labelVideoFile adds the metadata label too', async () => {
    const out = join(dir, 'both.mp4');
    const label = createLabel({ producer: '001191440300708461136T1XGW3', produceId: 'video-test' });
    const { report } = await labelVideoFile(src['mp4']!, out, { label });
    assert.equal((await readLabel(out)).label?.ProduceID, 'video-test');
    await assertShown(src['mp4']!, out, report, [0, 1.9], [2.1]);
  });

  // More containers and codecs, through labelVideoFile so the metadata label is checked on each. Each keeps its
  // container and codec family (H.264 in MOV, VP8 in WebM, HEVC in MP4), with the audio copied.
  const family: {
    name: string;
    file: string;
    encoder: string;
    codec: string;
    container: string;
    format: RegExp;
    make: (out: string) => string[];
  }[] = [
    {
      name: 'MOV (H.264 + AAC)',
      file: 'clip.mov',
      encoder: 'libx264',
      codec: 'h264',
      container: 'mov',
      format: /mov/,
      make: (out) => [...testsrc(3), ...sine(3), ...H264, '-c:a', 'aac', '-shortest', '-f', 'mov', out],
    },
    {
      name: 'WebM (VP8 + Vorbis)',
      file: 'clip-vp8.webm',
      encoder: 'libvpx',
      codec: 'vp8',
      container: 'webm',
      format: /webm/,
      make: (out) => [
        ...testsrc(3),
        ...sine(3),
        ...['-c:v', 'libvpx', '-b:v', '800k', '-deadline', 'realtime', '-cpu-used', '8'],
        ...['-c:a', 'libvorbis', '-shortest', out],
      ],
    },
    {
      name: 'MP4 (HEVC hvc1 + AAC)',
      file: 'clip-hevc.mp4',
      encoder: 'libx265',
      codec: 'hevc',
      container: 'mp4',
      format: /mp4/,
      make: (out) => [
        ...testsrc(3),
        ...sine(3),
        ...['-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error', '-tag:v', 'hvc1'],
        ...['-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', out],
      ],
    },
  ];
  for (const f of family) {
    it(`${f.name}: same container and codec family, label 0–2 s, audio copied, metadata label`, async (t) => {
      if (!(await hasEncoder(f.encoder))) return t.skip(`this ffmpeg build has no ${f.encoder} encoder`);
      const input = join(dir, f.file);
      await ffmpeg(f.make(input));
      const out = join(dir, `labelled-${f.file}`);
      const label = createLabel({ producer: '001191440300708461136T1XGW3', produceId: `video-${f.codec}` });
      const { report } = await labelVideoFile(input, out, { label });
      assert.equal(report.container, f.container);
      assert.equal(report.encoder, f.encoder);
      assert.equal(report.audio, 'copied');
      assert.deepEqual(report.warnings, []);
      const probe = await ffprobe(out);
      assert.match(probe.format.format_name, f.format);
      const v = probe.streams.find((s) => s.codec_type === 'video') as unknown as Record<string, string>;
      assert.equal(v['codec_name'], f.codec);
      if (f.codec === 'hevc') assert.equal(v['codec_tag_string'], 'hvc1', 'the Apple-playable HEVC tag is kept');
      assert.equal((await readLabel(out)).label?.ProduceID, `video-${f.codec}`);
      await assertShown(input, out, report, [0, 1.9], [2.3]);
      await assertKept(input, out);
    });
  }

  it('a broken video is a HeguiError without paths; the input stays and no output is left', async () => {
    const bad = join(dir, 'bad.mp4');
    const bytes = await readFile(src['mp4']!);
    await writeFile(bad, bytes.subarray(0, Math.floor(bytes.length / 3)));
    const hash = await sha256File(bad);
    const e = await renderVideoLabel(bad, join(dir, 'bad-out.mp4')).catch((x: unknown) => x);
    assert.ok(isHeguiError(e), String(e));
    assert.ok(['malformed', 'tool_failed', 'format_unsupported'].includes(e.code), e.code);
    assert.ok(!e.message.includes(dir), 'no path in the message');
    assert.equal(await sha256File(bad), hash);
    assert.ok(!(await readdir(dir)).some((f) => f.includes('bad-out')), 'no output or temporary file left');
    await assert.rejects(renderVideoLabel(src['mp4']!, join(dir, 'x.mp4'), { duration: 1.5 }), { code: 'usage' });
    await assert.rejects(renderVideoLabel(src['mp4']!, join(dir, 'x.mp4'), { span: 'middle' as never }), {
      code: 'usage',
    });
  });
});

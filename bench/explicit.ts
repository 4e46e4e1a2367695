/**
 * Explicit labels against what a developer would otherwise write by hand:
 * - image: a 1920×1080 JPEG. Hegui draws the label (plate from the background sample, measured text, contrast
 *   computed, EXIF/ICC kept, quality estimated) and writes the metadata label; the peer is one plain sharp composite
 *   of an SVG with the same plate and text, re-encoded at the same quality, no metadata label. The SVG's text is
 *   drawn by librsvg in the same bundled Noto Sans SC Bold (a fontconfig file naming its folder), checked before
 *   timing, so both draw the same glyphs.
 * - video: a 10 s 1080p H.264/AAC MP4. Hegui renders the tile and overlays it with ffmpeg (plus probing and the
 *   output check); the peer is the single equivalent ffmpeg drawtext command with the same encoder settings and the
 *   same font file. At least 3 rounds, so the median is a middle run and not the mean of two.
 * The image is also labelled with the plate chosen for any background (`plate: 'any'`), which needs no sample of
 * the picture and so draws in one overlapped libvips pass, like the peer.
 * Same inputs, outputs to memory or fresh paths. Ratios are Hegui's time over the peer's (1.0 = as fast).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import sharp from 'sharp';
import {
  createLabel,
  detectFormat,
  labelBytes,
  labelFontFile,
  labelVideoFile,
  renderImageLabel,
  renderVideoLabel,
} from '../src/index.ts';
import { ffmpegPath } from '../src/media/tools.ts';
import { testdata } from '../test/explicit/support.ts';
import { runOk } from '../test/support/run.ts';
import { benchDir, median, printTable, type Row } from './util.ts';

const label = createLabel({ producer: '001191440300708461136T1XGW3', produceId: 'bench-explicit' });
const ff = (args: string[]) =>
  runOk(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-y', ...args], { timeoutMs: 1_800_000 });
const runs = Number(process.env['BENCH_RUNS'] ?? 0);

async function photo1080(dir: string): Promise<string> {
  const f = join(dir, 'photo-1080p.jpg');
  if (existsSync(f)) return f;
  const kodak = testdata('images/kodak/kodim05.png');
  const base = kodak
    ? sharp(kodak).resize(1920, 1080, { fit: 'cover' })
    : sharp({
        create: {
          width: 1920,
          height: 1080,
          channels: 3,
          background: '#000',
          noise: { type: 'gaussian', mean: 128, sigma: 40 },
        },
      });
  await base.jpeg({ quality: 90 }).toFile(f);
  return f;
}

async function video1080(dir: string): Promise<string> {
  const f = join(dir, 'video-10s-1080p.mp4');
  if (existsSync(f)) return f;
  console.log('making a 10 s 1080p MP4 (once)…');
  await ff([
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=1920x1080:rate=25',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=48000',
    '-t',
    '10',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '20',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-shortest',
    f,
  ]);
  return f;
}

/** The peer's overlay: the same plate and text as an SVG (what a hand-written composite would use). */
function svgLabel(w: number, h: number, fontPx: number, alpha: number, family = 'Noto Sans SC'): Buffer {
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">` +
      `<rect width="${w}" height="${h}" rx="${Math.round(h / 6)}" fill="#000" fill-opacity="${alpha}"/>` +
      `<text x="${w / 2}" y="${h * 0.78}" font-family="${family}" font-weight="bold" font-size="${fontPx}" fill="#fff" text-anchor="middle">AI生成</text></svg>`,
  );
}

/**
 * librsvg finds fonts through fontconfig, not through a file given to it: a fontconfig file that adds the bundled
 * font's folder to the system's configuration, in effect for this process. Fontconfig reads it when it first starts,
 * so this runs before anything draws text.
 */
export async function useBundledFontForSvg(dir: string): Promise<void> {
  const conf = resolve(dir, 'fonts.conf');
  const xml = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;');
  await writeFile(
    conf,
    '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n' +
      '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n' +
      `  <dir>${xml(dirname(labelFontFile()))}</dir>\n` +
      `  <cachedir>${xml(resolve(dir, 'fontconfig-cache'))}</cachedir>\n</fontconfig>\n`,
  );
  process.env['FONTCONFIG_FILE'] = conf;
}

/**
 * The peer's SVG text must be the bundled font, or the comparison is of different texts: drawn with a family no
 * system has, librsvg falls back to another font, so equal pixels mean the bundled one is not in use. Returns the
 * peer's ink height (white pixels of the text), to print beside Hegui's.
 */
export async function peerInkHeight(w: number, h: number, fontPx: number): Promise<number> {
  const draw = (family?: string) =>
    sharp(svgLabel(w, h, fontPx, 1, family))
      .flatten({ background: '#000' })
      .extractChannel(0)
      .raw()
      .toBuffer();
  const [ours, fallback] = await Promise.all([draw(), draw('Hegui Test No Such Family')]);
  if (ours.equals(fallback)) {
    throw new Error(
      "the peer's SVG text is not drawn in the bundled Noto Sans SC (fontconfig did not read FONTCONFIG_FILE, " +
        'probably because it had started earlier in this process): run `npm run bench -- explicit` on its own',
    );
  }
  let top = -1;
  let bottom = -1;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      if (ours[y * w + x]! > 127) {
        if (top < 0) top = y;
        bottom = y;
        break;
      }
  return top < 0 ? 0 : bottom - top + 1;
}

/** Median wall time of each function, measured in interleaved rounds (after one warm-up round if `warmUp`). */
async function interleaved<K extends string>(
  rounds: number,
  fns: Record<K, () => Promise<unknown>>,
  warmUp = true,
): Promise<Record<K, number>> {
  const entries = Object.entries(fns) as [K, () => Promise<unknown>][];
  const times = Object.fromEntries(entries.map(([k]) => [k, [] as number[]])) as Record<K, number[]>;
  for (let i = warmUp ? -1 : 0; i < rounds; i++) {
    // The order rotates every round: whoever runs right after another contender must not always be the same one.
    const shift = ((i % entries.length) + entries.length) % entries.length;
    for (const [k, fn] of [...entries.slice(shift), ...entries.slice(0, shift)]) {
      const t = process.hrtime.bigint();
      await fn();
      if (i >= 0) times[k].push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v as number[])])) as Record<K, number>;
}

export async function run(): Promise<void> {
  // libvips caches operations on identical inputs; with every contender decoding the same bytes, that would favour
  // whichever runs second. Each run starts cold.
  sharp.cache(false);
  const dir = await benchDir('explicit');
  await useBundledFontForSvg(dir);
  const outDir = join(dir, 'out');
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const rows: Row[] = [];

  const jpgPath = await photo1080(dir);
  const jpg = await readFile(jpgPath);
  const probe = await renderImageLabel(jpg);
  const r = probe.report;
  const svg = svgLabel(r.plate.width, r.plate.height, Math.round(r.fontPx), r.plateAlpha);
  const peerInk = await peerInkHeight(r.plate.width, r.plate.height, Math.round(r.fontPx));
  console.log(`label text ink height: Hegui ${r.inkHeightPx} px, the peer's SVG ${peerInk} px (same font file)`);
  const imageRuns = runs || 21;
  // Interleaved rounds, so a busy machine slows every contender alike.
  const image = await interleaved(imageRuns, {
    both: async () => labelBytes((await renderImageLabel(jpg)).data, label),
    explicit: () => renderImageLabel(jpg),
    anyPlate: async () => labelBytes((await renderImageLabel(jpg, { plate: 'any' })).data, label),
    peer: () =>
      sharp(jpg)
        .composite([{ input: svg, left: r.plate.x, top: r.plate.y }])
        .jpeg({ quality: r.quality?.value ?? 90 })
        .toBuffer(),
  });
  rows.push({
    case: 'JPEG 1920×1080: explicit + metadata label',
    hegui: image.both,
    peers: { 'sharp composite': image.peer },
  });
  rows.push({
    case: 'JPEG 1920×1080: explicit label only',
    hegui: image.explicit,
    peers: { 'sharp composite': image.peer },
  });
  rows.push({
    case: 'JPEG 1920×1080: explicit + metadata label, plate for any background',
    hegui: image.anyPlate,
    peers: { 'sharp composite': image.peer },
    note: '--plate any: no background sample, one decode-and-encode pass',
  });

  const mp4 = await video1080(dir);
  const videoRuns = Math.max(3, runs);
  const font = labelFontFile().replace(/[\\':]/g, (c) => `\\${c}`);
  const m = Math.round(0.02 * 1080);
  const drawtext =
    `drawtext=fontfile='${font}':text='AI生成':fontsize=${Math.round(r.fontPx)}:fontcolor=white:box=1:` +
    `boxcolor=black@0.65:boxborderw=${Math.round(0.3 * r.inkHeightPx)}:x=w-tw-${m + Math.round(0.6 * r.inkHeightPx)}:` +
    `y=h-th-${m + Math.round(0.3 * r.inkHeightPx)}:enable='between(t,0,2)'`;
  let k = 0;
  const withMetadata = (await detectFormat(mp4)) !== null;
  const video = await interleaved(
    videoRuns,
    {
      peer: () =>
        ff([
          '-i',
          mp4,
          '-vf',
          drawtext,
          '-c:v',
          'libx264',
          '-preset',
          'medium',
          '-crf',
          '18',
          '-pix_fmt',
          'yuv420p',
          '-c:a',
          'copy',
          join(outDir, `peer${k++}.mp4`),
        ]),
      hegui: () =>
        withMetadata
          ? labelVideoFile(mp4, join(outDir, `hegui${k++}.mp4`), { label })
          : renderVideoLabel(mp4, join(outDir, `hegui${k++}.mp4`)),
    },
    false,
  );
  const peerVideo = video.peer;
  const heguiVideo = video.hegui;
  rows.push({
    case: `MP4 10 s 1080p: explicit label${withMetadata ? ' + metadata label' : ''}`,
    hegui: heguiVideo,
    peers: { 'ffmpeg drawtext': peerVideo },
    note: withMetadata ? '' : 'no MP4 metadata codec in this build: explicit label only',
  });
  await rm(outDir, { recursive: true, force: true });

  printTable(rows);
  console.log('\nHegui time / peer time (target for images: ≤ 1.2, with the default plate chosen from the picture):');
  for (const row of rows) {
    const peer = Object.values(row.peers)[0];
    if (typeof peer === 'number') console.log(`  ${row.case}: ${(row.hegui / peer).toFixed(2)}×`);
  }
}

/**
 * Verification over a folder of 1,000 mixed files (images, audio, video and documents, each labelled and signed):
 * Hegui's full verify (placement, values, SM2 signatures, content binding), Hegui's label read alone, and exiftool
 * (exiftool-vendored `readRaw` of the label tags, in stay-open mode) reading the same files, side by side, with how
 * many files of each format exiftool sees the label in. Fixtures are generated once into .bench/verify/.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { extname, join } from 'node:path';
import { ExifTool } from 'exiftool-vendored';
import sharp from 'sharp';
import {
  createLabel,
  generateKeyPair,
  labelBytes,
  loadPrivateKey,
  parseTrustList,
  readLabel,
  verify,
} from '../src/index.ts';
import { ffmpegPath } from '../src/media/tools.ts';
import { customProp, customXml, ooxmlParts, zipParts } from '../test/conformance/fixtures/ooxml-build.ts';
import { handPdf } from '../test/conformance/fixtures/pdf-build.ts';
import { runOk } from '../test/support/run.ts';
import { benchDir, median } from './util.ts';

const PRODUCER = '001191440300708461136T1XGW3';
const TOTAL = 1000;
const VARIANTS = 5;

/** How many of the 1,000 files each format gets: 540 images, 160 audio, 120 video, 180 documents. */
const MIX: [string, number][] = [
  ['jpg', 220],
  ['png', 150],
  ['webp', 70],
  ['gif', 30],
  ['tif', 30],
  ['avif', 40],
  ['wav', 60],
  ['mp3', 50],
  ['flac', 30],
  ['ogg', 20],
  ['mp4', 60],
  ['mov', 20],
  ['webm', 20],
  ['mkv', 10],
  ['avi', 10],
  ['pdf', 50],
  ['docx', 30],
  ['xlsx', 20],
  ['pptx', 20],
  ['md', 30],
  ['html', 20],
  ['svg', 10],
];

/** Text documents of a few paragraphs, each variant its own. */
const paragraphs = (i: number) =>
  Array.from(
    { length: 3 + i },
    (_, k) => `第 ${k + 1} 段：季度报告的第 ${i}-${k} 部分。Paragraph ${k} of report ${i}.`,
  );

function markdown(i: number): string {
  // Most generated Markdown has no front matter; one variant in five has some (the label joins its keys).
  const body = `# 报告 ${i}\n\n${paragraphs(i).join('\n\n')}\n`;
  return i % 5 === 0 ? `---\ntitle: "Report ${i}"\ndate: 2025-09-01\n---\n${body}` : body;
}

const html = (i: number) =>
  `<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n<title>报告 ${i}</title>\n</head>\n<body>\n${paragraphs(
    i,
  )
    .map((p) => `<p>${p}</p>`)
    .join('\n')}\n</body>\n</html>\n`;

const svg = (i: number) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="48" viewBox="0 0 64 48"><title>chart ${i}</title>` +
  Array.from(
    { length: 4 + i },
    (_, k) => `<rect x="${k * 6}" y="${48 - k * 5}" width="5" height="${k * 5}" fill="#1a7f3c"/>`,
  ).join('') +
  '</svg>\n';

const ff = (args: string[]) => runOk(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-y', ...args]);

async function source(ext: string, i: number, path: string): Promise<void> {
  const image = () =>
    sharp({
      create: {
        width: 320,
        height: 240,
        channels: 3,
        background: { r: (i * 50) % 256, g: 90, b: 200 },
        noise: { type: 'gaussian', mean: 128, sigma: 30 },
      },
    });
  const tone = ['-f', 'lavfi', '-i', `sine=frequency=${300 + i * 100}:duration=2:sample_rate=22050`];
  const video = [
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=160x120:rate=10:duration=1`,
    '-f',
    'lavfi',
    '-i',
    'sine=duration=1',
  ];
  switch (ext) {
    case 'jpg':
      return void (await image().jpeg({ quality: 85 }).toFile(path));
    case 'png':
      return void (await image().png().toFile(path));
    case 'webp':
      return void (await image().webp().toFile(path));
    case 'gif':
      return void (await image().gif().toFile(path));
    case 'tif':
      return void (await image().tiff({ compression: 'lzw' }).toFile(path));
    case 'wav':
      return void (await ff([...tone, '-c:a', 'pcm_s16le', path]));
    case 'mp3':
      return void (await ff([...tone, '-c:a', 'libmp3lame', '-b:a', '64k', path]));
    case 'flac':
      return void (await ff([...tone, '-c:a', 'flac', path]));
    case 'ogg':
      return void (await ff([...tone, '-c:a', 'libvorbis', path]));
    case 'webm':
      return void (await ff([...video, '-c:v', 'libvpx', '-c:a', 'libopus', '-shortest', path]));
    case 'mkv':
      return void (await ff([...video, '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-shortest', path]));
    case 'avi':
      return void (await ff([...video, '-c:v', 'mjpeg', '-c:a', 'pcm_s16le', '-shortest', path]));
    case 'avif':
      return void (await image().avif({ quality: 50 }).toFile(path));
    case 'mp4':
      return void (await ff([...video, '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-shortest', path]));
    case 'mov':
      return void (await ff([
        ...video,
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-c:a',
        'aac',
        '-shortest',
        '-f',
        'mov',
        path,
      ]));
    case 'pdf':
      return void (await writeFile(path, handPdf({ pages: 1 + i })));
    case 'docx':
    case 'xlsx':
    case 'pptx': {
      // Half the packages already carry custom properties (the label joins them), half get the part created.
      const custom = i % 2 ? customXml(customProp(2, 'Project', `Report ${i}`)) : undefined;
      return void (await zipParts(path, ooxmlParts(ext, custom)));
    }
    case 'md':
      return void (await writeFile(path, markdown(i)));
    case 'html':
      return void (await writeFile(path, html(i)));
    case 'svg':
      return void (await writeFile(path, svg(i)));
  }
}

async function fixtures(dir: string): Promise<{ files: string[]; trust: Awaited<ReturnType<typeof parseTrustList>> }> {
  const filesDir = join(dir, 'files');
  const keyFile = join(dir, 'private.pem');
  const pubFile = join(dir, 'public.pem');
  if (!existsSync(keyFile)) {
    const pair = generateKeyPair('sm2');
    await writeFile(keyFile, pair.privatePem, { mode: 0o600 });
    await writeFile(pubFile, pair.publicPem);
  }
  const trust = await parseTrustList({ providers: { [PRODUCER]: { keys: [{ publicKey: 'public.pem' }] } } }, dir);
  // Files made for another mix are made again.
  const stamp = join(dir, 'mix.json');
  const mix = JSON.stringify(MIX);
  if (!existsSync(stamp) || (await readFile(stamp, 'utf8')) !== mix)
    await rm(filesDir, { recursive: true, force: true });
  await mkdir(filesDir, { recursive: true });
  if ((await readdir(filesDir)).length < TOTAL) {
    console.log(`making ${TOTAL} labelled and signed files (once)…`);
    const signer = loadPrivateKey(await readFile(keyFile, 'utf8'));
    const srcDir = join(dir, 'sources');
    await mkdir(srcDir, { recursive: true });
    let n = 0;
    for (const [ext, count] of MIX) {
      const sources: Uint8Array[] = [];
      for (let v = 0; v < VARIANTS; v++) {
        const p = join(srcDir, `${ext}-${v}.${ext}`);
        if (!existsSync(p)) await source(ext, v, p);
        sources.push(await readFile(p));
      }
      for (let k = 0; k < count; k++, n++) {
        const label = createLabel({ producer: PRODUCER, produceId: `bench-${n}` });
        // The name lets a Markdown file without front matter take one.
        const bytes = await labelBytes(sources[k % VARIANTS]!, label, { sign: { signer }, name: `source.${ext}` });
        await writeFile(join(filesDir, `${String(n).padStart(4, '0')}.${ext}`), bytes);
      }
    }
    await writeFile(stamp, mix);
  }
  const files = (await readdir(filesDir))
    .sort()
    .slice(0, TOTAL)
    .map((f) => join(filesDir, f));
  return { files, trust };
}

/** Run `fn` over the files with `jobs` in flight; the wall time in ms. */
async function timed(files: string[], jobs: number, fn: (f: string) => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: jobs }, async () => {
      while (next < files.length) await fn(files[next++]!);
    }),
  );
  return Number(process.hrtime.bigint() - t) / 1e6;
}

export async function run(): Promise<void> {
  const dir = await benchDir('verify');
  const { files, trust } = await fixtures(dir);
  const jobs = Math.min(4, cpus().length);
  const et = new ExifTool({ maxProcs: jobs });
  const runs = 3;
  try {
    // The label tags as exiftool names them: XMP-TC260:Aigc (JPEG, PNG, WebP, GIF, TIFF, AVIF, SVG), PDF:AIGC (the
    // Info dictionary), XML:AIGC (OOXML custom properties), HTML:AIGC (meta), Keys:AIGC (MP4/MOV), Vorbis and
    // Matroska Aigc, ID3 TXXX (UserDefinedText). It has none for WAV's AIGC chunk or Markdown front matter.
    const exifArgs = ['-G1', '-a', '-Aigc', '-UserDefinedText'];
    let passed = 0;
    let exifFound = 0;
    const exifSeen = new Map<string, number>();
    const hegui: number[] = [];
    const read: number[] = [];
    const exif: number[] = [];
    for (let r = -1; r < runs; r++) {
      passed = 0;
      exifFound = 0;
      exifSeen.clear();
      const h = await timed(files, jobs, async (f) => {
        if ((await verify(f, { trust })).passed) passed++;
      });
      const rd = await timed(files, jobs, (f) => readLabel(f));
      const e = await timed(files, jobs, async (f) => {
        const tags = (await et.readRaw(f, exifArgs)) as Record<string, unknown>;
        if (Object.entries(tags).some(([k, v]) => /aigc/i.test(k) || /AIGC/.test(String(v)))) {
          exifFound++;
          const ext = extname(f).slice(1);
          exifSeen.set(ext, (exifSeen.get(ext) ?? 0) + 1);
        }
      });
      if (r < 0) continue; // warm-up
      hegui.push(h);
      read.push(rd);
      exif.push(e);
    }
    const rate = (ms: number) => (files.length / (ms / 1000)).toFixed(0);
    const m = { hegui: median(hegui), read: median(read), exif: median(exif) };
    const rows = [
      ['hegui verify (signatures, content binding)', m.hegui, `${passed}/${files.length} passed`],
      ['hegui label read only', m.read, ''],
      ['exiftool readRaw (stay-open)', m.exif, `label seen in ${exifFound}/${files.length}`],
    ] as const;
    console.log(
      `${files.length} files (${MIX.map(([e, n]) => `${n} ${e}`).join(', ')}), ${jobs} at a time, median of ${runs}`,
    );
    console.log(
      `${'case'.padEnd(44)}${'time'.padStart(10)}${'files/s'.padStart(10)}${'exiftool/this'.padStart(15)}  note`,
    );
    for (const [name, ms, note] of rows) {
      console.log(
        `${name.padEnd(44)}${`${(ms / 1000).toFixed(2)} s`.padStart(10)}${rate(ms).padStart(10)}${`${(m.exif / ms).toFixed(1)}x`.padStart(15)}  ${note}`,
      );
    }
    console.log(
      `exiftool sees the label in, per format: ${MIX.map(([e, n]) => `${e} ${exifSeen.get(e) ?? 0}/${n}`).join(', ')}`,
    );
  } finally {
    await et.end();
  }
}

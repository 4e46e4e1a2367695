/**
 * Metadata-label writing: Hegui's codecs against exiftool (exiftool-vendored in stay-open mode with a config that
 * defines the TC260 namespace, which is what providers script today) and, for audio/video, an ffmpeg remux with
 * `-c copy -metadata AIGC=…`. Same label, same input files, outputs to fresh paths.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ExifTool } from 'exiftool-vendored';
import sharp from 'sharp';
import { createLabel, detectFormat, serializeBare, writeLabel } from '../src/index.ts';
import { ffmpegPath } from '../src/media/tools.ts';
import { runOk } from '../test/support/run.ts';
import { benchDir, median, printTable, type Row, timeIt } from './util.ts';

const label = createLabel({ producer: '001191440300708461136T1XGW3', produceId: 'bench-0001' });
const json = serializeBare(label);

/**
 * ExifTool user config: the TC260 XMP namespace (GB 45438 image guide) and a QuickTime Keys tag AIGC (ExifTool writes
 * its key as `com.apple.quicktime.AIGC`: the same keys/ilst work as Hegui's `AIGC` key).
 */
const EXIFTOOL_CONFIG = `%Image::ExifTool::UserDefined = (
  'Image::ExifTool::XMP::Main' => { TC260 => { SubDirectory => { TagTable => 'Image::ExifTool::UserDefined::TC260' } } },
  'Image::ExifTool::QuickTime::Keys' => { AIGC => { Name => 'AIGC', Writable => 'string' } },
);
%Image::ExifTool::UserDefined::TC260 = (
  GROUPS => { 0 => 'XMP', 1 => 'XMP-TC260', 2 => 'Image' },
  NAMESPACE => { 'TC260' => 'http://www.tc260.org.cn/ns/AIGC/1.0/' },
  WRITABLE => 'string',
  AIGC => { },
);
1;
`;

const ff = (args: string[]) =>
  runOk(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-y', ...args], { timeoutMs: 600_000 });

async function fixtures(dir: string): Promise<Record<string, string>> {
  const f = {
    'jpeg 3 MP': join(dir, 'photo-3mp.jpg'),
    'png 1 MP': join(dir, 'image-1mp.png'),
    'mp4 100 MB, moov at end': join(dir, 'video-moov-end.mp4'),
    'mp4 100 MB, moov at start': join(dir, 'video-faststart.mp4'),
    'mp4 10 MB, moov at end': join(dir, 'video-10mb.mp4'),
    'wav 50 MB': join(dir, 'audio-50mb.wav'),
  };
  const noise = (w: number, h: number) =>
    sharp({
      create: {
        width: w,
        height: h,
        channels: 3,
        background: '#000',
        noise: { type: 'gaussian', mean: 128, sigma: 40 },
      },
    });
  if (!existsSync(f['jpeg 3 MP'])) await noise(2048, 1536).jpeg({ quality: 90 }).toFile(f['jpeg 3 MP']);
  if (!existsSync(f['png 1 MP'])) await noise(1024, 1024).png().toFile(f['png 1 MP']);
  if (!existsSync(f['mp4 100 MB, moov at end'])) {
    console.log('making a 100 MB MP4 (once)…');
    await ff([
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=1280x720:rate=30',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:sample_rate=48000',
      '-t',
      '30',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-b:v',
      '26M',
      '-maxrate',
      '26M',
      '-bufsize',
      '52M',
      '-c:a',
      'aac',
      '-shortest',
      f['mp4 100 MB, moov at end'],
    ]);
  }
  if (!existsSync(f['mp4 100 MB, moov at start']))
    await ff([
      '-i',
      f['mp4 100 MB, moov at end'],
      '-c',
      'copy',
      '-movflags',
      '+faststart',
      f['mp4 100 MB, moov at start'],
    ]);
  if (!existsSync(f['mp4 10 MB, moov at end']))
    await ff(['-i', f['mp4 100 MB, moov at end'], '-c', 'copy', '-t', '3', f['mp4 10 MB, moov at end']]);
  if (!existsSync(f['wav 50 MB'])) {
    await ff([
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=1000:sample_rate=48000',
      '-ac',
      '2',
      '-t',
      '273',
      '-c:a',
      'pcm_s16le',
      f['wav 50 MB'],
    ]);
  }
  return f;
}

async function smallJpegs(dir: string, n: number): Promise<string[]> {
  const d = join(dir, 'jpegs-1000');
  await mkdir(d, { recursive: true });
  const have = (await readdir(d)).length;
  for (let i = have; i < n; i++) {
    await sharp({
      create: { width: 320, height: 240, channels: 3, background: { r: i % 256, g: (i * 7) % 256, b: (i * 13) % 256 } },
    })
      .jpeg()
      .toFile(join(d, `img-${String(i).padStart(4, '0')}.jpg`));
  }
  return (await readdir(d)).sort().map((x) => join(d, x));
}

export async function run(): Promise<void> {
  const dir = await benchDir('label');
  const outDir = join(dir, 'out');
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const cfgDir = join(dir, 'exiftool-home');
  await mkdir(cfgDir, { recursive: true });
  await writeFile(join(cfgDir, '.ExifTool_config'), EXIFTOOL_CONFIG);
  const et_ = new ExifTool({ maxProcs: 1, exiftoolEnv: { EXIFTOOL_HOME: cfgDir } });
  const files = await fixtures(dir);
  const rows: Row[] = [];
  let k = 0;
  const out = (ext: string) => join(outDir, `o${k++}${ext}`);
  try {
    for (const [name, path] of Object.entries(files)) {
      const size = (await stat(path)).size;
      const ext = path.slice(path.lastIndexOf('.'));
      const big = size > 20e6;
      const runs = big ? 3 : 9;
      const supported = (await detectFormat(path)) !== null;
      const hegui = supported ? await timeIt(runs, () => writeLabel(path, label, { out: out(ext) })) : Number.NaN;
      const peers: Row['peers'] = {};
      const isAv = /\.(mp4|wav)$/.test(path);
      if (ext !== '.wav') {
        const tag = ext === '.mp4' ? 'Keys:AIGC' : 'XMP-TC260:AIGC';
        peers['exiftool'] = await timeIt(runs, () =>
          et_.write(path, { [tag]: json } as never, { writeArgs: ['-o', out(ext)] }),
        );
      } else peers['exiftool'] = 'cannot write WAV';
      if (isAv) {
        const extra = ext === '.mp4' ? ['-movflags', 'use_metadata_tags'] : [];
        peers['ffmpeg -c copy'] = await timeIt(big ? 3 : 5, () =>
          ff(['-i', path, '-map', '0', '-c', 'copy', ...extra, '-metadata', `AIGC=${json}`, out(ext)]),
        );
      }
      rows.push({
        case: `${name} (${(size / 1e6).toFixed(1)} MB)`,
        hegui,
        peers,
        note: supported ? '' : 'format not yet supported',
      });
      await rm(outDir, { recursive: true, force: true });
      await mkdir(outDir, { recursive: true });
    }
    for (const name of ['mp4 10 MB, moov at end', 'mp4 100 MB, moov at end'] as const) {
      const path = files[name]!;
      const size = (await stat(path)).size;
      const work = join(outDir, 'in-place.mp4');
      const inPlace = async (fn: () => Promise<unknown>): Promise<number> => {
        const times: number[] = [];
        for (let i = 0; i < 4; i++) {
          await copyFile(path, work);
          const t = process.hrtime.bigint();
          await fn();
          if (i > 0) times.push(Number(process.hrtime.bigint() - t) / 1e6);
        }
        return median(times);
      };
      const hegui = await inPlace(() => writeLabel(work, label));
      const et = await inPlace(() =>
        et_.write(work, { 'Keys:AIGC': json } as never, { writeArgs: ['-overwrite_original'] }),
      );
      rows.push({
        case: `${name.replace(', moov at end', '')} in place (${(size / 1e6).toFixed(1)} MB)`,
        hegui,
        peers: { exiftool: et },
      });
    }
    const jpegs = await smallJpegs(dir, 1000);
    if (await detectFormat(jpegs[0]!)) {
      const heguiFolder = await timeIt(1, async () => {
        let i = 0;
        const worker = async () => {
          while (i < jpegs.length) {
            const p = jpegs[i++]!;
            await writeLabel(p, label, { out: out('.jpg') });
          }
        };
        await Promise.all([worker(), worker(), worker(), worker()]);
      });
      const etFolder = await timeIt(1, () =>
        Promise.all(
          jpegs.map((p) => et_.write(p, { 'XMP-TC260:AIGC': json } as never, { writeArgs: ['-o', out('.jpg')] })),
        ),
      );
      rows.push({ case: 'folder of 1,000 small JPEGs', hegui: heguiFolder, peers: { exiftool: etFolder } });
      rows.push({ case: '  per file', hegui: heguiFolder / 1000, peers: { exiftool: etFolder / 1000 } });
    } else {
      rows.push({
        case: 'folder of 1,000 small JPEGs',
        hegui: Number.NaN,
        peers: {},
        note: 'format not yet supported',
      });
    }
  } finally {
    await et_.end();
    await rm(outDir, { recursive: true, force: true });
  }
  printTable(rows);
  console.log(
    'ratios: peer time / hegui time (higher is better for hegui); medians over 9 runs (3 for files over 20 MB)',
  );
}

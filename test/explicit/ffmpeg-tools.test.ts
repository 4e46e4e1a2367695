/**
 * Which ffmpeg the library runs (README "Video"): `HEGUI_FFMPEG`, else `ffmpeg` on the PATH, else the binary of
 * @ffmpeg-installer/ffmpeg. Each case labels a real video in a child process whose environment is set up for it;
 * the candidates are wrapper scripts that log each call and then run the real ffmpeg, so the test sees which one
 * did the work, not only which path was chosen.
 */
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ffmpeg } from '../support/media.ts';
import { run } from '../support/run.ts';

const require = createRequire(import.meta.url);
const PACKAGED = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
const FFPROBE = (require('@ffprobe-installer/ffprobe') as { path: string }).path;
const TSX = fileURLToPath(import.meta.resolve('tsx'));
const CHILD = fileURLToPath(new URL('./children/label-video.ts', import.meta.url));

let dir: string;
let clip: string;
/** A folder holding only `sh`: the PATH of a machine without ffmpeg (the library asks `sh -c 'command -v ffmpeg'`). */
let bare: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-ffmpeg-tools-'));
  clip = join(dir, 'clip.mp4');
  await ffmpeg([
    ...['-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=25:duration=1'],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', clip],
  ]);
  bare = join(dir, 'bare');
  await mkdir(bare);
  await symlink('/bin/sh', join(bare, 'sh'));
});
after(() => rm(dir, { recursive: true, force: true }));

/** A folder with an `ffmpeg` that appends `name` to the call log, then runs the real one. */
async function wrapper(name: string): Promise<string> {
  const bin = join(dir, name);
  await mkdir(bin);
  const script = join(bin, 'ffmpeg');
  await writeFile(script, `#!/bin/sh\necho ${name} >> '${join(dir, 'calls.log')}'\nexec '${PACKAGED}' "$@"\n`);
  await chmod(script, 0o755);
  return bin;
}

let runs = 0;
async function labelWith(env: Record<string, string>): Promise<{ ffmpeg: string; calls: string[] }> {
  const log = join(dir, 'calls.log');
  await writeFile(log, '');
  const child = { HOME: process.env['HOME'] ?? '/', HEGUI_FFPROBE: FFPROBE, ...env };
  const r = await run(process.execPath, ['--import', TSX, CHILD, clip, join(dir, `out-${runs++}.mp4`)], { env: child });
  assert.equal(r.code, 0, r.stderr);
  const calls = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
  return { ffmpeg: JSON.parse(r.stdout.trim().split('\n').pop()!).ffmpeg, calls };
}

describe('ffmpeg resolution: HEGUI_FFMPEG, then the PATH, then @ffmpeg-installer/ffmpeg', () => {
  it('HEGUI_FFMPEG wins over an ffmpeg on the PATH', async () => {
    const [a, b] = [await wrapper('env-choice'), await wrapper('path-choice')];
    const r = await labelWith({ HEGUI_FFMPEG: join(a, 'ffmpeg'), PATH: `${b}:${bare}` });
    assert.equal(r.ffmpeg, join(a, 'ffmpeg'));
    assert.ok(r.calls.length > 0, 'the video was made by it');
    assert.deepEqual([...new Set(r.calls)], ['env-choice'], 'and only by it');
  });

  it('without HEGUI_FFMPEG, the ffmpeg on the PATH', async () => {
    const b = await wrapper('path-only');
    const r = await labelWith({ PATH: `${b}:${bare}` });
    assert.equal(r.ffmpeg, join(b, 'ffmpeg'));
    assert.ok(r.calls.length > 0);
    assert.deepEqual([...new Set(r.calls)], ['path-only']);
  });

  it('an empty HEGUI_FFMPEG counts as unset', async () => {
    const b = await wrapper('path-after-empty');
    const r = await labelWith({ HEGUI_FFMPEG: '', PATH: `${b}:${bare}` });
    assert.equal(r.ffmpeg, join(b, 'ffmpeg'));
  });

  it('with neither, the binary of @ffmpeg-installer/ffmpeg', async () => {
    const r = await labelWith({ PATH: bare });
    assert.equal(r.ffmpeg, PACKAGED);
    assert.deepEqual(r.calls, [], 'no wrapper was run');
  });
});

/** One file of each medium, made by the real encoders, for the labelling-policy tests. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { noise } from '../explicit/support.ts';
import { makeAudio } from '../explicit-audio/support.ts';
import { ffmpeg } from '../support/media.ts';

export const PRODUCER = '001191440300708461136T1XGW3';

export const FIXTURES = {
  image: 'photo.png',
  video: 'clip.mp4',
  audio: 'voice.wav',
  text: 'answer.txt',
  markdown: 'notes.md',
  html: 'page.html',
} as const;

export const MARKDOWN = '---\ntitle: Notes\n---\n\n# Notes\n\nA paragraph of generated text.\n';
export const HTML = '<!doctype html>\n<html><head><title>t</title></head><body><p>Generated.</p></body></html>\n';
export const TEXT = 'The answer is forty-two.\n\nIt was computed.\n';

/** The six fixtures in `dir` (created). */
export async function makeFixtures(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await noise(320, 240, 7).png().toFile(join(dir, FIXTURES.image));
  await ffmpeg([
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=320x240:rate=25:duration=2.6',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-pix_fmt',
    'yuv420p',
    join(dir, FIXTURES.video),
  ]);
  await makeAudio(join(dir, FIXTURES.audio), {
    source: 'speech',
    rate: 16000,
    channels: 1,
    seconds: 1,
    codec: ['-c:a', 'pcm_s16le'],
  });
  await writeFile(join(dir, FIXTURES.text), TEXT);
  await writeFile(join(dir, FIXTURES.markdown), MARKDOWN);
  await writeFile(join(dir, FIXTURES.html), HTML);
}

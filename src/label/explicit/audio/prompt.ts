import { stat } from 'node:fs/promises';
import { HeguiError, isHeguiError } from '../../../errors.ts';
import { runFfmpeg } from './tool.ts';

/** A spoken prompt is a sentence ("本内容由人工智能生成" takes about 4 s at 150 characters a minute). */
export const MAX_PROMPT_SECONDS = 30;

const cache = new Map<string, Float32Array>();
const CACHE_ENTRIES = 8;

/**
 * The provider's spoken prompt (any format ffmpeg reads), converted to the content's sample rate and channel count
 * as interleaved float samples. Decoded once per rate and layout while the file is unchanged.
 */
export async function loadPrompt(path: string, rate: number, channels: number): Promise<Float32Array> {
  const st = await stat(path).catch(() => null);
  if (!st?.isFile()) throw new HeguiError('usage', 'the spoken prompt file does not exist or is not a file');
  const key = `${path}\u0000${st.mtimeMs}\u0000${st.size}\u0000${rate}\u0000${channels}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const bytesPerSecond = rate * channels * 4;
  let pcm: Buffer;
  try {
    const r = await runFfmpeg(
      [
        '-i',
        path,
        '-vn',
        '-map',
        '0:a:0',
        '-ac',
        String(channels),
        '-ar',
        String(rate),
        '-f',
        'f32le',
        '-c:a',
        'pcm_f32le',
        '-',
      ],
      { action: 'read the spoken prompt', maxStdout: (MAX_PROMPT_SECONDS + 1) * bytesPerSecond, timeoutMs: 120_000 },
    );
    pcm = r.stdout;
  } catch (e) {
    if (isHeguiError(e) && e.code === 'oversize')
      throw new HeguiError('usage', `the spoken prompt is longer than ${MAX_PROMPT_SECONDS} s`);
    if (isHeguiError(e)) throw new HeguiError('usage', 'the spoken prompt file is not audio that ffmpeg can read');
    throw e;
  }
  if (pcm.length > MAX_PROMPT_SECONDS * bytesPerSecond)
    throw new HeguiError('usage', `the spoken prompt is longer than ${MAX_PROMPT_SECONDS} s`);
  if (pcm.length < channels * 4) throw new HeguiError('usage', 'the spoken prompt holds no sound');
  const samples = new Float32Array(pcm.buffer.slice(pcm.byteOffset, pcm.byteOffset + pcm.length - (pcm.length % 4)));
  if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(key, samples);
  return samples;
}

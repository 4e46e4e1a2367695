import { HeguiError, malformed } from '../../../errors.ts';
import { chunkData, type RiffChunk, type RiffWalk, U32_MAX, walkRiff } from '../../codecs/riff/chunks.ts';
import { ascii, asciiBytes, put32le, u16le, u32le } from '../../io/bytes.ts';
import type { ByteSink } from '../../io/sink.ts';
import type { ByteSource } from '../../io/source.ts';
import type { LabelBlock } from './block.ts';
import { encodePcm, type PcmLayout } from './pcm.ts';

/**
 * Explicit label in a PCM WAV without re-encoding: label samples are written in the file's own sample format before
 * and/or after the `data` chunk's bytes, which are copied unchanged, so every content sample stays bit-identical.
 * Every other chunk (`fmt `, `LIST`, `bext`, an `AIGC` label …) is copied in place; `fact` gets the new frame count
 * and `cue ` points move with the content.
 */
export interface WavFormat {
  formatTag: number;
  channels: number;
  sampleRate: number;
  blockAlign: number;
  layout: PcmLayout;
}

export interface WavLayout {
  walk: RiffWalk;
  format: WavFormat;
  data: RiffChunk;
  frames: number;
}

const PCM = 1;
const FLOAT = 3;
const EXTENSIBLE = 0xfffe;

export const isWav = (head: Uint8Array): boolean =>
  head.length >= 12 && ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 4) === 'WAVE';

function parseFmt(b: Uint8Array): WavFormat {
  if (b.length < 16) throw malformed('the WAV fmt chunk is shorter than 16 bytes');
  let formatTag = u16le(b, 0);
  const channels = u16le(b, 2);
  const sampleRate = u32le(b, 4);
  const blockAlign = u16le(b, 12);
  const bits = u16le(b, 14);
  let validBits = bits;
  if (formatTag === EXTENSIBLE) {
    if (b.length < 40) throw malformed('the WAVE_FORMAT_EXTENSIBLE fmt chunk is shorter than 40 bytes');
    validBits = u16le(b, 18) || bits;
    formatTag = u16le(b, 24);
  }
  const float = formatTag === FLOAT;
  if (formatTag !== PCM && !float) {
    throw new HeguiError(
      'format_unsupported',
      `WAV audio coded as format ${formatTag} (not PCM) cannot take an explicit label without re-encoding`,
      { formatTag },
    );
  }
  const okBits = float ? bits === 32 || bits === 64 : bits === 8 || bits === 16 || bits === 24 || bits === 32;
  if (!okBits || validBits > bits || validBits < 1)
    throw new HeguiError('format_unsupported', `${bits}-bit ${float ? 'float' : 'PCM'} WAV audio is not supported`);
  if (channels < 1 || channels > 64 || sampleRate < 1000 || sampleRate > 768_000)
    throw malformed('the WAV fmt chunk has an impossible channel count or sample rate');
  if (blockAlign !== (channels * bits) / 8) throw malformed('the WAV block alignment does not match its sample size');
  const layout: PcmLayout = {
    kind: float ? 'float' : 'int',
    containerBits: bits as PcmLayout['containerBits'],
    validBits: float ? bits : validBits,
  };
  return { formatTag, channels, sampleRate, blockAlign, layout };
}

export async function readWavLayout(src: ByteSource): Promise<WavLayout> {
  if (ascii(src.head, 0, 4) !== 'RIFF')
    throw new HeguiError('format_unsupported', 'RF64 / BW64 WAV files (over 4 GB) cannot take an explicit label yet');
  const walk = await walkRiff(src, { strict: true, descend: () => false });
  if (walk.formType !== 'WAVE') throw malformed('the RIFF form type is not WAVE', 8);
  const fmt = walk.chunks.find((c) => c.id === 'fmt ');
  const datas = walk.chunks.filter((c) => c.id === 'data');
  if (!fmt) throw malformed('the WAV has no fmt chunk');
  if (datas.length !== 1) throw malformed(`the WAV has ${datas.length} data chunks, not one`);
  if (fmt.size > 1024) throw malformed('the WAV fmt chunk is implausibly large');
  const format = parseFmt(await src.read(chunkData(fmt), fmt.size));
  const data = datas[0]!;
  if (data.size % format.blockAlign !== 0)
    throw malformed('the WAV data chunk ends inside a sample frame (the file is cut short)', data.offset);
  return { walk, format, data, frames: data.size / format.blockAlign };
}

function header(id: string, size: number): Uint8Array {
  const h = new Uint8Array(8);
  h.set(asciiBytes(id), 0);
  put32le(h, 4, size);
  return h;
}

/** `cue ` points are sample positions in the data: they move by the frames put before the content. */
function shiftCues(chunk: Uint8Array, frames: number): Uint8Array {
  const out = chunk.slice();
  const count = u32le(out, 8);
  if (12 + count * 24 > out.length) return out;
  for (let i = 0; i < count; i++) {
    const e = 12 + i * 24;
    put32le(out, e + 4, Math.min(U32_MAX, u32le(out, e + 4) + frames));
    put32le(out, e + 20, Math.min(U32_MAX, u32le(out, e + 20) + frames));
  }
  return out;
}

export async function writeWavWithLabel(
  src: ByteSource,
  sink: ByteSink,
  wav: WavLayout,
  blocks: { before?: LabelBlock; after?: LabelBlock },
): Promise<void> {
  const pre = blocks.before ? encodePcm(blocks.before.samples, wav.format.layout) : new Uint8Array(0);
  const post = blocks.after ? encodePcm(blocks.after.samples, wav.format.layout) : new Uint8Array(0);
  const dataSize = pre.length + wav.data.size + post.length;
  let riffSize = 4;
  for (const c of wav.walk.chunks)
    riffSize += c.id === 'data' ? 8 + dataSize + (dataSize % 2) : c.total + (c.padded ? 0 : 1);
  if (riffSize > U32_MAX || dataSize > U32_MAX)
    throw new HeguiError('format_unsupported', 'the labelled WAV would exceed the 4 GB RIFF limit', { size: riffSize });
  const frames = (blocks.before?.frames ?? 0) + wav.frames + (blocks.after?.frames ?? 0);
  const riff = header('RIFF', riffSize);
  await sink.write(riff);
  await sink.write(asciiBytes('WAVE'));
  for (const c of wav.walk.chunks) {
    if (c.id === 'data') {
      await sink.write(header('data', dataSize));
      await sink.write(pre);
      await sink.copyFrom(src, chunkData(c), c.size);
      await sink.write(post);
      if (dataSize % 2) await sink.write(new Uint8Array(1));
      continue;
    }
    if ((c.id === 'fact' && c.size >= 4) || (c.id === 'cue ' && c.size >= 4 && pre.length > 0 && c.size <= 1 << 20)) {
      let bytes: Uint8Array = (await src.read(c.offset, c.total)).slice();
      if (c.id === 'fact') put32le(bytes, 8, Math.min(U32_MAX, frames));
      else bytes = shiftCues(bytes, blocks.before!.frames);
      await sink.write(bytes);
    } else await sink.copyFrom(src, c.offset, c.total);
    if (!c.padded) await sink.write(new Uint8Array(1));
  }
  // Bytes after the RIFF (an appended ID3 tag) are kept, as the metadata codec does.
  if (wav.walk.trailing > 0) await sink.copyFrom(src, wav.walk.end, wav.walk.trailing);
}

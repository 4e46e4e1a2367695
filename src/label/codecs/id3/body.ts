import type { ByteSink } from '../../io/sink.ts';
import type { ByteSource } from '../../io/source.ts';

/**
 * The bytes of a tag body as frames see them. Normally that is the file itself; an ID3v2.2/2.3 tag with the
 * unsynchronisation flag is decoded first (ID3v2.3 §5: the whole tag is unsynchronised), so its frames live in memory.
 */
export interface TagBody {
  readonly length: number;
  read(offset: number, length: number): Promise<Uint8Array>;
  copyTo(sink: ByteSink, offset: number, length: number): Promise<void>;
}

export function fileBody(src: ByteSource, start: number, length: number): TagBody {
  return {
    length,
    read: (offset, n) => src.read(start + offset, n),
    copyTo: (sink, offset, n) => sink.copyFrom(src, start + offset, n),
  };
}

export function memoryBody(bytes: Uint8Array): TagBody {
  return {
    length: bytes.length,
    read: async (offset, n) => bytes.subarray(offset, offset + n),
    copyTo: (sink, offset, n) => sink.write(bytes.subarray(offset, offset + n)),
  };
}

/** Undo unsynchronisation (ID3v2.4 §6.1): every `FF 00` becomes `FF`. */
export function decodeUnsync(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length);
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    out[n++] = b[i]!;
    if (b[i] === 0xff && b[i + 1] === 0x00) i++;
  }
  return out.subarray(0, n);
}

/**
 * Apply unsynchronisation: a zero byte after every `FF` that is followed by `111xxxxx` or `00`, and after a final `FF`
 * (so the padding or the audio that follows cannot form a false sync).
 */
export function encodeUnsync(b: Uint8Array): Uint8Array {
  let extra = 0;
  for (let i = 0; i < b.length; i++)
    if (b[i] === 0xff && (i + 1 === b.length || b[i + 1]! >= 0xe0 || b[i + 1] === 0)) extra++;
  if (extra === 0) return b;
  const out = new Uint8Array(b.length + extra);
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    out[n++] = b[i]!;
    if (b[i] === 0xff && (i + 1 === b.length || b[i + 1]! >= 0xe0 || b[i + 1] === 0)) out[n++] = 0;
  }
  return out;
}

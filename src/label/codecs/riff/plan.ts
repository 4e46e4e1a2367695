import type { ByteSink } from '../../io/sink.ts';
import type { ByteSource } from '../../io/source.ts';
import type { WriteOptions } from '../codec.ts';

type Part = { kind: 'copy'; offset: number; length: number } | { kind: 'bytes'; data: Uint8Array };

/**
 * The output of a RIFF writer as a list of source ranges and new bytes. Writers build the whole plan first so the
 * final size (and the 32-bit RIFF size field) is known before a byte is written: a file that would overflow it is
 * refused up front, not after gigabytes were copied.
 */
export class WritePlan {
  private readonly parts: Part[] = [];
  size = 0;

  copy(offset: number, length: number): void {
    if (length === 0) return;
    const last = this.parts.at(-1);
    if (last?.kind === 'copy' && last.offset + last.length === offset) last.length += length;
    else this.parts.push({ kind: 'copy', offset, length });
    this.size += length;
  }

  bytes(data: Uint8Array): void {
    if (data.length === 0) return;
    this.parts.push({ kind: 'bytes', data });
    this.size += data.length;
  }

  async run(src: ByteSource, out: ByteSink, options?: WriteOptions): Promise<void> {
    let done = 0;
    for (const p of this.parts) {
      if (p.kind === 'copy') await out.copyFrom(src, p.offset, p.length);
      else await out.write(p.data);
      done += p.kind === 'copy' ? p.length : p.data.length;
      options?.onProgress?.(done, this.size);
    }
  }
}

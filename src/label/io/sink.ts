import { randomBytes } from 'node:crypto';
import { type FileHandle, open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { HeguiError } from '../../errors.ts';
import type { ByteSource } from './source.ts';
import { ioError } from './source.ts';

/**
 * Where a codec writes the new file, front to back. `patch` rewrites bytes already written (a size field known only
 * at the end). Payloads are copied from the source in chunks, never held whole in memory.
 */
export interface ByteSink {
  readonly position: number;
  write(bytes: Uint8Array): Promise<void>;
  copyFrom(src: ByteSource, offset: number, length: number): Promise<void>;
  patch(position: number, bytes: Uint8Array): Promise<void>;
}

export class MemorySink implements ByteSink {
  private parts: Uint8Array[] = [];
  private flat: Uint8Array | null = null;
  position = 0;

  async write(bytes: Uint8Array): Promise<void> {
    this.parts.push(bytes.slice());
    this.flat = null;
    this.position += bytes.length;
  }
  async copyFrom(src: ByteSource, offset: number, length: number): Promise<void> {
    for await (const c of src.chunks(offset, length)) await this.write(c);
  }
  async patch(position: number, bytes: Uint8Array): Promise<void> {
    if (position < 0 || position + bytes.length > this.position) {
      throw new HeguiError('usage', 'patch outside the written range', { position, length: bytes.length });
    }
    const all = this.bytes();
    all.set(bytes, position);
  }
  bytes(): Uint8Array {
    if (!this.flat) {
      const out = new Uint8Array(this.position);
      let p = 0;
      for (const part of this.parts) {
        out.set(part, p);
        p += part.length;
      }
      this.flat = out;
      this.parts = [out];
    }
    return this.flat;
  }
}

/** Writes to a temporary file beside the target; {@link commit} renames it into place, {@link abort} removes it. */
export class AtomicFileSink implements ByteSink {
  position = 0;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private static readonly FLUSH_AT = 1 << 20;

  private constructor(
    private readonly fh: FileHandle,
    readonly tempPath: string,
    readonly targetPath: string,
  ) {}

  static async create(targetPath: string): Promise<AtomicFileSink> {
    const tempPath = join(dirname(targetPath), `.${basename(targetPath)}.hegui-${randomBytes(6).toString('hex')}.tmp`);
    let fh: FileHandle;
    try {
      fh = await open(tempPath, 'wx', 0o644);
    } catch (e) {
      throw ioError(e, 'create the output file');
    }
    return new AtomicFileSink(fh, tempPath, targetPath);
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (bytes.length === 0) return;
    this.pending.push(bytes.slice());
    this.pendingBytes += bytes.length;
    this.position += bytes.length;
    if (this.pendingBytes >= AtomicFileSink.FLUSH_AT) await this.flush();
  }

  async copyFrom(src: ByteSource, offset: number, length: number): Promise<void> {
    await this.flush();
    for await (const c of src.chunks(offset, length)) {
      await this.writeAt(c, this.position);
      this.position += c.length;
    }
  }

  async patch(position: number, bytes: Uint8Array): Promise<void> {
    if (position < 0 || position + bytes.length > this.position) {
      throw new HeguiError('usage', 'patch outside the written range', { position, length: bytes.length });
    }
    await this.flush();
    await this.writeAt(bytes, position);
  }

  private async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const buf = Buffer.concat(this.pending, this.pendingBytes);
    const at = this.position - this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    await this.writeAt(buf, at);
  }

  private async writeAt(bytes: Uint8Array, position: number): Promise<void> {
    let done = 0;
    try {
      while (done < bytes.length) {
        const { bytesWritten } = await this.fh.write(bytes, done, bytes.length - done, position + done);
        done += bytesWritten;
      }
    } catch (e) {
      throw ioError(e, 'write the output file');
    }
  }

  /** Flush, fsync and close; the file stays at its temporary path until {@link commit}. */
  async finish(): Promise<void> {
    await this.flush();
    try {
      await this.fh.sync();
    } finally {
      await this.fh.close();
    }
  }

  /** Rename the finished temporary file over the target (atomic on one file system), keeping the target's mode. */
  async commit(): Promise<void> {
    try {
      const st = await stat(this.targetPath).catch(() => null);
      if (st) await (await import('node:fs/promises')).chmod(this.tempPath, st.mode & 0o7777);
      await rename(this.tempPath, this.targetPath);
    } catch (e) {
      await this.abort();
      throw ioError(e, 'replace the output file');
    }
  }

  async abort(): Promise<void> {
    await this.fh.close().catch(() => {});
    await unlink(this.tempPath).catch(() => {});
  }
}

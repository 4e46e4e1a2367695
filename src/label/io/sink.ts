import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { chmod, type FileHandle, open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
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
    // Views into a stable source (bytes in memory) are kept as they are: the payload is copied once, into bytes().
    for await (const c of src.chunks(offset, length, length || 1)) {
      if (!src.stable) await this.write(c);
      else if (c.length > 0) {
        this.parts.push(c);
        this.flat = null;
        this.position += c.length;
      }
    }
  }
  async patch(position: number, bytes: Uint8Array): Promise<void> {
    if (position < 0 || position + bytes.length > this.position) {
      throw new HeguiError('usage', 'patch outside the written range', { position, length: bytes.length });
    }
    // bytes() is a new array (or one patched before), never a view of the source: editing it leaves the source alone.
    const all = this.bytes();
    all.set(bytes, position);
  }
  bytes(): Uint8Array {
    if (!this.flat) {
      // Not zero-filled first: every byte is set from the parts below.
      const whole = Buffer.allocUnsafe(this.position);
      const out = new Uint8Array(whole.buffer, whole.byteOffset, this.position);
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

/**
 * Writes to a temporary file beside the target; {@link commit} renames it into place, {@link abort} removes it.
 * Output stays in memory up to SPILL_BYTES (one write system call for a typical image) and is streamed to the
 * temporary file beyond that, so memory stays bounded whatever the file size.
 */
export class AtomicFileSink implements ByteSink {
  position = 0;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  /** Bytes before this position are already in the temporary file. */
  private flushed = 0;
  private spilled = false;
  private memoryCopy: Uint8Array | null = null;
  private static readonly SPILL_BYTES = 8 * 1024 * 1024;
  private static readonly COPY_CHUNK = 4 * 1024 * 1024;

  private constructor(
    private readonly fh: FileHandle,
    readonly tempPath: string,
    readonly targetPath: string,
  ) {}

  static async create(targetPath: string): Promise<AtomicFileSink> {
    const tempPath = tempPathFor(targetPath);
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
    if (this.pendingBytes >= AtomicFileSink.SPILL_BYTES) await this.flush();
  }

  async copyFrom(src: ByteSource, offset: number, length: number): Promise<void> {
    if (this.pendingBytes + length <= AtomicFileSink.SPILL_BYTES) {
      // Views into a stable source (bytes in memory) are kept as they are: no copy is made.
      for await (const c of src.chunks(offset, length, AtomicFileSink.COPY_CHUNK)) {
        this.pending.push(src.stable ? c : c.slice());
        this.pendingBytes += c.length;
        this.position += c.length;
      }
      return;
    }
    await this.flush();
    for await (const c of src.chunks(offset, length, AtomicFileSink.COPY_CHUNK)) {
      await this.writeAt(c, this.position);
      this.position += c.length;
      this.flushed = this.position;
    }
  }

  async patch(position: number, bytes: Uint8Array): Promise<void> {
    if (position < 0 || position + bytes.length > this.position) {
      throw new HeguiError('usage', 'patch outside the written range', { position, length: bytes.length });
    }
    if (position >= this.flushed) {
      // Still in memory: edit the pending bytes instead of spilling to disk.
      const all = Buffer.concat(this.pending, this.pendingBytes);
      all.set(bytes, position - this.flushed);
      this.pending = [all];
      return;
    }
    await this.flush();
    await this.writeAt(bytes, position);
  }

  private async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const buf = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    await this.writeAt(buf, this.flushed);
    this.flushed += buf.length;
    this.spilled = true;
  }

  /**
   * The finished bytes when they never left memory (a small file), so the read-back check needs no second read;
   * null when the output was streamed to disk.
   */
  inMemory(): Uint8Array | null {
    return this.memoryCopy;
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

  /**
   * Write everything and close; the file stays at its temporary path until {@link commit}. `durable` adds an fsync,
   * needed before a rename replaces an original (else a crash could leave neither); a new file does not need it.
   */
  async finish(durable: boolean): Promise<void> {
    try {
      if (!this.spilled) {
        this.memoryCopy = Buffer.concat(this.pending, this.pendingBytes);
        this.pending = [this.memoryCopy];
      }
      await this.flush();
      if (durable) await this.fh.sync();
    } finally {
      await this.fh.close();
    }
  }

  /** Rename the finished temporary file over the target (atomic on one file system), keeping the target's mode. */
  async commit(): Promise<void> {
    try {
      const st = await stat(this.targetPath).catch(() => null);
      if (st) await chmod(this.tempPath, st.mode & 0o7777);
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

/** A temporary name beside the target, on the same file system so that a rename can replace the target. */
export const tempPathFor = (targetPath: string): string =>
  join(dirname(targetPath), `.${basename(targetPath)}.hegui-${randomBytes(6).toString('hex')}.tmp`);

/**
 * Write a small file's new bytes beside the target and rename them over it, as {@link AtomicFileSink} does, with
 * synchronous calls for the open, write and rename: for a file that fits in memory each asynchronous call costs a
 * thread-pool round trip longer than the call itself. `durable` adds a flush before the rename (replacing an
 * original), done off the main thread since it waits for the disk. On failure the temporary file is removed and the
 * target is untouched.
 */
export async function writeSmallFileAtomically(targetPath: string, bytes: Uint8Array, durable: boolean): Promise<void> {
  const tempPath = tempPathFor(targetPath);
  let fd: number;
  try {
    fd = openSync(tempPath, 'wx', 0o644);
  } catch (e) {
    throw ioError(e, 'create the output file');
  }
  let step = 'write the output file';
  try {
    try {
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
      if (durable) await fsyncFd(fd);
    } finally {
      closeSync(fd);
    }
    step = 'replace the output file';
    const st = statSync(targetPath, { throwIfNoEntry: false });
    if (st) chmodSync(tempPath, st.mode & 0o7777);
    renameSync(tempPath, targetPath);
  } catch (e) {
    try {
      unlinkSync(tempPath);
    } catch {}
    throw ioError(e, step);
  }
}

const fsyncFd = promisify(fsync);

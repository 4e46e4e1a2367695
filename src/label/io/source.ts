import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { HeguiError, isHeguiError, oversize, truncated } from '../../errors.ts';

/** How many bytes a source keeps of its start for sniffing and small headers. */
export const HEAD_BYTES = 64 * 1024;
/** Files up to this size are read in one go (one system call instead of one per structure); larger ones stream. */
export const WHOLE_FILE_BYTES = 8 * 1024 * 1024;
/** Small reads of a large file are served from a window of this size, so walking many small structures is cheap. */
const WINDOW_BYTES = 256 * 1024;
/**
 * The most one `read` may return. Codecs read structures (headers, boxes, chunks), never media payloads, so a
 * larger request means a length field is hostile or the file is not what it claims.
 */
export const MAX_READ = 64 * 1024 * 1024;

/**
 * Random-access, bounded reading of a file or buffer. Codecs never load a whole file: they read the structures they
 * need and stream the rest through a {@link ByteSink}.
 */
export interface ByteSource {
  readonly size: number;
  /** The first min(size, HEAD_BYTES) bytes. */
  readonly head: Uint8Array;
  /** True when `read` and `chunks` return views of immutable bytes that stay valid (a file in memory). */
  readonly stable: boolean;
  /** Exactly `length` bytes at `offset`; throws `truncated` past the end and `oversize` over MAX_READ. */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Stream `length` bytes at `offset` in chunks (for copying and hashing payloads). */
  chunks(offset: number, length: number, chunkSize?: number): AsyncIterable<Uint8Array>;
  close(): Promise<void>;
}

function checkRange(size: number, offset: number, length: number, what = 'read'): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new HeguiError('malformed', `invalid ${what} range`, { offset, length });
  }
  if (offset + length > size) throw truncated(`a ${length}-byte structure`, offset, length);
}

export class BufferSource implements ByteSource {
  readonly stable = true;
  readonly size: number;
  readonly head: Uint8Array;
  private readonly bytes: Uint8Array;
  constructor(bytes: Uint8Array) {
    // A plain Uint8Array view: a Node Buffer's `slice` returns a view, and a codec that slices a read to edit it
    // must get a copy, never a window onto the caller's bytes.
    this.bytes = Buffer.isBuffer(bytes) ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length) : bytes;
    this.size = bytes.length;
    this.head = this.bytes.subarray(0, HEAD_BYTES);
  }
  async read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this.size, offset, length);
    if (length > MAX_READ) throw oversize('a structure', length, MAX_READ);
    return this.bytes.subarray(offset, offset + length);
  }
  async *chunks(offset: number, length: number, chunkSize = 1 << 20): AsyncIterable<Uint8Array> {
    checkRange(this.size, offset, length, 'copy');
    for (let p = offset; p < offset + length; p += chunkSize) {
      yield this.bytes.subarray(p, Math.min(p + chunkSize, offset + length));
    }
  }
  async close(): Promise<void> {}
}

/**
 * Open a file for reading: in memory when small (bounded by WHOLE_FILE_BYTES), streamed otherwise.
 *
 * A small file is read with synchronous calls: each asynchronous call is a round trip through libuv's thread pool,
 * which for a small file costs more than the I/O itself (four of them: open, stat, read, close). The event loop is
 * held for at most one read of WHOLE_FILE_BYTES from the page cache.
 */
export async function openSource(path: string): Promise<ByteSource> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw ioError(e, 'open');
  }
  let size: number;
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new HeguiError('usage', 'not a regular file');
    size = st.size;
    if (size <= WHOLE_FILE_BYTES) {
      // Not zero-filled first: every byte is read into it, or the read fails.
      const whole = Buffer.allocUnsafe(size);
      const bytes = new Uint8Array(whole.buffer, whole.byteOffset, size);
      for (let done = 0; done < size; ) {
        const n = readSync(fd, bytes, done, size - done, done);
        if (n === 0) throw truncated('the file changed while it was read; a read', done);
        done += n;
      }
      return new BufferSource(bytes);
    }
  } catch (e) {
    throw isHeguiError(e) ? e : ioError(e, 'read');
  } finally {
    closeSync(fd);
  }
  return FileSource.open(path);
}

export class FileSource implements ByteSource {
  readonly stable = false;
  private window: Uint8Array | null = null;
  private windowAt = 0;

  private constructor(
    private readonly fh: FileHandle,
    readonly size: number,
    readonly head: Uint8Array,
  ) {}

  static async open(path: string): Promise<FileSource> {
    let fh: FileHandle;
    try {
      fh = await open(path, 'r');
    } catch (e) {
      throw ioError(e, 'open');
    }
    try {
      const st = await fh.stat();
      if (!st.isFile()) throw new HeguiError('usage', 'not a regular file');
      const headLen = Math.min(st.size, HEAD_BYTES);
      const head = new Uint8Array(headLen);
      await readFully(fh, head, 0);
      return new FileSource(fh, st.size, head);
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this.size, offset, length);
    if (length > MAX_READ) throw oversize('a structure', length, MAX_READ);
    if (offset + length <= this.head.length) return this.head.subarray(offset, offset + length);
    const w = this.window;
    if (w && offset >= this.windowAt && offset + length <= this.windowAt + w.length) {
      return w.subarray(offset - this.windowAt, offset - this.windowAt + length);
    }
    if (length <= WINDOW_BYTES / 4) {
      const n = Math.min(WINDOW_BYTES, this.size - offset);
      const win = new Uint8Array(n);
      await readFully(this.fh, win, offset);
      this.window = win;
      this.windowAt = offset;
      return win.subarray(0, length);
    }
    const buf = new Uint8Array(length);
    await readFully(this.fh, buf, offset);
    return buf;
  }

  async *chunks(offset: number, length: number, chunkSize = 1 << 20): AsyncIterable<Uint8Array> {
    checkRange(this.size, offset, length, 'copy');
    const buf = new Uint8Array(Math.min(chunkSize, Math.max(length, 1)));
    for (let p = offset; p < offset + length; ) {
      const n = Math.min(buf.length, offset + length - p);
      const view = buf.subarray(0, n);
      await readFully(this.fh, view, p);
      yield view;
      p += n;
    }
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}

async function readFully(fh: FileHandle, buf: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < buf.length) {
    const { bytesRead } = await fh.read(buf, done, buf.length - done, position + done);
    if (bytesRead === 0) throw truncated('the file changed while it was read; a read', position + done);
    done += bytesRead;
  }
}

export function ioError(e: unknown, action: string): HeguiError {
  const code = (e as NodeJS.ErrnoException)?.code ?? 'EIO';
  const text: Record<string, string> = {
    ENOENT: 'no such file',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EISDIR: 'is a directory',
    ENOSPC: 'no space left on the device',
    EROFS: 'read-only file system',
    ENOTDIR: 'a file is where a folder should be',
    EEXIST: 'a file of that name is in the way',
  };
  return new HeguiError('io', `cannot ${action}: ${text[code] ?? code}`, { errno: code });
}

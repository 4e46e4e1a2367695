import { createHash, type Hash } from 'node:crypto';
import { HeguiError } from '../../errors.ts';
import type { ByteSink } from './sink.ts';
import type { ByteSource } from './source.ts';

/**
 * A sink that hashes what a codec writes instead of storing it: the content binding streams a canonical write of a
 * file through it, so a file of any size is hashed in one pass with bounded memory.
 */
export class HashSink implements ByteSink {
  position = 0;
  private readonly hash: Hash;

  /** `algorithm` is a node:crypto hash name (`sm3`, `sha256`). */
  constructor(algorithm: string) {
    this.hash = createHash(algorithm);
  }

  async write(bytes: Uint8Array): Promise<void> {
    this.hash.update(bytes);
    this.position += bytes.length;
  }

  async copyFrom(src: ByteSource, offset: number, length: number): Promise<void> {
    for await (const c of src.chunks(offset, length, 4 * 1024 * 1024)) {
      this.hash.update(c);
      this.position += c.length;
    }
  }

  /** Hashed bytes cannot be rewritten. No codec patches today; one that does cannot take part in a content binding. */
  async patch(): Promise<void> {
    throw new HeguiError(
      'format_unsupported',
      'this format rewrites its output after writing it, so its content binding cannot be streamed',
    );
  }

  digest(): Uint8Array {
    return new Uint8Array(this.hash.digest());
  }
}

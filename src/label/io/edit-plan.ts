import { HeguiError } from '../../errors.ts';
import type { ByteSink } from './sink.ts';
import { type ByteSource, HEAD_BYTES } from './source.ts';

/** Bytes to put at an offset of the original file. */
export interface Patch {
  offset: number;
  bytes: Uint8Array;
}

/**
 * The labelled file described as edits of the original: the patches plus the new size. Produced by running a codec's
 * ordinary `write` into a {@link PlanningSink}, so every codec gets in-place updates without code of its own.
 */
export interface EditPlan {
  size: number;
  patches: Patch[];
  /** Total bytes the patches write. */
  patchBytes: number;
}

type Segment =
  | { kind: 'copy'; at: number; src: ByteSource; offset: number; length: number }
  | { kind: 'bytes'; at: number; bytes: Uint8Array };

/**
 * A sink that keeps what a codec writes as segments: copies from the source (not read) and literal bytes. Copies of
 * the source to the same offset cost nothing in place; everything else becomes a patch.
 */
export class PlanningSink implements ByteSink {
  position = 0;
  private segments: Segment[] = [];
  private literalBytes = 0;

  constructor(
    private readonly original: ByteSource,
    private readonly maxPatchBytes: number,
  ) {}

  async write(bytes: Uint8Array): Promise<void> {
    if (bytes.length === 0) return;
    this.count(bytes.length);
    this.segments.push({ kind: 'bytes', at: this.position, bytes: bytes.slice() });
    this.position += bytes.length;
  }

  async copyFrom(src: ByteSource, offset: number, length: number): Promise<void> {
    if (length === 0) return;
    const last = this.segments.at(-1);
    if (last?.kind === 'copy' && last.src === src && last.offset + last.length === offset) last.length += length;
    else this.segments.push({ kind: 'copy', at: this.position, src, offset, length });
    if (!(src === this.original && offset === this.position)) this.count(length);
    this.position += length;
  }

  async patch(position: number, bytes: Uint8Array): Promise<void> {
    if (position < 0 || position + bytes.length > this.position) {
      throw new HeguiError('usage', 'patch outside the written range', { position, length: bytes.length });
    }
    this.count(bytes.length);
    this.segments.push({ kind: 'bytes', at: position, bytes: bytes.slice() });
  }

  private count(n: number): void {
    this.literalBytes += n;
    if (this.literalBytes > this.maxPatchBytes) throw new PlanTooLarge();
  }

  /** Resolve the segments into patches against the original (reading the few non-identity copies). */
  async plan(): Promise<EditPlan> {
    const patches: Patch[] = [];
    for (const s of this.segments) {
      if (s.kind === 'bytes') patches.push({ offset: s.at, bytes: s.bytes });
      else if (!(s.src === this.original && s.offset === s.at)) {
        patches.push({ offset: s.at, bytes: (await s.src.read(s.offset, s.length)).slice() });
      }
    }
    return { size: this.position, patches, patchBytes: patches.reduce((n, p) => n + p.bytes.length, 0) };
  }
}

/** Thrown inside planning when the edits would be too large to be worth doing in place. */
export class PlanTooLarge extends Error {}

/**
 * The original with a plan applied, read lazily: used to read the result back and check it before the file is
 * touched. Later patches win where they overlap, as they would when applied in order.
 */
export class PlannedSource implements ByteSource {
  readonly stable = false;
  readonly size: number;
  head: Uint8Array = new Uint8Array(0);

  private constructor(
    private readonly original: ByteSource,
    private readonly planned: EditPlan,
  ) {
    this.size = planned.size;
  }

  static async create(original: ByteSource, plan: EditPlan): Promise<PlannedSource> {
    const s = new PlannedSource(original, plan);
    s.head = await s.read(0, Math.min(plan.size, HEAD_BYTES));
    return s;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    if (offset < 0 || length < 0 || offset + length > this.size) {
      throw new HeguiError('truncated', 'read past the end of the planned output', { offset, length });
    }
    const out = new Uint8Array(length);
    const fromOriginal = Math.max(0, Math.min(length, this.original.size - offset));
    if (fromOriginal > 0) out.set(await this.original.read(offset, fromOriginal), 0);
    for (const p of this.planned.patches) {
      const a = Math.max(offset, p.offset);
      const b = Math.min(offset + length, p.offset + p.bytes.length);
      if (a < b) out.set(p.bytes.subarray(a - p.offset, b - p.offset), a - offset);
    }
    return out;
  }

  async *chunks(offset: number, length: number, chunkSize = 1 << 20): AsyncIterable<Uint8Array> {
    for (let p = offset; p < offset + length; p += chunkSize)
      yield this.read(p, Math.min(chunkSize, offset + length - p));
  }

  async close(): Promise<void> {}
}

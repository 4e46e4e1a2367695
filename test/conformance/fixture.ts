/**
 * A conformance fixture: one file made by a real encoder, and how to check it independently.
 * Every codec contributes fixtures; `codecs.test.ts` runs the same cases over all of them.
 */
export interface CodecFixture {
  /** The codec id the file must sniff as (once labelled, and when its name is given). */
  codec: string;
  /**
   * The codec the unlabelled file sniffs as by its bytes alone, when the write path adopts it by its name (a `.md` file
   * without front matter is plain text until it gets one).
   */
  startsAs?: string;
  /** Unique, descriptive: `jpeg-exif-icc`, `mp4-moov-at-end`. */
  name: string;
  /** Make the file in `dir` (with sharp, ffmpeg, …) and return its path. Called once per fixture. */
  make(dir: string): Promise<string>;
  /**
   * How to show the payload is unchanged: `pixels` (sharp decode), `packets` (ffmpeg stream packets byte-identical),
   * or a custom comparison that throws on a difference.
   */
  payload: 'pixels' | 'packets' | ((before: string, after: string) => Promise<void>);
  /** An independent reader of the label text: exiftool's TC260 XMP, ffprobe's AIGC tag, or a custom reader. */
  reader: 'exiftool' | 'ffprobe' | ((path: string) => Promise<string | undefined>);
  /** Assert the other metadata of `before` is still in `after` (EXIF, ICC, ID3 frames, tags, chapters, …). */
  preserved?: (before: string, after: string) => Promise<void>;
  /** Byte offsets of structural boundaries worth truncating at (box/chunk starts and ends); added to the defaults. */
  boundaries?: (path: string) => Promise<number[]>;
  /**
   * For a container that checksums its payload (Ogg pages carry a CRC): after the byte at `at` of `bytes` was changed,
   * recompute the checksum over it in place, as someone altering the content would. False when `at` is not in a
   * checksummed payload (a page header, say).
   */
  repair?: (bytes: Buffer, at: number) => boolean;
  /** Skip with a printed reason (for a reader that cannot see this placement, say). */
  skip?: string;
}

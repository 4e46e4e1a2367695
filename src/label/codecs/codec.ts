import type { AigcRecord } from '../aigc/record.ts';
import type { ByteSink } from '../io/sink.ts';
import type { ByteSource } from '../io/source.ts';

export type MediaKind = 'image' | 'audio' | 'video' | 'document';

/** One place in a file where a label was found. */
export interface LabelSite {
  /** Stable name of the placement, `<codec>.<place>`, e.g. `jpeg.xmp`, `jpeg.exif-usercomment`, `mp4.udta-keys`. */
  placement: string;
  /** True for the placement the TC260 guide names for this format (the one writers use). */
  normative: boolean;
  /** The label JSON text as stored, after the container's own decoding (XML entities, UTF-16, zlib). */
  text: string;
  /** Byte offset of the container item holding it, for evidence. */
  offset: number;
}

/** A structural oddity that does not stop reading (the file is odd but usable). */
export interface CodecWarning {
  code: string;
  message: string;
  offset?: number;
}

export interface CodecReadResult {
  sites: LabelSite[];
  warnings: CodecWarning[];
}

export interface WriteOptions {
  /** Called with bytes done so far, for progress on large files. */
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
}

/**
 * A container family's label reader and writer. The contract (see README.md beside this file):
 * - `sniff` looks at magic bytes only, never at a file name;
 * - `read` returns every label site in every placement the codec knows, normative and alternative;
 * - `write` writes the whole new file to the sink with exactly one label, in the normative placement, removing the
 *   label from every other placement it knows; media payload bytes and all other metadata are copied unchanged;
 * - neither trusts a length field: every size is checked against the file and against a bound, and a structure that
 *   cannot be understood is refused with a `HeguiError`, never guessed at.
 */
export interface Codec {
  /** Short id, also the placement prefix: `jpeg`, `png`, `mp4`, … */
  readonly id: string;
  /** Human name of the format family: `JPEG`, `MP4 / MOV / M4A`. */
  readonly name: string;
  readonly kind: MediaKind;
  readonly mimeTypes: readonly string[];
  readonly extensions: readonly string[];
  /**
   * Set on a format with nowhere to hold a metadata label (plain text): why, in words a user can act on. A caller that
   * must still act on such a file (a propagation platform shows its notice) reports this instead of writing.
   */
  readonly noContainer?: string;
  /**
   * File name extensions under which this codec takes a file the bytes call plain text as its own and gives it a
   * container when writing (Markdown: `.md` text without front matter gets a new front matter block). Consulted only
   * when a caller passes the file's name to the registry; magic bytes are never overridden.
   */
  readonly adoptsPlainText?: readonly string[];
  sniff(src: ByteSource): boolean | Promise<boolean>;
  read(src: ByteSource): Promise<CodecReadResult>;
  write?(src: ByteSource, out: ByteSink, label: AigcRecord, options?: WriteOptions): Promise<void>;
  /**
   * The canonical form of the file for the content binding (docs/signature-scheme.md): a byte stream that is the same
   * for the file and for every relabelling of it, and differs when the media or any other metadata differs. It is
   * only hashed, so it need not be a playable file. Optional: without it the binding hashes what `write` produces
   * with the placeholder label, which is right for every codec whose relabelling does not depend on the file's label
   * history (no reuse of padding or free room left by an earlier, larger label).
   */
  canonical?(src: ByteSource, out: ByteSink): Promise<void>;
  /** Describe the concrete format of a sniffed file (e.g. `WebP (lossless)`, `MP4 (moov at end)`), for inspect. */
  describe?(src: ByteSource): Promise<string>;
}

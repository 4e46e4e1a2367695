/**
 * Errors are values with a stable code and a message a user can act on.
 * A message never contains file bytes, label values, ID numbers or secrets: only names, sizes and offsets.
 */
export type HeguiErrorCode =
  | 'format_unknown' // no codec recognises the bytes
  | 'format_unsupported' // recognised, but this operation or variant is not supported (e.g. RF64, encrypted PDF)
  | 'truncated' // a structure claims more bytes than the file has
  | 'malformed' // a structure is inconsistent (bad magic, bad length, bad nesting)
  | 'oversize' // a structure exceeds a bound this reader accepts
  | 'label_invalid' // the label to write does not pass validation
  | 'label_duplicate' // the input already carries more than one label where one was expected
  | 'readback_failed' // the written output did not read back with exactly the label written
  | 'label_text_invalid' // an explicit label text lacks the AI or generation element (GB 45438 §5), or cannot be drawn
  | 'label_unfit' // the medium is too small to hold a legible explicit label
  | 'tool_failed' // an external tool (ffmpeg, ffprobe) failed; the message summarises its last error lines
  | 'io' // the file system refused
  | 'usage'; // a caller passed arguments that cannot work

export class HeguiError extends Error {
  readonly code: HeguiErrorCode;
  /** Extra machine-readable facts (offsets, sizes, names); never content. */
  readonly details: Readonly<Record<string, string | number | boolean>>;

  constructor(code: HeguiErrorCode, message: string, details: Record<string, string | number | boolean> = {}) {
    super(message);
    this.name = 'HeguiError';
    this.code = code;
    this.details = details;
  }

  toJSON(): { code: HeguiErrorCode; message: string; details: Record<string, string | number | boolean> } {
    return { code: this.code, message: this.message, details: { ...this.details } };
  }
}

export function isHeguiError(e: unknown): e is HeguiError {
  return e instanceof HeguiError;
}

export const truncated = (what: string, offset: number, needed?: number): HeguiError =>
  new HeguiError('truncated', `${what} runs past the end of the file (at byte ${offset})`, {
    offset,
    ...(needed === undefined ? {} : { needed }),
  });

export const malformed = (what: string, offset?: number): HeguiError =>
  new HeguiError(
    'malformed',
    offset === undefined ? what : `${what} (at byte ${offset})`,
    offset === undefined ? {} : { offset },
  );

export const oversize = (what: string, size: number, limit: number): HeguiError =>
  new HeguiError('oversize', `${what} is ${size} bytes, over the limit of ${limit}`, { size, limit });

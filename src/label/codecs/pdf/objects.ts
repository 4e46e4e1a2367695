import { HeguiError, malformed } from '../../../errors.ts';
import type { ByteSource } from '../../io/source.ts';
import { checkObjectNumber, dictGet, NeedMore, PdfLexer, type PdfValue } from './lexer.ts';

/** An indirect object as found in the file or in an object stream. */
export interface IndirectObject {
  num: number;
  gen: number;
  value: PdfValue;
  /** The bytes `value` positions refer to (a window of the file, or a decoded object stream). */
  buf: Uint8Array;
  /** File offset of `n g obj`; for an object inside an object stream, that of the object stream. */
  offset: number;
  /** Set for a stream: where its data starts in the file and its /Length as written. */
  stream?: { dataOffset: number; length: PdfValue | undefined };
  /** File offset just past `endobj` (or past the value when `endobj` is missing); undefined for streams. */
  end?: number;
  /** The object stream holding it, for compressed objects. */
  inObjectStream?: number;
}

/** Windows tried in turn when an object does not fit the previous one; an object over the last is refused. */
const WINDOWS = [4096, 64 * 1024, 1024 * 1024, 16 * 1024 * 1024];

/** Parse `n g obj <value> [stream | endobj]` at a file offset (ISO 32000-1 §7.3.10, §7.3.8). */
export async function readIndirectAt(src: ByteSource, offset: number): Promise<IndirectObject> {
  if (!Number.isSafeInteger(offset) || offset < 0 || offset >= src.size) {
    throw new HeguiError('truncated', `a PDF object offset points past the end of the file`, { offset });
  }
  for (const w of WINDOWS) {
    const len = Math.min(w, src.size - offset);
    const buf = await src.read(offset, len);
    try {
      return parseIndirect(new PdfLexer(buf, offset, offset + len >= src.size), offset);
    } catch (e) {
      if (!(e instanceof NeedMore)) throw e;
      if (offset + len >= src.size) throw new HeguiError('truncated', 'a PDF object runs past the end', { offset });
    }
  }
  throw new HeguiError('oversize', `a PDF object at byte ${offset} is larger than 16 MiB`, { offset });
}

function parseIndirect(lx: PdfLexer, offset: number): IndirectObject {
  const num = lx.tryInt();
  const gen = lx.tryInt();
  if (num === undefined || gen === undefined) throw malformed('no PDF object where the cross-reference points', offset);
  checkObjectNumber(num, offset);
  lx.expectKeyword('obj');
  const value = lx.value();
  lx.skipWs();
  const at = lx.pos;
  const word = lx.peek() === undefined ? '' : lx.token();
  if (word === 'stream') {
    if (value.t !== 'dict') throw malformed('a PDF stream without a dictionary', offset);
    // §7.3.8.1: the keyword is followed by CRLF or LF (a lone CR is tolerated, as readers do).
    const b = lx.buf;
    if (lx.pos + 2 > b.length && !lx.atEof) throw new NeedMore();
    if (b[lx.pos] === 0x0d && b[lx.pos + 1] === 0x0a) lx.pos += 2;
    else if (b[lx.pos] === 0x0a || b[lx.pos] === 0x0d) lx.pos += 1;
    const length = dictGet(value, 'Length');
    return { num, gen, value, buf: lx.buf, offset, stream: { dataOffset: offset + lx.pos, length } };
  }
  const end = word === 'endobj' ? lx.pos : at;
  return { num, gen, value, buf: lx.buf, offset, end: offset + end };
}

/** Parse the object at `at` inside a decoded object stream (§7.5.7): a bare value, no `obj` wrapper. */
export function parseInStream(buf: Uint8Array, at: number, num: number, stream: IndirectObject): IndirectObject {
  const lx = new PdfLexer(buf, 0, true, at);
  const value = lx.value();
  return { num, gen: 0, value, buf, offset: stream.offset, inObjectStream: stream.num };
}

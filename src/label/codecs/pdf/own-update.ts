/**
 * Recognising this writer's own incremental updates at the end of a PDF, so that relabelling replaces the previous
 * label's update instead of stacking another one (GB 45438 6.1 c: one label; the content binding of signed labels,
 * docs/signature-scheme.md, needs the file and every relabelling of it to have the same canonical form).
 *
 * An update is recognised by regenerating it: the file cut where the newest section's first object starts must be a
 * PDF whose cross-reference starts where that section's /Prev says, and the update the writer builds over it with the
 * label found in the newest Info dictionary must be byte for byte the rest of the file. Anything else (an update by
 * another tool, a tail that was edited) is kept as it is and a new update goes after it.
 */
import { isHeguiError, truncated } from '../../../errors.ts';
import { type ByteSource, MAX_READ } from '../../io/source.ts';
import { PdfDocument } from './document.ts';
import { infoAigc, loadInfo } from './labels.ts';
import { dictGet } from './lexer.ts';
import { buildIncrementalUpdate } from './update.ts';

/** An update of this writer is the Info object, an XMP packet (≤ 4 MiB) and a small cross-reference section. */
const MAX_OWN_UPDATE = 16 * 1024 * 1024;
/** Updates stacked by earlier versions of the writer that are unstacked; a longer history is left as it is. */
const MAX_OWN_UPDATES = 64;

/** The first `size` bytes of `src` as a source of their own (the file as it was before an update). */
export function prefixSource(src: ByteSource, size: number): ByteSource {
  const check = (offset: number, length: number): void => {
    if (offset + length > size) throw truncated(`a ${length}-byte structure`, offset, length);
  };
  return {
    size,
    head: src.head.subarray(0, Math.min(size, src.head.length)),
    stable: src.stable,
    read(offset, length) {
      check(offset, length);
      return src.read(offset, length);
    },
    chunks(offset, length, chunkSize) {
      check(offset, length);
      return src.chunks(offset, length, chunkSize);
    },
    close: async () => {},
  };
}

/** The file before the newest update, when that update is exactly what this writer appends over it. */
async function beforeOwnUpdate(doc: PdfDocument): Promise<PdfDocument | undefined> {
  const src = doc.src;
  const newest = doc.newest;
  const prev = dictGet(newest.trailer, 'Prev');
  const start = newest.firstObject;
  if (prev?.t !== 'num' || !prev.int || start === undefined) return undefined;
  if (start <= prev.v || start >= newest.offset || src.size - start > Math.min(MAX_OWN_UPDATE, MAX_READ)) {
    return undefined;
  }
  try {
    const info = await loadInfo(doc);
    const text = info?.ref && info.offset >= start ? await infoAigc(doc, info) : undefined;
    if (text === undefined) return undefined;
    const before = await PdfDocument.open(prefixSource(src, start));
    if (before.xref.startxref !== prev.v) return undefined;
    const again = await buildIncrementalUpdate(before, text);
    if (again.length !== src.size - start) return undefined;
    const tail = await src.read(start, again.length);
    return Buffer.from(tail.buffer, tail.byteOffset, tail.length).equals(again) ? before : undefined;
  } catch (e) {
    if (isHeguiError(e)) return undefined;
    throw e;
  }
}

/**
 * The document without this writer's own updates at its end (the file itself when it ends with none): the revision a
 * new label's update is appended to.
 */
export async function withoutOwnUpdates(doc: PdfDocument): Promise<PdfDocument> {
  let cur = doc;
  for (let i = 0; i < MAX_OWN_UPDATES; i++) {
    const before = await beforeOwnUpdate(cur);
    if (!before) return cur;
    cur = before;
  }
  return cur;
}

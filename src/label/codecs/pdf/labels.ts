import { HeguiError, malformed } from '../../../errors.ts';
import { decodeXmpBytes, MAX_XMP_BYTES } from '../../xmp/xmp.ts';
import type { PdfDocument } from './document.ts';
import { canDecode } from './filters.ts';
import { dictGet, type PdfDict } from './lexer.ts';
import type { IndirectObject } from './objects.ts';
import { decodeTextString } from './text-string.ts';

/** The document information dictionary (§14.3.3) as the newest trailer names it. */
export interface InfoDict {
  dict: PdfDict;
  /** The bytes the dictionary's positions refer to (for copying its other entries verbatim). */
  buf: Uint8Array;
  /** The indirect object holding it; absent when the trailer holds the dictionary directly. */
  ref?: { num: number; gen: number };
  offset: number;
}

export async function loadInfo(doc: PdfDocument): Promise<InfoDict | undefined> {
  const t = doc.trailerValue('Info');
  if (!t) return undefined;
  if (t.value.t === 'dict') return { dict: t.value, buf: t.section.trailerBuf, offset: t.section.offset };
  if (t.value.t !== 'ref') throw malformed('the trailer /Info is not a dictionary reference');
  const obj = await doc.object(t.value.num);
  if (!obj) return undefined;
  if (obj.value.t !== 'dict' || obj.stream) throw malformed('the /Info object is not a dictionary', obj.offset);
  return { dict: obj.value, buf: obj.buf, ref: { num: t.value.num, gen: obj.gen }, offset: obj.offset };
}

/** The /AIGC value of the Info dictionary as text ('' when it is not a string), or undefined when there is none. */
export async function infoAigc(doc: PdfDocument, info: InfoDict): Promise<string | undefined> {
  if (!dictGet(info.dict, 'AIGC')) return undefined;
  const v = await doc.resolve(dictGet(info.dict, 'AIGC'));
  return v?.t === 'str' ? decodeTextString(v.bytes) : '';
}

/** The document catalog (§7.7.2). */
export async function loadCatalog(doc: PdfDocument): Promise<PdfDict> {
  const root = doc.trailerValue('Root');
  const v = await doc.resolve(root?.value);
  if (v?.t !== 'dict') throw malformed('the PDF has no document catalog (/Root)');
  return v;
}

export interface XmpStream {
  obj: IndirectObject;
  packet: string;
}

/**
 * The catalog's XMP metadata stream (§14.3.2), decoded. A filter this reader cannot undo is `format_unsupported`:
 * the caller warns when reading and refuses when writing, since a label in it could be neither seen nor removed.
 */
export async function loadXmp(doc: PdfDocument): Promise<XmpStream | undefined> {
  const catalog = await loadCatalog(doc);
  const ref = dictGet(catalog, 'Metadata');
  if (!ref) return undefined;
  if (ref.t !== 'ref') throw malformed('the catalog /Metadata is not a stream reference');
  const obj = await doc.object(ref.num);
  if (!obj) return undefined;
  if (!obj.stream || obj.value.t !== 'dict') throw malformed('the catalog /Metadata is not a stream', obj.offset);
  if (!canDecode(obj.value)) {
    throw new HeguiError(
      'format_unsupported',
      'the PDF XMP metadata stream uses a filter Hegui does not decode; its label can be neither read nor replaced',
      { offset: obj.offset },
    );
  }
  const data = await doc.streamData(obj, MAX_XMP_BYTES, 'the XMP metadata stream');
  return { obj, packet: decodeXmpBytes(data) };
}

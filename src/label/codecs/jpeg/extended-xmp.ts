import { createHash } from 'node:crypto';
import { HeguiError, isHeguiError } from '../../../errors.ts';
import { ascii, asciiBytes, concat, put32be, u32be, utf8, utf8DecodeStrict } from '../../io/bytes.ts';
import type { ByteSource } from '../../io/source.ts';
import { MAX_XMP_BYTES, readXmpAigc, removeXmpAigc } from '../../xmp/xmp.ts';
import type { CodecWarning, LabelSite } from '../codec.ts';
import { buildSegment, type JpegSegment, MAX_PAYLOAD, payloadLength, payloadOffset } from './segments.ts';

/**
 * XMP Part 3 §1.1.3.1 extended XMP: a packet too large for one segment continues in APP1 segments headed by this
 * namespace, a 32-character GUID (the MD5 of the whole extended packet, named by xmpNote:HasExtendedXMP in the
 * standard packet), the full length and this chunk's offset.
 */
export const XMP_EXT_HEADER = asciiBytes('http://ns.adobe.com/xmp/extension/\0');
const CHUNK_HEADER = XMP_EXT_HEADER.length + 32 + 8;
const MAX_CHUNK_DATA = MAX_PAYLOAD - CHUNK_HEADER;
const PLACEMENT = 'jpeg.xmp-extended';

export interface ExtendedXmp {
  guid: string;
  /** Indexes (into the segment list) of the chunks, in file order. */
  indexes: number[];
  text: string;
  sites: LabelSite[];
}

/** Reassemble every extended packet present, by GUID. Chunks that do not fit their declared length are warnings. */
export async function readExtendedXmp(
  src: ByteSource,
  segments: { seg: JpegSegment; ext: boolean }[],
  warnings: CodecWarning[],
): Promise<ExtendedXmp[]> {
  const groups = new Map<string, { full: Uint8Array; indexes: number[]; offset: number }>();
  for (const [i, { seg, ext }] of segments.entries()) {
    if (!ext) continue;
    const p = await src.read(payloadOffset(seg), payloadLength(seg));
    if (p.length < CHUNK_HEADER) {
      warnings.push({
        code: 'xmp_extended_malformed',
        message: 'an extended XMP segment is too short',
        offset: seg.offset,
      });
      continue;
    }
    const guid = ascii(p, XMP_EXT_HEADER.length, 32);
    const length = u32be(p, XMP_EXT_HEADER.length + 32);
    const at = u32be(p, XMP_EXT_HEADER.length + 36);
    const data = p.subarray(CHUNK_HEADER);
    let g = groups.get(guid);
    if (!g) {
      if (length > MAX_XMP_BYTES) {
        warnings.push({
          code: 'oversize',
          message: `an extended XMP packet declares ${length} bytes`,
          offset: seg.offset,
        });
        continue;
      }
      g = { full: new Uint8Array(length), indexes: [], offset: seg.offset };
      groups.set(guid, g);
    }
    if (at + data.length > g.full.length) {
      warnings.push({
        code: 'xmp_extended_malformed',
        message: 'an extended XMP chunk lies outside its packet',
        offset: seg.offset,
      });
      continue;
    }
    g.full.set(data, at);
    g.indexes.push(i);
  }
  const out: ExtendedXmp[] = [];
  for (const [guid, g] of groups) {
    const text = utf8DecodeStrict(g.full) ?? '';
    try {
      const sites = readXmpAigc(text).map((p) => ({
        placement: PLACEMENT,
        normative: false,
        text: p.value,
        offset: g.offset,
      }));
      out.push({ guid, indexes: g.indexes, text, sites });
    } catch (e) {
      if (!isHeguiError(e)) throw e;
      warnings.push({ code: 'xmp_unreadable', message: `extended XMP: ${e.message}`, offset: g.offset });
    }
  }
  return out;
}

/**
 * The extended packet without its label, as new chunk segments, and its new GUID. The standard packet must name the
 * new GUID (the caller replaces the old one in it), or readers ignore the extension.
 */
export function cleanExtendedXmp(ext: ExtendedXmp): { guid: string; segments: Uint8Array } {
  if (!/^[0-9A-F]{32}$/.test(ext.guid)) throw new HeguiError('malformed', 'an extended XMP GUID is not 32 hex digits');
  const bytes = utf8.encode(removeXmpAigc(ext.text));
  const guid = createHash('md5').update(bytes).digest('hex').toUpperCase();
  const parts: Uint8Array[] = [];
  for (let at = 0; at < bytes.length || at === 0; at += MAX_CHUNK_DATA) {
    const head = new Uint8Array(CHUNK_HEADER);
    head.set(XMP_EXT_HEADER);
    head.set(asciiBytes(guid), XMP_EXT_HEADER.length);
    put32be(head, XMP_EXT_HEADER.length + 32, bytes.length);
    put32be(head, XMP_EXT_HEADER.length + 36, at);
    parts.push(buildSegment(0xe1, concat([head, bytes.subarray(at, at + MAX_CHUNK_DATA)])));
  }
  return { guid, segments: concat(parts) };
}

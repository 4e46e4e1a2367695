/**
 * XMP in ISO base media files (XMP Specification Part 3 §1.2.7): a `uuid` box with extended type
 * BE7ACFCB-97A9-42E8-9C71-999491E3AFAC whose payload is the UTF-8 packet, at top level or in `moov/udta`.
 */
import { oversize } from '../../../errors.ts';
import { utf8 } from '../../io/bytes.ts';
import { decodeXmpBytes, MAX_XMP_BYTES, readXmpAigc, removeXmpAigc } from '../../xmp/xmp.ts';
import { type Box, type BoxBuffer, buildBox, payloadBytes, payloadSize, sliceOf } from './box.ts';

export const XMP_UUID = 'be7acfcb97a942e89c71999491e3afac';

export const isXmpUuid = (b: Box): boolean => b.type === 'uuid' && b.userType === XMP_UUID;

/** The packet text; `oversize` when the box is larger than any XMP reader here accepts. */
export function xmpPacketOf(buf: BoxBuffer, box: Box): string {
  if (payloadSize(box) > MAX_XMP_BYTES) throw oversize('the XMP uuid box', payloadSize(box), MAX_XMP_BYTES);
  return decodeXmpBytes(payloadBytes(buf, box));
}

/** The TC260:AIGC values in an XMP uuid box. */
export const xmpAigcValues = (buf: BoxBuffer, box: Box): string[] =>
  readXmpAigc(xmpPacketOf(buf, box)).map((p) => p.value);

/**
 * The same box without the TC260:AIGC property (GB 45438 6.1 c: one label, written in the mdta placement), every
 * other XMP property kept. Undefined when the packet carries no label and the box can be copied as it is.
 */
export function stripXmpUuid(buf: BoxBuffer, box: Box): Uint8Array | undefined {
  const packet = xmpPacketOf(buf, box);
  if (readXmpAigc(packet).length === 0) return undefined;
  const userType = sliceOf(buf, box.offset + box.headerSize - 16, box.offset + box.headerSize);
  return buildBox('uuid', userType, utf8.encode(removeXmpAigc(packet)));
}

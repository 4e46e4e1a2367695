import { HeguiError } from '../../../errors.ts';
import { readXmpAigc, removeXmpAigc } from '../../xmp/xmp.ts';

/**
 * An XMP packet with every TC260:AIGC property removed and the same byte length, or undefined when it holds none.
 * The freed bytes become spaces before the `<?xpacket end` trailer (XMP Part 1 §7.3.3: padding whitespace), so a
 * packet can be cleaned where it lies without moving anything around it (GB 45438 6.1 c: one label per file).
 * The packet is handled as Latin-1 so every byte outside the removed property is kept exactly.
 */
export function stripXmpAigcInPlace(bytes: Uint8Array): Uint8Array | undefined {
  if ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe)) {
    throw new HeguiError('format_unsupported', 'a UTF-16 XMP packet holding a label cannot be cleaned in place');
  }
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  if (readXmpAigc(text).length === 0) return undefined;
  const cleaned = removeXmpAigc(text);
  const trailer = cleaned.lastIndexOf('<?xpacket end');
  const at = trailer >= 0 ? trailer : cleaned.length;
  const padded = cleaned.slice(0, at) + ' '.repeat(text.length - cleaned.length) + cleaned.slice(at);
  return new Uint8Array(Buffer.from(padded, 'latin1'));
}

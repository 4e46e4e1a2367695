import { MAX_LABEL_BYTES } from '../../aigc/record.ts';
import { asciiBytes, concat, indexOfBytes } from '../../io/bytes.ts';
import type { ByteSource } from '../../io/source.ts';
import { isWs, parseLiteralString } from './lexer.ts';
import { decodeTextString } from './text-string.ts';

/**
 * The fallback AigcTotal also uses: a `/AIGC (…)` literal anywhere in the file, found by scanning the bytes. It finds
 * labels written outside any object (after the trailer, in a file without a cross-reference table). The caller
 * drops hits that lie inside an object the cross-reference sections know, which are read structurally instead.
 */

const NEEDLE = asciiBytes('/AIGC');
const CHUNK = 1024 * 1024;
/** More hits than this is not a label, it is a pattern; the scan stops. */
const MAX_HITS = 256;
/** Escapes can double a label's size in a literal string. */
const MAX_LITERAL = 2 * MAX_LABEL_BYTES + 2;

export interface RawHit {
  /** File offset of `/AIGC`. */
  offset: number;
  /** The decoded string, or '' when the literal is not closed within the bound. */
  text: string;
}

export async function scanRawAigc(src: ByteSource): Promise<{ hits: RawHit[]; capped: boolean }> {
  const found: number[] = [];
  let carry: Uint8Array = new Uint8Array(0);
  let carryAt = 0;
  for await (const chunk of src.chunks(0, src.size, CHUNK)) {
    const buf = concat([carry, chunk]);
    for (let i = indexOfBytes(buf, NEEDLE); i >= 0; i = indexOfBytes(buf, NEEDLE, i + 1)) {
      found.push(carryAt + i);
      if (found.length > MAX_HITS) return { hits: await decode(src, found.slice(0, MAX_HITS)), capped: true };
    }
    // Keep one byte less than the needle: a match is never found twice.
    carry = buf.slice(buf.length - Math.min(buf.length, NEEDLE.length - 1));
    carryAt += buf.length - carry.length;
  }
  return { hits: await decode(src, found), capped: false };
}

async function decode(src: ByteSource, offsets: number[]): Promise<RawHit[]> {
  const hits: RawHit[] = [];
  for (const offset of offsets) {
    const n = Math.min(src.size - offset, NEEDLE.length + 64 + MAX_LITERAL);
    const b = await src.read(offset, n);
    let p = NEEDLE.length;
    // `/AIGCX` is another name; the key must end at whitespace or the string's parenthesis.
    if (p < b.length && !isWs(b[p]) && b[p] !== 0x28) continue;
    while (p < b.length && isWs(b[p])) p++;
    if (b[p] !== 0x28) continue;
    const r = parseLiteralString(b, p, MAX_LITERAL);
    hits.push({ offset, text: r && r !== 'long' ? decodeTextString(r.bytes) : '' });
  }
  return hits;
}

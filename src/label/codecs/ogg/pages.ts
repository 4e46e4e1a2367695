import { malformed, truncated } from '../../../errors.ts';
import { concat, put32le, startsWith, u32le } from '../../io/bytes.ts';
import type { ByteSource } from '../../io/source.ts';
import { oggPageCrc } from './crc.ts';

export const OGG_CAPTURE = [0x4f, 0x67, 0x67, 0x53] as const; // "OggS"
export const PAGE_HEADER = 27;
/** 27-byte header, 255 lacing values, 255 × 255 body bytes (RFC 3533 §6). */
export const MAX_PAGE = PAGE_HEADER + 255 + 255 * 255;
/** header_type_flag bits (RFC 3533 §6). */
export const CONTINUED = 0x01;
export const BOS = 0x02;
export const EOS = 0x04;
/** granule_position −1: no packet finishes on the page (RFC 3533 §6). */
export const NO_GRANULE = new Uint8Array(8).fill(0xff);
/** Bytes read at a time; larger than a page, so a page is always whole after one refill. */
const WINDOW = 256 * 1024;

export interface OggPage {
  offset: number;
  flags: number;
  /** The raw 8-byte granule position (a 64-bit value, kept as bytes). */
  granule: Uint8Array;
  serial: number;
  seq: number;
  crc: number;
  lacing: Uint8Array;
  headerLength: number;
  /** The whole page: header, lacing values, body. Never modified in place (it may alias the source's buffer). */
  bytes: Uint8Array;
}

export const pageBody = (p: OggPage): Uint8Array => p.bytes.subarray(p.headerLength);
export const pageCrcOk = (p: OggPage): boolean => oggPageCrc(p.bytes) === p.crc;

/**
 * Reads pages one after another through a window, so each page costs one bounded read at most. Throws `malformed` for
 * a missing capture pattern or an unknown page version and `truncated` for a page that runs past the end of the file.
 */
export class PageReader {
  private buf: Uint8Array = new Uint8Array(0);
  private bufStart = 0;

  constructor(
    private readonly src: ByteSource,
    public pos = 0,
  ) {}

  private async view(offset: number, n: number): Promise<Uint8Array> {
    if (offset + n > this.src.size) throw truncated('an Ogg page', offset, n);
    if (offset < this.bufStart || offset + n > this.bufStart + this.buf.length) {
      this.buf = await this.src.read(offset, Math.min(WINDOW, this.src.size - offset));
      this.bufStart = offset;
    }
    return this.buf.subarray(offset - this.bufStart, offset - this.bufStart + n);
  }

  async next(): Promise<OggPage | undefined> {
    const at = this.pos;
    if (at >= this.src.size) return undefined;
    const h = await this.view(at, Math.min(PAGE_HEADER, this.src.size - at));
    if (!startsWith(h, OGG_CAPTURE)) throw malformed('an Ogg page does not start with the capture pattern "OggS"', at);
    if (h.length < PAGE_HEADER) throw truncated('an Ogg page header', at, PAGE_HEADER);
    if (h[4] !== 0) throw malformed('an Ogg page has a stream structure version other than 0', at);
    const headerLength = PAGE_HEADER + h[26]!;
    const lacing = (await this.view(at, headerLength)).subarray(PAGE_HEADER);
    let bodyLength = 0;
    for (const v of lacing) bodyLength += v;
    const bytes = await this.view(at, headerLength + bodyLength);
    this.pos = at + bytes.length;
    return {
      offset: at,
      flags: bytes[5]!,
      granule: bytes.subarray(6, 14),
      serial: u32le(bytes, 14),
      seq: u32le(bytes, 18),
      crc: u32le(bytes, 22),
      lacing: bytes.subarray(PAGE_HEADER, headerLength),
      headerLength,
      bytes,
    };
  }
}

export interface NewPage {
  flags: number;
  granule: Uint8Array;
  serial: number;
  seq: number;
  lacing: readonly number[];
  body: Uint8Array;
}

export function buildPage(p: NewPage): Uint8Array {
  const head = new Uint8Array(PAGE_HEADER + p.lacing.length);
  head.set(OGG_CAPTURE, 0);
  head[5] = p.flags;
  head.set(p.granule, 6);
  put32le(head, 14, p.serial);
  put32le(head, 18, p.seq);
  head[26] = p.lacing.length;
  head.set(p.lacing, PAGE_HEADER);
  const page = concat([head, p.body]);
  put32le(page, 22, oggPageCrc(page));
  return page;
}

/** A copy of the page with a new sequence number and its CRC recomputed. */
export function renumberPage(p: OggPage, seq: number): Uint8Array {
  const page = p.bytes.slice();
  put32le(page, 18, seq >>> 0);
  put32le(page, 22, oggPageCrc(page));
  return page;
}

/**
 * Lay packets out on pages (RFC 3533 §5): lacing values of 255 continue a packet, a value below 255 ends it (a packet
 * whose length is a multiple of 255 ends with a 0), at most 255 values per page. A page that begins inside a packet
 * has the continued flag; a page on which no packet ends has granule −1, the others `granule`.
 */
export function paginate(
  packets: readonly Uint8Array[],
  o: { serial: number; firstSeq: number; granule: Uint8Array; eos: boolean },
): Uint8Array[] {
  const lacing: number[] = [];
  const ends: boolean[] = [];
  for (const p of packets) {
    for (let left = p.length; ; left -= 255) {
      lacing.push(Math.min(left, 255));
      ends.push(left < 255);
      if (left < 255) break;
    }
  }
  const body = concat(packets);
  const pages: Uint8Array[] = [];
  let bodyPos = 0;
  for (let i = 0; i < lacing.length; i += 255) {
    const values = lacing.slice(i, i + 255);
    const size = values.reduce((n, v) => n + v, 0);
    const last = i + 255 >= lacing.length;
    pages.push(
      buildPage({
        flags: (i > 0 && !ends[i - 1] ? CONTINUED : 0) | (last && o.eos ? EOS : 0),
        granule: ends.slice(i, i + 255).some(Boolean) ? o.granule : NO_GRANULE,
        serial: o.serial,
        seq: (o.firstSeq + pages.length) >>> 0,
        lacing: values,
        body: body.subarray(bodyPos, bodyPos + size),
      }),
    );
    bodyPos += size;
  }
  return pages;
}

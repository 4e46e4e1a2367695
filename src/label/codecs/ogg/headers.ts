import { HeguiError, malformed, oversize, truncated } from '../../../errors.ts';
import { concat } from '../../io/bytes.ts';
import { BOS, CONTINUED, type OggPage, type PageReader, pageBody, pageCrcOk } from './pages.ts';

/** A header packet larger than this is refused (a comment header with cover art is a few MiB at most). */
export const MAX_HEADER_PACKET = 16 * 1024 * 1024;
/** Bytes of pages scanned for the header packets, all streams together, before giving up. */
const MAX_HEADER_SCAN = 32 * 1024 * 1024;

export interface HeaderPackets {
  serial: number;
  /** The beginning-of-stream page of the stream. */
  bos: OggPage;
  /** The stream's first packets, in order. */
  packets: Uint8Array[];
  /** Offset of the page each packet starts on. */
  packetPages: number[];
  /** Pages of this stream after `bos` up to the one where the last wanted packet ends. */
  pages: OggPage[];
  /** Whether the last wanted packet ended the last of those pages (no further segment on it). */
  endsPage: boolean;
  /** Whether pages of another logical stream came in between (a multiplexed file). */
  multiplexed: boolean;
  /** Offsets of pages whose CRC did not match. */
  badCrc: number[];
}

/** The first page, which must begin a logical stream (RFC 3533 §4). */
export async function firstPage(reader: PageReader): Promise<OggPage> {
  const bos = await reader.next();
  if (!bos) throw truncated('the Ogg file (no page)', 0);
  if (!(bos.flags & BOS)) throw malformed('the first Ogg page does not begin a logical stream', bos.offset);
  return bos;
}

/**
 * Assemble the first `count` packets of the stream that `bos` begins. Pages of other streams are skipped, or refused
 * with `format_unsupported` when `single` is set (the writer handles one logical stream only). Continuation flags are
 * checked against the lacing, a packet is bounded by MAX_HEADER_PACKET, and the whole scan by MAX_HEADER_SCAN.
 */
export async function collectHeaders(
  reader: PageReader,
  bos: OggPage,
  count: number,
  single: boolean,
): Promise<HeaderPackets> {
  const out: HeaderPackets = {
    serial: bos.serial,
    bos,
    packets: [],
    packetPages: [],
    pages: [],
    endsPage: false,
    multiplexed: false,
    badCrc: [],
  };
  let parts: Uint8Array[] = [];
  let partLength = 0;
  let inPacket = false;
  let scanned = 0;
  while (out.packets.length < count) {
    const page = scanned === 0 ? bos : await reader.next();
    if (!page) throw truncated('the Ogg header packets', reader.pos);
    scanned += page.bytes.length;
    if (scanned > MAX_HEADER_SCAN)
      throw oversize('the pages before the Ogg header packets end', scanned, MAX_HEADER_SCAN);
    if (!pageCrcOk(page)) out.badCrc.push(page.offset);
    if (page.serial !== out.serial) {
      if (single) {
        throw new HeguiError(
          'format_unsupported',
          'the Ogg file multiplexes several logical streams; only single-stream Vorbis or Opus files are written',
          { offset: page.offset },
        );
      }
      out.multiplexed = true;
      continue;
    }
    if (page !== bos) {
      if (page.flags & BOS) throw malformed('a second beginning-of-stream page for the same stream', page.offset);
      out.pages.push(page);
    }
    if (!!(page.flags & CONTINUED) !== inPacket) {
      throw malformed(
        inPacket ? 'an Ogg page does not continue the unfinished packet' : 'an Ogg page continues no packet',
        page.offset,
      );
    }
    const body = pageBody(page);
    let pos = 0;
    for (const [i, v] of page.lacing.entries()) {
      if (!inPacket) out.packetPages.push(page.offset);
      inPacket = true;
      parts.push(body.subarray(pos, pos + v));
      partLength += v;
      pos += v;
      if (partLength > MAX_HEADER_PACKET) throw oversize('an Ogg header packet', partLength, MAX_HEADER_PACKET);
      if (v === 255) continue;
      out.packets.push(concat(parts));
      parts = [];
      partLength = 0;
      inPacket = false;
      if (out.packets.length === count) {
        out.endsPage = i === page.lacing.length - 1;
        break;
      }
    }
  }
  return out;
}

import { HeguiError, isHeguiError, malformed } from '../../../errors.ts';
import { type AigcRecord, serializeBare } from '../../aigc/record.ts';
import { concat, startsWith } from '../../io/bytes.ts';
import type { ByteSink } from '../../io/sink.ts';
import type { ByteSource } from '../../io/source.ts';
import type { Codec, CodecReadResult, CodecWarning, LabelSite } from '../codec.ts';
import { collectHeaders, firstPage, type HeaderPackets } from './headers.ts';
import { BOS, EOS, OGG_CAPTURE, PageReader, pageBody, pageCrcOk, paginate, renumberPage } from './pages.ts';
import { commentLayout, HEADER_COUNT, identifyStream, STREAM_NAMES } from './streams.ts';
import {
  buildVorbisComments,
  entriesWithLabel,
  entryValue,
  isAigcEntry,
  parseVorbisComments,
} from './vorbis-comment.ts';

const unsupported = (message: string, offset?: number): HeguiError =>
  new HeguiError('format_unsupported', message, offset === undefined ? {} : { offset });

/**
 * The new comment packet: magic, vendor string and every other entry kept, the label in place of the first AIGC entry
 * (others dropped), and the bytes after the list kept (Vorbis's framing bit, Opus's optional binary data).
 */
function labelledComment(packet: Uint8Array, prefix: number, json: string, vorbis: boolean): Uint8Array {
  const vc = parseVorbisComments(packet, prefix);
  const rest = packet.subarray(vc.end);
  // Vorbis I §5.2.1: the comment header ends with a set framing bit; a decoder rejects the stream without it.
  if (vorbis && !(rest[0]! & 1)) throw malformed('the Vorbis comment header has no framing bit');
  return concat([packet.subarray(0, prefix), buildVorbisComments(vc.vendor, entriesWithLabel(vc.entries, json)), rest]);
}

/** Layout rules both mappings share (Vorbis I §A.2, RFC 7845 §3) that the re-pagination relies on. */
function assertHeaderLayout(h: HeaderPackets, kind: 'vorbis' | 'opus'): void {
  if (h.bos.lacing.length === 0 || h.packetPages[1] === h.bos.offset || h.bos.lacing.at(-1) === 255) {
    throw malformed('the Ogg identification header does not sit alone on the first page', h.bos.offset);
  }
  if (h.badCrc.length > 0) throw malformed('an Ogg header page fails its CRC check', h.badCrc[0]);
  if (!h.endsPage) {
    throw unsupported(
      'the first audio packet shares the last Ogg header page; this layout is not rewritten',
      h.pages.at(-1)?.offset,
    );
  }
  if (kind === 'vorbis' && !startsWith(h.packets[2]!, Uint8Array.of(0x05, 0x76, 0x6f, 0x72, 0x62, 0x69, 0x73))) {
    throw malformed('the third Vorbis header is not the setup header');
  }
}

/**
 * Ogg. Vorbis and Opus are written: the comment header gets `AIGC=<bare JSON>` (TC260-PG-202510A), the header pages
 * are laid out again, every later page of the stream is renumbered when the header page count changed, and every
 * page written anew gets its CRC recomputed. Theora, Speex and Ogg FLAC comments are read; multiplexed and chained
 * files are refused on write (only the first logical stream's headers are read).
 */
export const oggCodec: Codec = {
  id: 'ogg',
  name: 'Ogg (Vorbis, Opus)',
  kind: 'audio',
  mimeTypes: ['audio/ogg', 'audio/opus', 'audio/vorbis', 'application/ogg'],
  extensions: ['ogg', 'oga', 'opus', 'spx'],

  sniff: (src) => startsWith(src.head, OGG_CAPTURE) && src.head[4] === 0,

  async read(src): Promise<CodecReadResult> {
    const warnings: CodecWarning[] = [];
    const reader = new PageReader(src);
    const bos = await firstPage(reader);
    const kind = identifyStream(pageBody(bos));
    if (kind === 'unknown') {
      warnings.push({ code: 'ogg_codec_unknown', message: 'the first Ogg stream is of an unknown codec', offset: 0 });
      return { sites: [], warnings };
    }
    const h = await collectHeaders(reader, bos, 2, false);
    for (const at of h.badCrc)
      warnings.push({ code: 'crc_mismatch', message: 'an Ogg page CRC does not match', offset: at });
    if (h.multiplexed) {
      warnings.push({
        code: 'ogg_multiplexed',
        message: 'several logical streams; only the first one is read',
        offset: 0,
      });
    }
    const layout = commentLayout(kind, h.packets[1]!);
    if (!layout) {
      warnings.push({ code: 'malformed', message: `the second ${STREAM_NAMES[kind]} packet is not a comment header` });
      return { sites: [], warnings };
    }
    const sites: LabelSite[] = [];
    try {
      for (const e of parseVorbisComments(h.packets[1]!, layout.prefix).entries) {
        if (!isAigcEntry(e)) continue;
        sites.push({
          placement: layout.placement,
          normative: layout.normative,
          text: entryValue(e),
          offset: h.packetPages[1]!,
        });
      }
    } catch (e) {
      if (!isHeguiError(e)) throw e;
      warnings.push({ code: e.code, message: e.message, offset: h.packetPages[1] });
    }
    return { sites, warnings };
  },

  async write(src: ByteSource, out: ByteSink, label: AigcRecord): Promise<void> {
    const reader = new PageReader(src);
    const bos = await firstPage(reader);
    const kind = identifyStream(pageBody(bos));
    if (kind !== 'vorbis' && kind !== 'opus') {
      throw unsupported(`labels are written into Ogg Vorbis and Ogg Opus only, not ${STREAM_NAMES[kind]}`);
    }
    const h = await collectHeaders(reader, bos, HEADER_COUNT[kind]!, true);
    assertHeaderLayout(h, kind);
    const layout = commentLayout(kind, h.packets[1]!);
    if (!layout) throw malformed(`the second ${STREAM_NAMES[kind]} packet is not a comment header`, h.packetPages[1]);
    const comment = labelledComment(h.packets[1]!, layout.prefix, serializeBare(label), kind === 'vorbis');
    const lastHeader = h.pages.at(-1)!;
    const pages = paginate([comment, ...h.packets.slice(2)], {
      serial: h.serial,
      firstSeq: h.pages[0]!.seq,
      granule: lastHeader.granule,
      eos: (lastHeader.flags & EOS) !== 0,
    });
    const delta = pages.length - h.pages.length;

    await out.write(bos.bytes);
    for (const p of pages) await out.write(p);
    // Every later page of the stream: checked, renumbered when the header page count changed (RFC 3533 §6).
    let ended = (lastHeader.flags & EOS) !== 0;
    for (let page = await reader.next(); page; page = await reader.next()) {
      if (page.serial !== h.serial || page.flags & BOS) {
        throw unsupported(
          page.flags & BOS
            ? 'the Ogg file is chained (several streams one after another); only single-stream files are written'
            : 'the Ogg file multiplexes several logical streams; only single-stream Vorbis or Opus files are written',
          page.offset,
        );
      }
      if (ended) throw malformed('an Ogg page follows the end-of-stream page', page.offset);
      if (!pageCrcOk(page)) throw malformed('an Ogg page fails its CRC check', page.offset);
      await out.write(delta === 0 ? page.bytes : renumberPage(page, page.seq + delta));
      ended = (page.flags & EOS) !== 0;
    }
  },

  async describe(src) {
    const bos = await firstPage(new PageReader(src));
    return STREAM_NAMES[identifyStream(pageBody(bos))];
  },
};

import { asciiBytes, startsWith } from '../../io/bytes.ts';

export type OggCodecKind = 'vorbis' | 'opus' | 'flac' | 'theora' | 'speex' | 'unknown';

/** The first bytes of each mapping's identification header. */
const ID_MAGIC: [OggCodecKind, Uint8Array][] = [
  ['vorbis', Uint8Array.of(0x01, ...asciiBytes('vorbis'))],
  ['opus', asciiBytes('OpusHead')],
  ['flac', Uint8Array.of(0x7f, ...asciiBytes('FLAC'))],
  ['theora', Uint8Array.of(0x80, ...asciiBytes('theora'))],
  ['speex', asciiBytes('Speex   ')],
];

export function identifyStream(firstPacket: Uint8Array): OggCodecKind {
  return ID_MAGIC.find(([, m]) => startsWith(firstPacket, m))?.[0] ?? 'unknown';
}

export const STREAM_NAMES: Record<OggCodecKind, string> = {
  vorbis: 'Ogg Vorbis',
  opus: 'Ogg Opus',
  flac: 'Ogg FLAC',
  theora: 'Ogg Theora',
  speex: 'Ogg Speex',
  unknown: 'Ogg (unknown codec)',
};

/** Header packets before the first audio packet, for the mappings this codec writes. */
export const HEADER_COUNT: Partial<Record<OggCodecKind, number>> = { vorbis: 3, opus: 2 };

export interface CommentLayout {
  /** Bytes before the Vorbis comment list inside the comment packet. */
  prefix: number;
  placement: string;
  /** True for the placements TC260-PG-202510A names (Vorbis and Opus comment headers). */
  normative: boolean;
}

const VORBIS_COMMENT_MAGIC = Uint8Array.of(0x03, ...asciiBytes('vorbis'));
const OPUS_TAGS_MAGIC = asciiBytes('OpusTags');
const THEORA_COMMENT_MAGIC = Uint8Array.of(0x81, ...asciiBytes('theora'));

/**
 * Where the comment list sits in the stream's second packet: Vorbis I §5 (`\x03vorbis`), RFC 7845 §5.2 (`OpusTags`),
 * Theora §6.3 (`\x81theora`), Speex (the packet is the list), Ogg FLAC (a VORBIS_COMMENT metadata block, type 4).
 * Undefined when the packet is not the comment header it should be.
 */
export function commentLayout(kind: OggCodecKind, packet: Uint8Array): CommentLayout | undefined {
  switch (kind) {
    case 'vorbis':
      return startsWith(packet, VORBIS_COMMENT_MAGIC)
        ? { prefix: 7, placement: 'ogg.vorbis-comment', normative: true }
        : undefined;
    case 'opus':
      return startsWith(packet, OPUS_TAGS_MAGIC)
        ? { prefix: 8, placement: 'ogg.opus-tags', normative: true }
        : undefined;
    case 'theora':
      return startsWith(packet, THEORA_COMMENT_MAGIC)
        ? { prefix: 7, placement: 'ogg.theora-comment', normative: false }
        : undefined;
    case 'speex':
      return { prefix: 0, placement: 'ogg.speex-comment', normative: false };
    case 'flac':
      return (packet[0]! & 0x7f) === 4 ? { prefix: 4, placement: 'ogg.flac-comment', normative: false } : undefined;
    default:
      return undefined;
  }
}

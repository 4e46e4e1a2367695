/**
 * Hand-built ISO base media files for hostile tests: each box written field by field, so a test can set any size,
 * count or nesting it wants. Not media a player would decode; real media comes from ffmpeg in the tests.
 */
import { TC260_NS } from '../../src/label/xmp/xmp.ts';

export type Part = Uint8Array | string;

const bytesOf = (p: Part): Uint8Array => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p);

export function cat(...parts: Part[]): Buffer {
  return Buffer.concat(parts.map(bytesOf));
}

export function u32(v: number): Uint8Array {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return b;
}

export function u64(v: bigint): Uint8Array {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(v);
  return b;
}

/** A box with a correct compact size. */
export function box(type: string, ...parts: Part[]): Uint8Array {
  const body = cat(...parts);
  return cat(u32(8 + body.length), type, body);
}

/** A box whose size field says `size`, whatever its real length. */
export function boxWithSize(size: number, type: string, ...parts: Part[]): Uint8Array {
  return cat(u32(size), type, ...parts);
}

export const full = (version = 0, flags = 0): Uint8Array => u32(((version & 0xff) << 24) | flags);

export const ftyp = (major = 'isom', ...compat: string[]): Uint8Array =>
  box('ftyp', major, u32(512), ...(compat.length ? compat : ['isom']));

export const stco = (entries: number[], count = entries.length): Uint8Array =>
  box('stco', full(), u32(count), ...entries.map(u32));
export const co64 = (entries: bigint[]): Uint8Array => box('co64', full(), u32(entries.length), ...entries.map(u64));

/** moov/trak/mdia/minf/stbl holding the given chunk offset box. */
export const track = (offsets: Uint8Array): Uint8Array => box('trak', box('mdia', box('minf', box('stbl', offsets))));

export const mvhd = (): Uint8Array => box('mvhd', full(), Buffer.alloc(96));

/** An ISO FullBox `meta` with handler `handler`. */
export function meta(handler: string, ...children: Uint8Array[]): Uint8Array {
  return box('meta', full(), box('hdlr', full(), u32(0), handler, Buffer.alloc(12), '\0'), ...children);
}

export function keys(names: string[], count = names.length): Uint8Array {
  const entries = names.map((n) => cat(u32(8 + Buffer.byteLength(n)), 'mdta', Buffer.from(n, 'utf8')));
  return box('keys', full(), u32(count), ...entries);
}

export function item(index: number, text: string, dataType = 1): Uint8Array {
  return cat(
    u32(8 + 8 + 8 + Buffer.byteLength(text)),
    u32(index),
    box('data', u32(dataType), u32(0), Buffer.from(text, 'utf8')),
  );
}

/** An mdta meta box with these key/value pairs, items numbered in order. */
export function mdtaMeta(pairs: [string, string][]): Uint8Array {
  return meta('mdta', keys(pairs.map(([k]) => k)), box('ilst', ...pairs.map(([, v], i) => item(i + 1, v))));
}

export const XMP_UUID = Buffer.from('be7acfcb97a942e89c71999491e3afac', 'hex');

export function xmpPacket(json: string | undefined, extra = '<dc:format>video/mp4</dc:format>'): string {
  const escaped = json?.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
    `<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:TC260="${TC260_NS}">` +
    extra +
    (escaped === undefined ? '' : `<TC260:AIGC>${escaped}</TC260:AIGC>`) +
    '</rdf:Description></rdf:RDF></x:xmpmeta>'
  );
}

export const xmpUuid = (packet: string): Uint8Array => box('uuid', XMP_UUID, Buffer.from(packet, 'utf8'));

export const mdat = (payload: Part = Buffer.alloc(64, 0x5a)): Uint8Array => box('mdat', payload);

/**
 * ftyp + moov (mvhd, one track whose stco points at the mdat payload, `moovExtra` children) + mdat, with the moov
 * first or last. Offsets are computed so the chunk offset really is the first payload byte of mdat.
 */
export function movie(
  opts: {
    moovFirst?: boolean;
    moovExtra?: Uint8Array[];
    top?: Uint8Array[];
    offsets?: (mdatPayload: number) => Uint8Array;
  } = {},
): Uint8Array {
  const head = ftyp();
  const top = cat(...(opts.top ?? []));
  const payload = Buffer.alloc(64, 0x5a);
  const makeMoov = (at: number): Uint8Array =>
    box('moov', mvhd(), track(opts.offsets ? opts.offsets(at) : stco([at])), ...(opts.moovExtra ?? []));
  if (opts.moovFirst) {
    const len = makeMoov(0).length;
    const at = head.length + top.length + len + 8;
    return cat(head, top, makeMoov(at), mdat(payload));
  }
  const at = head.length + top.length + 8;
  return cat(head, top, mdat(payload), makeMoov(at));
}

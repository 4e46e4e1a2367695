/** JPEG byte surgery for the codec tests: real encoder output with segments spliced in, and a plain segment lister. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { type AigcRecord, isHeguiError, serializeBare } from '../../src/index.ts';
import { buildTiff, Enc, type TagSpec } from '../conformance/fixtures/tiff-build.ts';

export const XMP_NS_HEADER = 'http://ns.adobe.com/xap/1.0/\0';

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** An XMP packet with `inner` properties in one rdf:Description and, if given, the label in a second one. */
export const xmpPacket = (inner: string, label?: AigcRecord): string =>
  '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
  `<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/">${inner}</rdf:Description>` +
  (label
    ? `<rdf:Description rdf:about="" xmlns:TC260="http://www.tc260.org.cn/ns/AIGC/1.0/"><TC260:AIGC>${xmlEscape(serializeBare(label))}</TC260:AIGC></rdf:Description>`
    : '') +
  '</rdf:RDF></x:xmpmeta>';

export function seg(marker: number, payload: Uint8Array | string): Buffer {
  const p = typeof payload === 'string' ? Buffer.from(payload, 'latin1') : Buffer.from(payload);
  const h = Buffer.from([0xff, marker, 0, 0]);
  h.writeUInt16BE(p.length + 2, 2);
  return Buffer.concat([h, p]);
}

export const xmpSeg = (packet: string): Buffer =>
  seg(0xe1, Buffer.concat([Buffer.from(XMP_NS_HEADER, 'latin1'), Buffer.from(packet, 'utf8')]));

/** Extended XMP (XMP Part 3 §1.1.3.1): the packet split into chunks of at most `chunk` bytes, GUID = its MD5. */
export function extendedXmpSegs(packet: string, chunk: number): { guid: string; segs: Buffer[] } {
  const bytes = Buffer.from(packet, 'utf8');
  const guid = createHash('md5').update(bytes).digest('hex').toUpperCase();
  const segs: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += chunk) {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(bytes.length, 0);
    head.writeUInt32BE(at, 4);
    segs.push(
      seg(
        0xe1,
        Buffer.concat([
          Buffer.from(`http://ns.adobe.com/xmp/extension/\0${guid}`, 'latin1'),
          head,
          bytes.subarray(at, at + chunk),
        ]),
      ),
    );
  }
  return { guid, segs };
}

export const exifSeg = (tiff: Uint8Array): Buffer =>
  seg(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]));

/** JFIF 1.01 APP0, 72 dpi, no thumbnail. */
export const jfifSeg = (): Buffer => seg(0xe0, Buffer.from([0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 1, 0, 72, 0, 72, 0, 0]));

export const splice = (b: Uint8Array, at: number, ...insert: Uint8Array[]): Buffer =>
  Buffer.concat([b.subarray(0, at), ...insert, b.subarray(at)]);

export interface Seg {
  marker: number;
  offset: number;
  length: number;
  payload: Buffer;
}

/** Segments from SOI to SOS (inclusive of SOS), skipping fill bytes; independent of the codec's walker. */
export function segmentsOf(b: Uint8Array): Seg[] {
  const buf = Buffer.from(b);
  const out: Seg[] = [];
  for (let p = 2; p + 4 <= buf.length; ) {
    assert.equal(buf[p], 0xff, `no marker at ${p}`);
    while (buf[p + 1] === 0xff) p++;
    const marker = buf[p + 1]!;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      out.push({ marker, offset: p, length: 2, payload: Buffer.alloc(0) });
      p += 2;
      continue;
    }
    const length = 2 + buf.readUInt16BE(p + 2);
    out.push({ marker, offset: p, length, payload: buf.subarray(p + 4, p + length) });
    if (marker === 0xda) break;
    p += length;
  }
  return out;
}

export const sosOffset = (b: Uint8Array): number => segmentsOf(b).find((s) => s.marker === 0xda)!.offset;

/** A small baseline JPEG straight from the encoder: SOI, DQT, SOF, DHT, SOS (no APP segments). */
export async function plainJpeg(width = 64, height = 40): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 60, b: 30 } } })
    .composite([
      {
        input: { create: { width: width >> 1, height: height >> 1, channels: 3, background: '#1a7f3c' } },
        left: 3,
        top: 2,
      },
    ])
    .jpeg({ quality: 85 })
    .toBuffer();
}

export const rawPixels = async (b: Uint8Array): Promise<Buffer> => sharp(b).raw().toBuffer();

/** EXIF as a TIFF structure: IFD0 with Artist and an Exif IFD holding the given entries. */
export function exifTiff(little: boolean, exifEntries: (e: Enc) => TagSpec[]): Uint8Array {
  const e = new Enc(little);
  return buildTiff({
    little,
    pages: [
      {
        tags: [
          e.ascii(315, 'Hegui test'),
          { tag: 0x8769, type: 4, count: 1, sub: [e.undef(0x9000, Buffer.from('0232')), ...exifEntries(e)] },
        ],
      },
    ],
  });
}

/** A UserComment value: the 8-byte character code, then the text in that code. */
export function userComment(code: 'ASCII' | 'UNICODE' | 'UNDEFINED', text: string, little: boolean): Uint8Array {
  if (code === 'ASCII') return Buffer.concat([Buffer.from('ASCII\0\0\0', 'latin1'), Buffer.from(text, 'utf8')]);
  if (code === 'UNDEFINED') return Buffer.concat([Buffer.alloc(8), Buffer.from(text, 'utf8')]);
  const le = Buffer.from(text, 'utf16le');
  return Buffer.concat([Buffer.from('UNICODE\0', 'latin1'), little ? le : le.swap16()]);
}

export async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isHeguiError(e), `not a HeguiError: ${(e as Error)?.stack ?? e}`);
    assert.equal(e.code, code, `expected ${code}, got ${e.code}: ${e.message}`);
    return true;
  });
}

/**
 * A primary image whose MPF APP2 index (CIPA DC-007) points at a second JPEG after its EOI, with `after` segments
 * between the index and the tables (so their size changes move image 2 relative to the index).
 */
export async function mpfFile(after: Buffer[]): Promise<{ bytes: Buffer; second: Buffer }> {
  const primary = await plainJpeg();
  const second = await plainJpeg(16, 12);
  const mpf = (offset: number, size1: number) => {
    const b = Buffer.alloc(4 + 8 + 2 + 3 * 12 + 4 + 32);
    b.write('MPF\0', 0, 'latin1');
    b.write('II*\0', 4, 'latin1');
    b.writeUInt32LE(8, 8);
    b.writeUInt16LE(3, 12);
    const entry = (i: number, tag: number, type: number, count: number, value: Buffer) => {
      const at = 14 + i * 12;
      b.writeUInt16LE(tag, at);
      b.writeUInt16LE(type, at + 2);
      b.writeUInt32LE(count, at + 4);
      value.copy(b, at + 8);
    };
    const u32 = (v: number) => Buffer.from(Uint32Array.of(v).buffer);
    entry(0, 0xb000, 7, 4, Buffer.from('0100'));
    entry(1, 0xb001, 4, 1, u32(2));
    entry(2, 0xb002, 7, 32, u32(8 + 2 + 36 + 4));
    b.writeUInt32LE(0x030000, 54);
    b.writeUInt32LE(size1, 58);
    b.writeUInt32LE(0x010001, 70);
    b.writeUInt32LE(second.length, 74);
    b.writeUInt32LE(offset, 78);
    return seg(0xe2, b);
  };
  const size1 = primary.length + mpf(0, 0).length + after.reduce((n, s) => n + s.length, 0);
  const mpfHeaderAt = 2 + 4 + 4;
  const bytes = Buffer.concat([splice(primary, 2, mpf(size1 - mpfHeaderAt, size1), ...after), second]);
  return { bytes, second };
}

/** Broken segment structures spliced into a real JPEG, and the error code each must give. */
export const HOSTILE_SEGMENTS: [string, (plain: Buffer) => Buffer, string][] = [
  ['segment length 0', (b) => splice(b, 2, Buffer.from([0xff, 0xe5, 0, 0])), 'malformed'],
  ['segment length 1', (b) => splice(b, 2, Buffer.from([0xff, 0xe5, 0, 1])), 'malformed'],
  [
    'segment length 0xFFFF past the end',
    (b) => Buffer.concat([b.subarray(0, 2), Buffer.from([0xff, 0xe1, 0xff, 0xff]), Buffer.alloc(100)]),
    'truncated',
  ],
  ['no SOS (file ends in the tables)', (b) => b.subarray(0, sosOffset(b)), 'truncated'],
  ['EOI before SOS', (b) => Buffer.concat([b.subarray(0, sosOffset(b)), Buffer.from([0xff, 0xd9])]), 'malformed'],
  ['a second SOI', (b) => splice(b, 2, Buffer.from([0xff, 0xd8])), 'malformed'],
  ['a stuffed 0xFF00 where a marker belongs', (b) => splice(b, 2, Buffer.from([0xff, 0x00])), 'malformed'],
  ['garbage where a marker belongs', (b) => splice(b, 2, jfifSeg(), Buffer.from([0x12, 0x34])), 'malformed'],
  ['70,000 fill bytes', (b) => splice(b, 2, Buffer.alloc(70_000, 0xff)), 'malformed'],
];

/** Broken EXIF TIFF structures (the JPEG stays valid): read warns, write copies the segment as it is. */
export const HOSTILE_EXIF: [string, (e: Enc) => Uint8Array][] = [
  [
    'an IFD entry count of 0xFFFF',
    (e) => Buffer.concat([Buffer.from('II*\0'), e.u32(8), e.u16(0xffff), Buffer.alloc(24)]),
  ],
  ['an IFD offset near 2^32', (e) => Buffer.concat([Buffer.from('II*\0'), e.u32(0xfffffff0)])],
  [
    'a UserComment offset near 2^32',
    (e) =>
      Buffer.concat([
        Buffer.from('II*\0'),
        e.u32(8),
        e.u16(1),
        e.u16(0x9286),
        e.u16(7),
        e.u32(64),
        e.u32(0xfffffff0),
        e.u32(0),
      ]),
  ],
];

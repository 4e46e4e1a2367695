import { HeguiError, oversize } from '../../errors.ts';
import { type AigcRecord, serializeBare } from '../aigc/record.ts';
import { decodeXmlText, escapeXmlText } from './xml-text.ts';

/** The TC260 namespace of the AIGC XMP property (TC260-PG-20259A). */
export const TC260_NS = 'http://www.tc260.org.cn/ns/AIGC/1.0/';
export const TC260_PREFIX = 'TC260';
const RDF_NS = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';

/** Readers bound what they parse; real packets are a few KiB, Adobe's extended XMP tops out well below this. */
export const MAX_XMP_BYTES = 4 * 1024 * 1024;

export interface XmpAigcProperty {
  /** The decoded property value (the label JSON text). */
  value: string;
  form: 'element' | 'attribute';
  /** Character offset of the property inside the packet. */
  index: number;
}

function guard(packet: string): void {
  if (packet.length > MAX_XMP_BYTES) throw oversize('the XMP packet', packet.length, MAX_XMP_BYTES);
  // A DTD can define entities that expand without bound; XMP never needs one.
  if (/<!DOCTYPE|<!ENTITY/i.test(packet))
    throw new HeguiError('malformed', 'XMP packet contains a DOCTYPE or ENTITY declaration');
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Prefixes bound to the TC260 namespace anywhere in the packet (usually just `TC260`). */
function tc260Prefixes(packet: string): string[] {
  const prefixes = new Set<string>();
  const re = /xmlns:([A-Za-z_][\w.-]*)\s*=\s*(["'])(.*?)\2/g;
  for (const m of packet.matchAll(re)) {
    const uri = m[3]!;
    if (uri === TC260_NS || uri === TC260_NS.slice(0, -1)) prefixes.add(m[1]!);
  }
  return [...prefixes];
}

function propertyRegexes(prefix: string): { element: RegExp; empty: RegExp; attribute: RegExp } {
  const p = escapeRe(prefix);
  return {
    element: new RegExp(`<${p}:AIGC(\\s[^>]*)?>([\\s\\S]*?)</${p}:AIGC\\s*>`, 'g'),
    empty: new RegExp(`<${p}:AIGC(\\s[^>]*)?/>`, 'g'),
    attribute: new RegExp(`(\\s)${p}:AIGC\\s*=\\s*("([^"]*)"|'([^']*)')`, 'g'),
  };
}

/** Every TC260:AIGC property of a packet, element and attribute forms. */
export function readXmpAigc(packet: string): XmpAigcProperty[] {
  guard(packet);
  const found: XmpAigcProperty[] = [];
  for (const prefix of tc260Prefixes(packet)) {
    const re = propertyRegexes(prefix);
    for (const m of packet.matchAll(re.element)) {
      found.push({ value: decodeXmlText(m[2]!), form: 'element', index: m.index! });
    }
    for (const m of packet.matchAll(re.empty)) found.push({ value: '', form: 'element', index: m.index! });
    // Attribute form (seen from PicWish): TC260:AIGC="{…}" on rdf:Description. Only inside tags, not text.
    for (const m of packet.matchAll(re.attribute)) {
      if (!insideTag(packet, m.index!)) continue;
      found.push({ value: decodeXmlText(m[3] ?? m[4] ?? ''), form: 'attribute', index: m.index! });
    }
  }
  return found.sort((a, b) => a.index - b.index);
}

function insideTag(s: string, index: number): boolean {
  const lt = s.lastIndexOf('<', index);
  const gt = s.lastIndexOf('>', index);
  return lt > gt;
}

/** A fresh packet holding only the label. */
export function buildXmpPacket(record: AigcRecord): string {
  return (
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>' +
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">' +
    `<rdf:RDF xmlns:rdf="${RDF_NS}">` +
    labelDescription(record, 'rdf') +
    '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
  );
}

function labelDescription(record: AigcRecord, rdf: string): string {
  return (
    `<${rdf}:Description ${rdf}:about="" xmlns:${TC260_PREFIX}="${TC260_NS}">` +
    `<${TC260_PREFIX}:AIGC>${escapeXmlText(serializeBare(record))}</${TC260_PREFIX}:AIGC>` +
    `</${rdf}:Description>`
  );
}

/** Remove every TC260:AIGC property, keeping every other byte of the packet. */
export function removeXmpAigc(packet: string): string {
  guard(packet);
  let out = packet;
  for (const prefix of tc260Prefixes(packet)) {
    const re = propertyRegexes(prefix);
    out = out.replace(re.element, '').replace(re.empty, '');
    out = out.replace(re.attribute, (m, _sp, _v, _a, _b, offset: number, whole: string) =>
      insideTag(whole, offset) ? '' : m,
    );
  }
  return removeEmptyTc260Descriptions(out);
}

/**
 * An rdf:Description left with nothing but rdf:about and namespace declarations, one of them TC260, is the shell of a
 * removed label: drop it too, so rewriting a label many times does not grow the packet.
 */
function removeEmptyTc260Descriptions(packet: string): string {
  const rdf = prefixFor(packet, RDF_NS);
  if (!rdf) return packet;
  const r = escapeRe(rdf);
  const attr = `\\s+(?:${r}:about|xmlns:[A-Za-z_][\\w.-]*)\\s*=\\s*(?:"[^"]*"|'[^']*')`;
  const shell = new RegExp(`<${r}:Description((?:${attr})*)\\s*(?:/>|>\\s*</${r}:Description\\s*>)`, 'g');
  return packet.replace(shell, (m, attrs: string) => (tc260Prefixes(attrs).length > 0 ? '' : m));
}

/**
 * Put the label into an existing packet (or a new one): any old TC260:AIGC property goes, one new rdf:Description
 * with the property is added before `</rdf:RDF>`, everything else is kept as it was.
 */
export function mergeXmpAigc(packet: string | null, record: AigcRecord): string {
  if (packet === null || packet.trim() === '') return buildXmpPacket(record);
  const cleaned = removeXmpAigc(packet);
  const rdfPrefix = prefixFor(cleaned, RDF_NS);
  if (!rdfPrefix)
    throw new HeguiError('malformed', 'the existing XMP packet has no rdf:RDF element; it cannot be merged safely');
  const close = new RegExp(`</${escapeRe(rdfPrefix)}:RDF\\s*>`);
  const m = close.exec(cleaned);
  if (!m) throw new HeguiError('malformed', 'the existing XMP packet has no closing rdf:RDF tag');
  return cleaned.slice(0, m.index) + labelDescription(record, rdfPrefix) + cleaned.slice(m.index);
}

function prefixFor(packet: string, uri: string): string | undefined {
  const re = /xmlns:([A-Za-z_][\w.-]*)\s*=\s*(["'])(.*?)\2/g;
  for (const m of packet.matchAll(re)) if (m[3] === uri) return m[1];
  return undefined;
}

/** Decode XMP bytes as UTF-8 (XMP is UTF-8 in every container this project writes; UTF-16 BOMs are honoured). */
export function decodeXmpBytes(bytes: Uint8Array): string {
  if (bytes.length > MAX_XMP_BYTES) throw oversize('the XMP packet', bytes.length, MAX_XMP_BYTES);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  return new TextDecoder('utf-8').decode(bytes);
}

import { HeguiError, malformed } from '../../../errors.ts';
import { type AigcRecord, serializeBare } from '../../aigc/record.ts';
import { decodeXmlText, escapeXmlAttr, escapeXmlText } from '../../xmp/xml-text.ts';

/**
 * The three package parts the label touches (ISO/IEC 29500-2 OPC; ECMA-376 Part 1 §22.3 custom properties):
 * `docProps/custom.xml`, `[Content_Types].xml` and `_rels/.rels`. Each is edited as text: the new or removed element
 * changes, every other byte of the part stays as it was.
 */

export const CUSTOM_PART = 'docProps/custom.xml';
export const CUSTOM_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.custom-properties+xml';
export const CUSTOM_REL_TYPE = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties';
const CUSTOM_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/custom-properties';
const VT_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes';
/** ECMA-376 Part 1 §22.3.2.2: the FMTID every user-defined property carries. */
const FMTID = '{D5CDD505-2E9C-101B-9397-08002B2CF9AE}';
/** The property name (Office compares custom property names case-insensitively). */
const NAME = 'AIGC';

/** XML parts read here are a few KiB; a larger one is not a property sheet. */
export const MAX_PART_BYTES = 4 * 1024 * 1024;

function guard(xml: string, part: string): void {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw malformed(`${part} contains a DOCTYPE or ENTITY declaration`);
}

/** Attributes of a start tag's text, values decoded. */
function attributes(tag: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of tag.matchAll(/([\w.:-]+)\s*=\s*("([^"]*)"|'([^']*)')/g))
    out.set(m[1]!, decodeXmlText(m[3] ?? m[4] ?? ''));
  return out;
}

interface Element {
  start: number;
  end: number;
  attrs: Map<string, string>;
  inner: string;
}

/** Elements with local name `local` (any prefix), empty or with content (they do not nest in these parts). */
function elements(xml: string, local: string): Element[] {
  const re = new RegExp(`<(?:[\\w.-]+:)?${local}(\\s[^>]*?)?(/>|>([\\s\\S]*?)</(?:[\\w.-]+:)?${local}\\s*>)`, 'g');
  return [...xml.matchAll(re)].map((m) => ({
    start: m.index!,
    end: m.index! + m[0].length,
    attrs: attributes(m[1] ?? ''),
    inner: m[3] ?? '',
  }));
}

/** The prefix (with its colon, or '') an element is written with, and whether it exists. */
function rootPrefix(xml: string, local: string): string | undefined {
  const m = new RegExp(`<([\\w.-]+:)?${local}[\\s>/]`).exec(xml);
  return m ? (m[1] ?? '') : undefined;
}

function closeTag(xml: string, local: string, part: string): number {
  const m = new RegExp(`</(?:[\\w.-]+:)?${local}\\s*>(?![\\s\\S]*</(?:[\\w.-]+:)?${local}\\s*>)`).exec(xml);
  if (!m) throw malformed(`${part} has no closing ${local} tag`);
  return m.index;
}

export interface CustomAigc {
  value: string;
  start: number;
  end: number;
}

/** Every AIGC property of a custom.xml, its value as text (any vt: string type; other types as their text). */
export function readCustomAigc(xml: string): CustomAigc[] {
  guard(xml, CUSTOM_PART);
  return elements(xml, 'property')
    .filter((p) => p.attrs.get('name')?.toUpperCase() === NAME)
    .map((p) => {
      const v = /<(?:[\w.-]+:)?\w+(?:\s[^>]*)?>([\s\S]*?)<\/(?:[\w.-]+:)?\w+\s*>/.exec(p.inner);
      return { value: v ? decodeXmlText(v[1]!) : '', start: p.start, end: p.end };
    });
}

function prefixFor(xml: string, uri: string): string | undefined {
  for (const m of xml.matchAll(/xmlns:([\w.-]+)\s*=\s*(["'])(.*?)\2/g)) if (m[3] === uri) return m[1];
  return undefined;
}

/** custom.xml with every AIGC property replaced by one new property (pid one above the highest in use). */
export function writeCustomAigc(xml: string | null, label: AigcRecord): string {
  const text = escapeXmlText(serializeBare(label));
  if (xml === null) {
    return (
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
      `<Properties xmlns="${CUSTOM_NS}" xmlns:vt="${VT_NS}">` +
      `<property fmtid="${FMTID}" pid="2" name="${NAME}"><vt:lpwstr>${text}</vt:lpwstr></property></Properties>`
    );
  }
  const old = readCustomAigc(xml);
  let cleaned = xml;
  for (const p of [...old].reverse()) cleaned = cleaned.slice(0, p.start) + cleaned.slice(p.end);
  const prefix = rootPrefix(cleaned, 'Properties');
  if (prefix === undefined) throw malformed(`${CUSTOM_PART} has no Properties element`);
  let pid = 1;
  for (const p of elements(cleaned, 'property')) {
    const n = Number(p.attrs.get('pid'));
    if (Number.isInteger(n) && n > pid) pid = n;
  }
  // §22.3.2.2: pid is an int of at least 2, unique in the part.
  if (pid >= 0x7fffffff) throw new HeguiError('format_unsupported', `${CUSTOM_PART} has no property id left`);
  const vt = prefixFor(cleaned, VT_NS);
  const value = vt ? `<${vt}:lpwstr>${text}</${vt}:lpwstr>` : `<vt:lpwstr xmlns:vt="${VT_NS}">${text}</vt:lpwstr>`;
  const property = `<${prefix}property fmtid="${FMTID}" pid="${pid + 1}" name="${NAME}">${value}</${prefix}property>`;
  const at = old[0] ? old[0].start : closeTag(cleaned, 'Properties', CUSTOM_PART);
  return cleaned.slice(0, at) + property + cleaned.slice(at);
}

/** `[Content_Types].xml` with an Override for the part, unless one is there (part names compare case-insensitively). */
export function ensureOverride(xml: string, partName: string): string {
  guard(xml, '[Content_Types].xml');
  const want = `/${partName}`.toLowerCase();
  if (elements(xml, 'Override').some((o) => o.attrs.get('PartName')?.toLowerCase() === want)) return xml;
  const prefix = rootPrefix(xml, 'Types');
  if (prefix === undefined) throw malformed('[Content_Types].xml has no Types element');
  const at = closeTag(xml, 'Types', '[Content_Types].xml');
  const override = `<${prefix}Override PartName="${escapeXmlAttr(`/${partName}`)}" ContentType="${CUSTOM_CONTENT_TYPE}"/>`;
  return xml.slice(0, at) + override + xml.slice(at);
}

/** The custom-properties part a package-level relationship names, without its leading slash. */
export function customTarget(rels: string): string | undefined {
  guard(rels, '_rels/.rels');
  const r = elements(rels, 'Relationship').find((e) => e.attrs.get('Type') === CUSTOM_REL_TYPE);
  const target = r?.attrs.get('Target');
  if (!target || r?.attrs.get('TargetMode') === 'External') return undefined;
  // Package relationships resolve against the package root (ISO/IEC 29500-2 §9.3).
  return target.replace(/^\/+/, '').replace(/^\.\//, '');
}

/** `_rels/.rels` with a custom-properties relationship to the part, under an Id not yet used. */
export function addCustomRelationship(rels: string, partName: string): string {
  guard(rels, '_rels/.rels');
  const ids = new Set(elements(rels, 'Relationship').map((e) => e.attrs.get('Id')));
  let n = ids.size + 1;
  while (ids.has(`rId${n}`)) n++;
  const prefix = rootPrefix(rels, 'Relationships');
  if (prefix === undefined) throw malformed('_rels/.rels has no Relationships element');
  const at = closeTag(rels, 'Relationships', '_rels/.rels');
  const rel = `<${prefix}Relationship Id="rId${n}" Type="${CUSTOM_REL_TYPE}" Target="${escapeXmlAttr(partName)}"/>`;
  return rels.slice(0, at) + rel + rels.slice(at);
}

/** A package-level `.rels` of a package that has none: just the custom-properties relationship. */
export const NEW_RELS =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>';

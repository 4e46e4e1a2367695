import { concat, utf8, utf8Decode, utf8DecodeStrict } from '../../io/bytes.ts';
import type { CodecWarning } from '../codec.ts';
import { ID } from './ids.ts';
import { type Child, checkDepth, childrenOf, dataOf, type Loaded, rawOf } from './master.ts';
import { crcElement, element } from './vint.ts';

/** The TagName the TC260 guide (TC260-PG-20257A) fixes for the label. */
export const AIGC_TAG_NAME = 'AIGC';

/** A SimpleTag holding a label: `exact` is TagName `AIGC`; `nocase` another spelling (aigc, Aigc). */
export interface FoundTag {
  offset: number;
  text: string;
  match: 'exact' | 'nocase';
  /** Inside another SimpleTag rather than directly in a Tag. */
  nested: boolean;
}

function aigcMatch(name: string): FoundTag['match'] | undefined {
  if (name === AIGC_TAG_NAME) return 'exact';
  return /^[Aa][Ii][Gg][Cc]$/.test(name) ? 'nocase' : undefined;
}

/** RFC 8794 §7.4–7.5: string data may be padded with trailing zero bytes. */
function text(data: Uint8Array, what: string, at: number, warnings: CodecWarning[]): string {
  let n = data.length;
  while (n > 0 && data[n - 1] === 0) n--;
  const s = utf8DecodeStrict(data.subarray(0, n));
  if (s !== undefined) return s;
  warnings.push({ code: 'invalid_utf8', message: `${what} is not valid UTF-8`, offset: at });
  return utf8Decode(data.subarray(0, n));
}

function master(id: number, parts: Uint8Array[], withCrc: boolean): Uint8Array {
  const data = concat(parts);
  return element(id, withCrc ? concat([crcElement(data), data]) : data);
}

interface Filtered {
  parts: Uint8Array[];
  changed: boolean;
  crc: boolean;
  simpleTags: number;
}

interface Ctx {
  m: Loaded;
  found: FoundTag[];
  warnings: CodecWarning[];
}

/**
 * Filter the children of a Tag or SimpleTag: AIGC SimpleTags (at any depth) are reported and dropped, everything
 * else kept byte for byte. Returns the kept children and whether anything changed.
 */
function filterChildren(c: Ctx, kids: Child[], depth: number, nested: boolean): Filtered {
  const parts: Uint8Array[] = [];
  let changed = false;
  let crc = false;
  let simpleTags = 0;
  for (const k of kids) {
    if (k.id === ID.CRC32) {
      crc = true; // recomputed if the parent changes
      continue;
    }
    if (k.id === ID.SimpleTag) {
      const kept = filterSimpleTag(c, k, depth + 1, nested);
      if (kept !== undefined) changed = true;
      if (kept !== null) {
        parts.push(kept ?? rawOf(c.m, k));
        simpleTags++;
      }
      continue;
    }
    parts.push(rawOf(c.m, k));
  }
  return { parts, changed, crc, simpleTags };
}

/** A SimpleTag rebuilt without its AIGC descendants, undefined when unchanged, null when it is an AIGC tag itself. */
function filterSimpleTag(c: Ctx, st: Child, depth: number, nested: boolean): Uint8Array | null | undefined {
  checkDepth(depth, c.m, st.offset);
  const kids = childrenOf(c.m, st);
  const nameEl = kids.find((k) => k.id === ID.TagName);
  const name = nameEl ? text(dataOf(c.m, nameEl), 'a TagName', nameEl.offset, c.warnings) : '';
  const match = aigcMatch(name);
  if (match) {
    const str = kids.find((k) => k.id === ID.TagString);
    const bin = kids.find((k) => k.id === ID.TagBinary);
    let value = '';
    if (str) value = text(dataOf(c.m, str), 'the AIGC TagString', str.offset, c.warnings);
    else if (bin) {
      c.warnings.push({
        code: 'tag_binary',
        message: 'the AIGC SimpleTag holds TagBinary instead of TagString',
        offset: st.offset,
      });
      value = text(dataOf(c.m, bin), 'the AIGC TagBinary', bin.offset, c.warnings);
    }
    c.found.push({ offset: st.offset, text: value, match, nested });
    return null;
  }
  const f = filterChildren(c, kids, depth, true);
  return f.changed ? master(ID.SimpleTag, f.parts, f.crc) : undefined;
}

/** A Tag without AIGC SimpleTags; null when none of its SimpleTags is left (RFC 9559: a Tag needs one). */
function filterTag(c: Ctx, tag: Child): Uint8Array | null {
  const kids = childrenOf(c.m, tag);
  const f = filterChildren(c, kids, 1, false);
  if (!f.changed) return rawOf(c.m, tag);
  return f.simpleTags > 0 ? master(ID.Tag, f.parts, f.crc) : null;
}

/**
 * Read a Tags element: every AIGC SimpleTag is pushed onto `found` (in file order, even when a later element turns
 * out malformed), and the Tag elements to keep are returned with those SimpleTags removed.
 */
export function scanTags(m: Loaded, found: FoundTag[], warnings: CodecWarning[]): Uint8Array[] {
  const c: Ctx = { m, found, warnings };
  const kept: Uint8Array[] = [];
  for (const k of childrenOf(m, { ...m.el, end: m.el.end })) {
    if (k.id === ID.Tag) {
      const t = filterTag(c, k);
      if (t) kept.push(t);
    } else if (k.id !== ID.Void && k.id !== ID.CRC32) {
      kept.push(rawOf(m, k));
    }
  }
  return kept;
}

/** The label's Tag: empty Targets (the whole Segment, TargetTypeValue 50 by default), SimpleTag AIGC = bare JSON. */
export function aigcTag(json: string): Uint8Array {
  const simple = element(
    ID.SimpleTag,
    concat([element(ID.TagName, utf8.encode(AIGC_TAG_NAME)), element(ID.TagString, utf8.encode(json))]),
  );
  return element(ID.Tag, concat([element(ID.Targets, new Uint8Array(0)), simple]));
}

/**
 * The movie box: where the label lives (`moov/udta/meta`, handler `mdta`, TC260-PG-20257A / 202510A) and where it
 * is also looked for (`moov/meta` with handler `mdta`, as Apple devices write it; an XMP `uuid` box in `moov/udta`).
 */
import { ascii } from '../../io/bytes.ts';
import {
  type Box,
  type BoxBuffer,
  type BoxNode,
  boxBytes,
  buildBox,
  type ChildStart,
  childrenOf,
  parseTree,
  rebuildContainer,
} from './box.ts';
import {
  aigcValues,
  buildLabelMeta,
  hasAigc,
  keptKeyEntries,
  type MdtaMeta,
  parseMdtaMeta,
  rebuildMdtaMeta,
} from './mdta.ts';
import { isXmpUuid, stripXmpUuid, xmpAigcValues } from './xmp-uuid.ts';

/** Boxes whose payload is nothing but child boxes (ISO/IEC 14496-12 §8, QuickTime File Format). */
const PLAIN_CONTAINERS = new Set([
  'moov',
  'trak',
  'mdia',
  'minf',
  'stbl',
  'udta',
  'edts',
  'dinf',
  'mvex',
  'moof',
  'traf',
  'mfra',
  'tref',
  'ilst',
]);

/**
 * Which boxes the MP4 walker descends into. `meta` is a FullBox in ISO files but has no version/flags in QuickTime
 * files, where its first child (`hdlr`) starts right away; ilst items hold `data` boxes.
 */
export const mp4ChildStart: ChildStart = (type, payload, path) => {
  if (path.at(-1) === 'ilst') return 0;
  if (PLAIN_CONTAINERS.has(type)) return 0;
  if (type === 'meta') return payload.length >= 8 && ascii(payload, 4, 4) === 'hdlr' ? 0 : 4;
  return undefined;
};

export const parseBoxTree = (buf: BoxBuffer, box: Box, strict: boolean): BoxNode =>
  parseTree(buf, box, mp4ChildStart, strict);

export const PLACEMENT_MDTA = 'mp4.mdta-keys';
export const PLACEMENT_MOOV_META = 'mp4.moov-meta-keys';
export const PLACEMENT_XMP = 'mp4.xmp-uuid';
/** Also read: an mdta key such as `com.apple.quicktime.AIGC` (what a user-defined ExifTool Keys tag becomes). */
export const PLACEMENT_REVERSE_DNS = 'mp4.mdta-reverse-dns-key';

export interface FoundValue {
  placement: string;
  normative: boolean;
  text: string;
  offset: number;
}

/** Every label value in a parsed moov; problems in one meta box become `onError` calls, the rest is still read. */
export function moovLabelValues(
  buf: BoxBuffer,
  moov: BoxNode,
  onError: (e: unknown, offset: number) => void,
): FoundValue[] {
  const out: FoundValue[] = [];
  const fromMeta = (meta: BoxNode, placement: string, normative: boolean): void => {
    try {
      const m = parseMdtaMeta(buf, meta);
      if (!m) return;
      for (const v of aigcValues(buf, m)) {
        if (v.reverseDns)
          out.push({ placement: PLACEMENT_REVERSE_DNS, normative: false, text: v.text, offset: v.offset });
        else out.push({ placement, normative, text: v.text, offset: v.offset });
      }
    } catch (e) {
      onError(e, meta.offset);
    }
  };
  for (const c of moov.children ?? []) {
    if (c.type === 'meta') fromMeta(c, PLACEMENT_MOOV_META, false);
    if (c.type !== 'udta') continue;
    for (const u of c.children ?? []) {
      if (u.type === 'meta') fromMeta(u, PLACEMENT_MDTA, true);
      if (isXmpUuid(u)) {
        try {
          for (const text of xmpAigcValues(buf, u))
            out.push({ placement: PLACEMENT_XMP, normative: false, text, offset: u.offset });
        } catch (e) {
          onError(e, u.offset);
        }
      }
    }
  }
  return out;
}

/**
 * A udta rebuilt with the label in its first mdta meta (or a new one after its other children), or stripped of it.
 * `prefix`: keys to list first in the label's keys box (see {@link rebuildMdtaMeta}).
 */
function rebuildUdta(
  buf: BoxBuffer,
  udta: BoxNode,
  json: string | undefined,
  prefix: readonly Uint8Array[],
): Uint8Array {
  let placed = json === undefined;
  let changed = json !== undefined;
  const children: Uint8Array[] = [];
  for (const c of udta.children ?? []) {
    const m = c.type === 'meta' ? parseMdtaMeta(buf, c) : undefined;
    if (m && !placed) {
      children.push(rebuildMdtaMeta(buf, m, json, prefix));
      placed = true;
    } else if (m && hasAigc(m)) {
      children.push(rebuildMdtaMeta(buf, m, undefined));
      changed = true;
    } else if (isXmpUuid(c)) {
      const stripped = stripXmpUuid(buf, c);
      if (stripped) changed = true;
      children.push(stripped ?? boxBytes(buf, c));
    } else children.push(boxBytes(buf, c));
  }
  // A separate mdta meta after an iTunes `mdir` one: readers (FFmpeg, ExifTool) show both sets of tags.
  if (!placed && json !== undefined) children.push(buildLabelMeta(json, prefix));
  return changed ? rebuildContainer(buf, udta, children) : boxBytes(buf, udta);
}

/** Movie-level mdta meta boxes with a keys box (`moov/meta`, `moov/udta/meta`), in file order, with their moov child. */
function movieKeyMetas(buf: BoxBuffer, moov: BoxNode): { m: MdtaMeta; top: BoxNode }[] {
  const out: { m: MdtaMeta; top: BoxNode }[] = [];
  for (const top of moov.children ?? []) {
    const metas = top.type === 'meta' ? [top] : top.type === 'udta' ? childrenOf(top, 'meta') : [];
    for (const meta of metas) {
      const m = parseMdtaMeta(buf, meta);
      if (m?.keysNode) out.push({ m, top });
    }
  }
  return out;
}

/**
 * The new moov: the label in `moov/udta/meta` (the first udta), every other AIGC key and XMP property removed, all
 * other boxes copied byte for byte. Chunk offsets are not touched here (see offsets.ts).
 *
 * FFmpeg reads the keys box of the first movie-level mdta meta only, and maps every ilst item after it (tracks' ones
 * too) to those keys. When another movie-level mdta meta (Apple's `moov/meta`) comes before the label's, the label's
 * udta moves to just before it and its keys box starts with copies of that box's keys, so every tag keeps its name,
 * items before that point stay as FFmpeg saw them, and the label is seen as `AIGC`.
 */
export function rebuildMoov(buf: BoxBuffer, moov: BoxNode, json: string): Uint8Array {
  const udta = childrenOf(moov, 'udta')[0];
  const target = (udta?.children ?? []).find((c) => c.type === 'meta' && parseMdtaMeta(buf, c));
  const firstKeys = movieKeyMetas(buf, moov)[0];
  const leader = firstKeys && firstKeys.m.meta !== target ? firstKeys : undefined;
  const prefix = leader ? keptKeyEntries(buf, leader.m) : [];
  const children: Uint8Array[] = [];
  let udtaAt = -1;
  for (const c of moov.children ?? []) {
    if (c === leader?.top) udtaAt = children.length;
    if (c === udta) {
      if (udtaAt < 0) udtaAt = children.length;
      continue;
    }
    if (c.type === 'udta') {
      children.push(rebuildUdta(buf, c, undefined, []));
      continue;
    }
    const m: MdtaMeta | undefined = c.type === 'meta' ? parseMdtaMeta(buf, c) : undefined;
    children.push(m && hasAigc(m) ? rebuildMdtaMeta(buf, m, undefined) : boxBytes(buf, c));
  }
  const labelled = udta ? rebuildUdta(buf, udta, json, prefix) : buildBox('udta', buildLabelMeta(json, prefix));
  children.splice(udtaAt < 0 ? children.length : udtaAt, 0, labelled);
  return rebuildContainer(buf, moov, children);
}

/**
 * Tracks' sample tables: `moov/trak/mdia/minf/stbl`. Gathered one by one: a file may hold more of them than a call
 * takes arguments.
 */
export function sampleTables(moov: BoxNode): BoxNode[] {
  const out: BoxNode[] = [];
  for (const trak of childrenOf(moov, 'trak'))
    for (const mdia of childrenOf(trak, 'mdia'))
      for (const minf of childrenOf(mdia, 'minf')) for (const stbl of childrenOf(minf, 'stbl')) out.push(stbl);
  return out;
}

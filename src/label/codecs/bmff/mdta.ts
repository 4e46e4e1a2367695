/**
 * QuickTime "mdta" metadata (Apple QuickTime File Format, Metadata): a `meta` box whose `hdlr` says `mdta` holds a
 * `keys` box (1-based list of namespaced key names) and an `ilst` whose items are typed by key index, each with a
 * `data` box (type indicator + locale + value). TC260-PG-20257A / 202510A put the label there under the key `AIGC`
 * as bare JSON in a UTF-8 (type 1) `data` box.
 */
import { malformed, oversize } from '../../../errors.ts';
import { ascii, asciiBytes, concat, put32be, u32be, utf8 } from '../../io/bytes.ts';
import {
  type BoxBuffer,
  type BoxNode,
  boxBytes,
  buildBox,
  childrenOf,
  fullBoxHeader,
  payloadBytes,
  rebuildContainer,
} from './box.ts';

export const AIGC_KEY = 'AIGC';
export const MDTA = 'mdta';
/** A `keys` box with more entries than this is refused: real files carry a few dozen. */
export const MAX_KEYS = 65_536;

export interface MdtaKey {
  namespace: string;
  name: string;
}

export interface MdtaItem {
  node: BoxNode;
  /** The key index this item is typed by (1-based). */
  index: number;
}

export interface MdtaMeta {
  meta: BoxNode;
  keysNode?: BoxNode;
  ilstNode?: BoxNode;
  keys: MdtaKey[];
  items: MdtaItem[];
}

/** The handler type of a `meta` box (its `hdlr` child's handler_type), or undefined. */
export function handlerOf(buf: BoxBuffer, meta: BoxNode): string | undefined {
  const hdlr = childrenOf(meta, 'hdlr')[0];
  if (!hdlr) return undefined;
  const p = payloadBytes(buf, hdlr);
  // version/flags(4) pre_defined(4) handler_type(4)
  return p.length >= 12 ? ascii(p, 8, 4) : undefined;
}

/**
 * Is this the label key? Compared case-insensitively so that a differently-cased key is still found and replaced.
 * A reverse-DNS key ending in `.AIGC` counts too: ExifTool writes a user-defined Keys tag as
 * `com.apple.quicktime.AIGC`, so files labelled by scripting ExifTool carry it.
 */
export const isAigcKey = (k: MdtaKey): boolean => k.name.toUpperCase() === AIGC_KEY || isReverseDnsAigcKey(k);
export const isReverseDnsAigcKey = (k: MdtaKey): boolean => /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+\.AIGC$/i.test(k.name);

function parseKeys(buf: BoxBuffer, node: BoxNode): MdtaKey[] {
  const p = payloadBytes(buf, node);
  if (p.length < 8) throw malformed('keys box too small for its entry count', node.offset);
  const count = u32be(p, 4);
  if (count > MAX_KEYS) throw oversize('the keys box entry count', count, MAX_KEYS);
  if (count * 8 > p.length - 8)
    throw malformed(`keys box declares ${count} entries that cannot fit in it`, node.offset);
  const keys: MdtaKey[] = [];
  let pos = 8;
  for (let i = 0; i < count; i++) {
    if (pos + 8 > p.length) throw malformed('a keys entry runs past the end of the keys box', node.offset);
    const size = u32be(p, pos);
    if (size < 8 || pos + size > p.length) throw malformed('a keys entry has an impossible size', node.offset);
    const name = new TextDecoder('utf-8').decode(p.subarray(pos + 8, pos + size));
    keys.push({ namespace: ascii(p, pos + 4, 4), name });
    pos += size;
  }
  return keys;
}

/**
 * Read a `meta` box as mdta metadata: undefined when its handler is not `mdta`. Throws `malformed`/`oversize` when
 * the keys or items are inconsistent (an item typed by a key index that does not exist is inconsistent).
 */
export function parseMdtaMeta(buf: BoxBuffer, meta: BoxNode): MdtaMeta | undefined {
  if (handlerOf(buf, meta) !== MDTA) return undefined;
  const keysBoxes = childrenOf(meta, 'keys');
  const ilsts = childrenOf(meta, 'ilst');
  if (keysBoxes.length > 1 || ilsts.length > 1)
    throw malformed('mdta meta box has more than one keys or ilst box', meta.offset);
  const keysNode = keysBoxes[0];
  const ilstNode = ilsts[0];
  const keys = keysNode ? parseKeys(buf, keysNode) : [];
  const items: MdtaItem[] = [];
  if (ilstNode?.error) throw ilstNode.error;
  for (const node of ilstNode?.children ?? []) {
    const index = u32be(asciiBytes(node.type), 0);
    if (index < 1 || index > keys.length)
      throw malformed('an ilst item refers to a key index the keys box does not have', node.offset);
    items.push({ node, index });
  }
  return { meta, ...(keysNode ? { keysNode } : {}), ...(ilstNode ? { ilstNode } : {}), keys, items };
}

export interface DataValue {
  text: string;
  /** Absolute offset of the `data` box. */
  offset: number;
  /** The well-known type (1 UTF-8, 2 UTF-16BE, …). */
  dataType: number;
  /** Found under a reverse-DNS key (`com.apple.quicktime.AIGC`) rather than the key `AIGC` itself. */
  reverseDns?: boolean;
}

/** Every `data` box of an item, decoded as text (types 1 and 2 are text; anything else is decoded as UTF-8). */
export function itemValues(buf: BoxBuffer, item: BoxNode): DataValue[] {
  const out: DataValue[] = [];
  for (const d of childrenOf(item, 'data')) {
    const p = payloadBytes(buf, d);
    if (p.length < 8) throw malformed('an ilst data box is too small for its type and locale', d.offset);
    const dataType = u32be(p, 0) & 0xffffff;
    const value = p.subarray(8);
    const text = new TextDecoder(dataType === 2 ? 'utf-16be' : 'utf-8').decode(value);
    out.push({ text, offset: d.offset, dataType });
  }
  return out;
}

/** The label values of an mdta meta box, in file order. */
export function aigcValues(buf: BoxBuffer, m: MdtaMeta): DataValue[] {
  const out: DataValue[] = [];
  for (const item of m.items) {
    const key = m.keys[item.index - 1]!;
    // One by one: an item may hold more values than a call takes arguments.
    if (isAigcKey(key))
      for (const v of itemValues(buf, item.node)) out.push({ ...v, reverseDns: isReverseDnsAigcKey(key) });
  }
  return out;
}

export const hasAigc = (m: MdtaMeta): boolean => m.keys.some(isAigcKey);

function keyEntry(namespace: string, name: string): Uint8Array {
  const nameBytes = utf8.encode(name);
  const e = new Uint8Array(8);
  put32be(e, 0, 8 + nameBytes.length);
  e.set(asciiBytes(namespace), 4);
  return concat([e, nameBytes]);
}

/** The raw bytes of each keys entry, so kept keys are copied exactly as they were. */
function rawKeyEntries(buf: BoxBuffer, keysNode: BoxNode | undefined): Uint8Array[] {
  if (!keysNode) return [];
  const p = payloadBytes(buf, keysNode);
  const count = u32be(p, 4);
  const out: Uint8Array[] = [];
  let pos = 8;
  for (let i = 0; i < count; i++) {
    const size = u32be(p, pos);
    out.push(p.subarray(pos, pos + size));
    pos += size;
  }
  return out;
}

/** An ilst item typed by key `index` holding one UTF-8 `data` box. */
export function buildTextItem(index: number, text: string): Uint8Array {
  const type = new Uint8Array(4);
  put32be(type, 0, index);
  const typeAndLocale = new Uint8Array(8);
  put32be(typeAndLocale, 0, 1); // well-known type 1: UTF-8, locale 0
  return buildBox(type, buildBox('data', typeAndLocale, utf8.encode(text)));
}

/** An ISO FullBox `hdlr` with handler type `mdta` and an empty name, as QuickTime and FFmpeg write it. */
function buildMdtaHandler(): Uint8Array {
  const body = new Uint8Array(4 + 4 + 12 + 1);
  body.set(asciiBytes(MDTA), 4);
  return buildBox('hdlr', fullBoxHeader(0, 0), body);
}

/** The raw keys entries of `m` other than AIGC ones, in order (what a rebuilt keys box keeps). */
export function keptKeyEntries(buf: BoxBuffer, m: MdtaMeta): Uint8Array[] {
  const raw = rawKeyEntries(buf, m.keysNode);
  return raw.filter((_, i) => !isAigcKey(m.keys[i]!));
}

/**
 * A new `meta` box holding the label, after `prefix` keys that have no items here (see {@link rebuildMdtaMeta}).
 */
export function buildLabelMeta(json: string, prefix: readonly Uint8Array[] = []): Uint8Array {
  const count = new Uint8Array(4);
  put32be(count, 0, prefix.length + 1);
  return buildBox(
    'meta',
    fullBoxHeader(0, 0),
    buildMdtaHandler(),
    buildBox('keys', fullBoxHeader(0, 0), count, ...prefix, keyEntry(MDTA, AIGC_KEY)),
    buildBox('ilst', buildTextItem(prefix.length + 1, json)),
  );
}

/**
 * Rebuild an mdta meta box without any AIGC key, renumbering the items of the keys after a removed one, and with
 * the label appended as the last key when `json` is given. Every other child, key and item is copied byte for byte.
 * `prefix` keys (copies of another keys box, without items) go first and shift this box's item indices: FFmpeg reads
 * only the first keys box of a movie and maps every ilst item to it, so a keys box that comes first must list the
 * keys the later boxes' items refer to.
 */
export function rebuildMdtaMeta(
  buf: BoxBuffer,
  m: MdtaMeta,
  json: string | undefined,
  prefix: readonly Uint8Array[] = [],
): Uint8Array {
  const raw = rawKeyEntries(buf, m.keysNode);
  const newIndex: number[] = [];
  const keptRaw: Uint8Array[] = [...prefix];
  m.keys.forEach((k, i) => {
    if (isAigcKey(k)) {
      newIndex.push(0);
      return;
    }
    keptRaw.push(raw[i]!);
    newIndex.push(keptRaw.length);
  });
  if (json !== undefined) keptRaw.push(keyEntry(MDTA, AIGC_KEY));
  const count = new Uint8Array(4);
  put32be(count, 0, keptRaw.length);
  const versionFlags = m.keysNode ? payloadBytes(buf, m.keysNode).subarray(0, 4) : fullBoxHeader(0, 0);
  const keys = buildBox('keys', versionFlags, count, ...keptRaw);
  const items: Uint8Array[] = [];
  for (const item of m.items) {
    const to = newIndex[item.index - 1]!;
    if (to === 0) continue;
    const bytes = boxBytes(buf, item.node).slice();
    put32be(bytes, 4, to); // the item's box type is its key index
    items.push(bytes);
  }
  if (json !== undefined) items.push(buildTextItem(keptRaw.length, json));
  const ilst = m.ilstNode ? rebuildContainer(buf, m.ilstNode, items) : buildBox('ilst', ...items);
  const children: Uint8Array[] = [];
  let keysDone = false;
  let ilstDone = false;
  for (const c of m.meta.children ?? []) {
    if (c === m.keysNode) {
      if (!keysDone) children.push(keys);
      keysDone = true;
    } else if (c === m.ilstNode) {
      if (!keysDone) {
        children.push(keys);
        keysDone = true;
      }
      children.push(ilst);
      ilstDone = true;
    } else children.push(boxBytes(buf, c));
  }
  if (!keysDone) children.push(keys);
  if (!ilstDone) children.push(ilst);
  return rebuildContainer(buf, m.meta, children);
}

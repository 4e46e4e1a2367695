import { HeguiError, malformed } from '../../../errors.ts';
import type { ByteSource } from '../../io/source.ts';
import { idName } from './ids.ts';
import { type ElementHeader, parseHeader } from './vint.ts';
import type { Level1 } from './walk.ts';

/** Nesting below a level-1 element (nested SimpleTags, RFC 9559 §5.1.8.1.2) deeper than this is refused. */
export const MAX_DEPTH = 16;
/** Elements parsed inside one level-1 metadata element. */
export const MAX_CHILDREN = 100_000;
/** A Tags or SeekHead element larger than this is not read into memory. */
export const MAX_METADATA_ELEMENT = 16 * 1024 * 1024;

/** A level-1 metadata element read whole into memory; child offsets stay file offsets. */
export interface Loaded {
  el: Level1;
  bytes: Uint8Array;
  budget: { left: number };
}

export interface Child extends ElementHeader {
  end: number;
}

export async function loadElement(src: ByteSource, el: Level1): Promise<Loaded> {
  const total = el.end - el.offset;
  if (total > MAX_METADATA_ELEMENT) {
    throw new HeguiError('oversize', `${idName(el.id)} is ${total} bytes, over the limit of ${MAX_METADATA_ELEMENT}`, {
      offset: el.offset,
      size: total,
      limit: MAX_METADATA_ELEMENT,
    });
  }
  return { el, bytes: await src.read(el.offset, total), budget: { left: MAX_CHILDREN } };
}

/** The children of `parent` (the level-1 element itself or one of its descendants), every size checked. */
export function childrenOf(m: Loaded, parent: ElementHeader & { end: number }): Child[] {
  const base = m.el.offset;
  const out: Child[] = [];
  for (let p = parent.dataOffset; p < parent.end; ) {
    if (--m.budget.left < 0) {
      throw new HeguiError('oversize', `${idName(m.el.id)} holds too many elements`, {
        offset: m.el.offset,
        limit: MAX_CHILDREN,
      });
    }
    const h = parseHeader(m.bytes, p - base, parent.end - base, base);
    if (!h) throw malformed(`an element header runs past its ${idName(parent.id)}`, p);
    if (h.size === null) throw malformed(`${idName(h.id)} has an unknown size inside ${idName(parent.id)}`, p);
    const end = h.dataOffset + h.size;
    if (end > parent.end) throw malformed(`${idName(h.id)} runs past its ${idName(parent.id)}`, p);
    out.push({ ...h, end });
    p = end;
  }
  return out;
}

export const dataOf = (m: Loaded, c: Child): Uint8Array =>
  m.bytes.subarray(c.dataOffset - m.el.offset, c.end - m.el.offset);
export const rawOf = (m: Loaded, c: Child): Uint8Array => m.bytes.subarray(c.offset - m.el.offset, c.end - m.el.offset);

export function checkDepth(depth: number, m: Loaded, at: number): void {
  if (depth > MAX_DEPTH) {
    throw new HeguiError('oversize', `${idName(m.el.id)} nests deeper than ${MAX_DEPTH} levels`, {
      offset: at,
      limit: MAX_DEPTH,
    });
  }
}

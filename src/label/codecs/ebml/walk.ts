import { HeguiError, malformed, oversize, truncated } from '../../../errors.ts';
import type { ByteSource } from '../../io/source.ts';
import { CLUSTER_CHILDREN, ID, idName, SEGMENT_CHILDREN } from './ids.ts';
import { type ElementHeader, parseHeader, readUint } from './vint.ts';

/** An EBML header is a handful of small elements; anything larger is not a Matroska header. */
const MAX_EBML_HEADER = 64 * 1024;
/** Level-1 elements per Segment (each is kept in memory): four days of one-second Clusters is under 400 000. */
export const MAX_LEVEL1 = 400_000;
/** Every element header the walk looks at (Cluster children included), so a hostile file cannot spin it. */
const MAX_ELEMENTS = 200_000_000;
/** Chained Segments (several EBML documents in one file) read at most. */
const MAX_DOCS = 16;
const MIN_WINDOW = 512;
const MAX_WINDOW = 64 * 1024;
export const MATROSKA_DOCTYPES: ReadonlySet<string> = new Set(['matroska', 'webm']);

/** A level-1 element with its end resolved (an unknown-size Cluster ends where the next level-1 element starts). */
export interface Level1 extends ElementHeader {
  end: number;
}

export interface SegmentWalk {
  header: ElementHeader;
  /** Where the Segment's data ends: data start + size, or the end of the last child for an unknown size. */
  end: number;
  children: Level1[];
}

export interface EbmlDoc {
  docType: string;
  /** End of the EBML header element. */
  headerEnd: number;
  segment?: SegmentWalk;
}

export interface MatroskaWalk {
  docs: EbmlDoc[];
  /** Offset of bytes after the last EBML document that are not EBML (copied verbatim by the writer). */
  trailingOffset: number;
  /** A Cluster carries a Position element (a Segment-relative offset of itself), seen while scanning Clusters. */
  clusterPosition: boolean;
  /** Set when a lenient walk stopped at a structural error. */
  error?: HeguiError;
}

/**
 * Reads element headers through a window, so walking many small elements does not cost a read each. The window
 * grows while reads follow each other (tiny elements) and shrinks after a jump (over a block's data), so scanning
 * large blocks reads little more than their headers.
 */
class HeaderReader {
  private buf: Uint8Array = new Uint8Array(0);
  private start = 0;
  private window = MIN_WINDOW;
  elements = 0;
  constructor(readonly src: ByteSource) {}

  /**
   * The header at `pos`, inside a parent ending at `limit` (Infinity for an unknown-size parent). Past the file end
   * is `truncated`; past a parent end that lies inside the file is `malformed`.
   */
  async header(pos: number, limit: number): Promise<ElementHeader> {
    const hit = this.cached(pos, limit);
    if (hit) return hit;
    const sequential = pos >= this.start && pos <= this.start + this.buf.length + 12;
    this.window = sequential ? Math.min(this.window * 2, MAX_WINDOW) : MIN_WINDOW;
    this.start = pos;
    this.buf = await this.src.read(pos, Math.min(this.window, this.src.size - pos));
    return this.cached(pos, limit)!;
  }

  /**
   * The header at `pos` when the window holds it, without awaiting: walking many small elements stays synchronous.
   * Undefined when the window must be refilled first.
   */
  cached(pos: number, limit: number): ElementHeader | undefined {
    const stop = Math.min(limit, this.src.size);
    const want = Math.min(12, stop - pos);
    if (want <= 0) throw truncated('an EBML element header', pos);
    if (pos < this.start || pos + want > this.start + this.buf.length) return undefined;
    if (++this.elements > MAX_ELEMENTS) {
      throw new HeguiError('oversize', 'the file has too many EBML elements', { limit: MAX_ELEMENTS });
    }
    const at = pos - this.start;
    const h = parseHeader(this.buf, at, at + (stop - pos), this.start);
    if (!h) {
      if (limit > this.src.size) throw truncated('an EBML element header', pos);
      throw malformed('an EBML element header runs past its parent', pos);
    }
    return h;
  }

  /** End of an element with a known size, checked against its parent's end and the file size. */
  end(h: ElementHeader, limit: number): number {
    if (h.size === null)
      throw malformed(`${idName(h.id)} has an unknown size, allowed only for Segment and Cluster`, h.offset);
    const end = h.dataOffset + h.size;
    if (end > limit && limit <= this.src.size) throw malformed(`${idName(h.id)} runs past its parent`, h.offset);
    if (end > this.src.size) throw truncated(idName(h.id), h.offset, h.headerSize + h.size);
    return end;
  }
}

/** Read a small element's data whole (EBML header children, bounded by the caller). */
async function readData(src: ByteSource, h: ElementHeader, limit: number): Promise<Uint8Array> {
  if (h.size === null || h.size > limit) throw oversize(idName(h.id), h.size ?? Number.POSITIVE_INFINITY, limit);
  if (h.dataOffset + h.size > src.size) throw truncated(idName(h.id), h.offset, h.headerSize + h.size);
  return src.read(h.dataOffset, h.size);
}

/** Parse the EBML header (RFC 8794 §11.2) and check it describes a Matroska or WebM document this walker can read. */
async function readEbmlHeader(r: HeaderReader, pos: number): Promise<{ docType: string; end: number }> {
  const h = await r.header(pos, Number.POSITIVE_INFINITY);
  if (h.id !== ID.EBML) throw malformed('not an EBML header', pos);
  const data = await readData(r.src, h, MAX_EBML_HEADER);
  let docType = 'matroska'; // RFC 8794 §11.2.6 default
  for (let p = 0; p < data.length; ) {
    const c = parseHeader(data, p, data.length, h.dataOffset);
    if (!c || c.size === null || p + c.headerSize + c.size > data.length)
      throw malformed('the EBML header is inconsistent', h.offset);
    const body = data.subarray(p + c.headerSize, p + c.headerSize + c.size);
    if (c.id === ID.DocType) docType = String.fromCharCode(...body).replace(/\0+$/, '');
    else if (c.id === ID.EBMLReadVersion && readUint(body, c.offset) > 1) {
      throw new HeguiError('format_unsupported', 'the file needs a newer EBML reader (EBMLReadVersion above 1)');
    } else if (c.id === ID.EBMLMaxIDLength && readUint(body, c.offset) > 4) {
      throw new HeguiError('format_unsupported', 'EBML IDs longer than 4 bytes are not Matroska');
    } else if (c.id === ID.EBMLMaxSizeLength && readUint(body, c.offset) > 8) {
      throw new HeguiError('format_unsupported', 'EBML sizes longer than 8 bytes are not supported');
    }
    p += c.headerSize + c.size;
  }
  if (!MATROSKA_DOCTYPES.has(docType))
    throw new HeguiError('format_unsupported', 'the EBML DocType is neither matroska nor webm');
  return { docType, end: h.dataOffset + h.size! };
}

/** DocType from the first bytes of a file, or undefined when they are not a complete Matroska/WebM EBML header. */
export function sniffDocType(head: Uint8Array): string | undefined {
  try {
    const h = parseHeader(head, 0, head.length, 0);
    if (h?.id !== ID.EBML || h.size === null || h.dataOffset + h.size > head.length) return undefined;
    for (let p = h.dataOffset; p < h.dataOffset + h.size; ) {
      const c = parseHeader(head, p, h.dataOffset + h.size, 0);
      if (!c || c.size === null) return undefined;
      if (c.id === ID.DocType) {
        const t = String.fromCharCode(
          ...head.subarray(c.dataOffset, Math.min(c.dataOffset + c.size, head.length)),
        ).replace(/\0+$/, '');
        return MATROSKA_DOCTYPES.has(t) ? t : undefined;
      }
      p = c.dataOffset + c.size;
    }
    return 'matroska';
  } catch {
    return undefined;
  }
}

/**
 * Find the end of a Cluster by walking its children's headers (block data is never read). An unknown-size Cluster
 * ends at the first element that cannot be its child: a level-1 element, a new Segment or EBML header (RFC 8794 §6.2).
 */
async function scanCluster(r: HeaderReader, c: ElementHeader, segEnd: number, walk: MatroskaWalk): Promise<number> {
  const limit = c.size === null ? segEnd : c.dataOffset + c.size;
  let p = c.dataOffset;
  while (p < Math.min(limit, r.src.size)) {
    const h = r.cached(p, limit) ?? (await r.header(p, limit));
    if (c.size === null) {
      if (SEGMENT_CHILDREN.has(h.id) || h.id === ID.EBML || h.id === ID.Segment) break;
      if (!CLUSTER_CHILDREN.has(h.id))
        throw malformed(`an unknown-size Cluster holds an unexpected ${idName(h.id)}`, p);
    }
    if (h.id === ID.Position) walk.clusterPosition = true;
    p = r.end(h, limit);
  }
  if (c.size !== null && p < limit) throw truncated('Cluster', c.offset, c.headerSize + c.size);
  return p;
}

async function walkSegment(
  r: HeaderReader,
  h: ElementHeader,
  walk: MatroskaWalk,
  scanClusters: boolean,
  doc: EbmlDoc,
): Promise<void> {
  const limit = h.size === null ? Number.POSITIVE_INFINITY : h.dataOffset + h.size;
  const seg: SegmentWalk = { header: h, end: limit, children: [] };
  doc.segment = seg;
  let p = h.dataOffset;
  while (p < Math.min(limit, r.src.size)) {
    if (seg.children.length >= MAX_LEVEL1)
      throw new HeguiError('oversize', 'the Segment has too many level-1 elements', { limit: MAX_LEVEL1 });
    const c = r.cached(p, limit) ?? (await r.header(p, limit));
    if (c.id === ID.EBML || c.id === ID.Segment) {
      if (h.size !== null) throw malformed('an EBML header inside a Segment', p);
      break; // an unknown-size Segment ends where the next EBML document starts
    }
    let end: number;
    if (c.id === ID.Cluster && (c.size === null || scanClusters)) {
      end = await scanCluster(r, c, limit, walk);
    } else {
      end = r.end(c, limit);
    }
    seg.children.push(Object.assign(c, { end }));
    p = end;
  }
  if (h.size === null) seg.end = p;
  else if (limit > r.src.size) throw truncated('the Segment', h.offset, h.headerSize + h.size);
}

const notEbml = (e: unknown): undefined => {
  if (e instanceof HeguiError) return undefined;
  throw e;
};

/**
 * Walk a Matroska/WebM file down to level 1 (RFC 9559 §5.1): EBML header, Segment, and the Segment's children, with
 * unknown-size Segments and Clusters resolved. Media data is never read. Strict mode throws on the first problem;
 * lenient mode returns what it found and the error. `scanClusters` also walks known-size Clusters' children headers
 * (to learn whether any Cluster records its own position).
 */
export async function walkMatroska(src: ByteSource, strict: boolean, scanClusters = false): Promise<MatroskaWalk> {
  const r = new HeaderReader(src);
  const walk: MatroskaWalk = { docs: [], trailingOffset: src.size, clusterPosition: false };
  const first = await readEbmlHeader(r, 0); // a file that does not start with a Matroska header is not walked at all
  let doc: EbmlDoc = { docType: first.docType, headerEnd: first.end };
  walk.docs.push(doc);
  let p = first.end;
  try {
    while (p < src.size) {
      const h = doc.segment
        ? await r.header(p, Number.POSITIVE_INFINITY).catch(notEbml)
        : await r.header(p, Number.POSITIVE_INFINITY);
      if (!h) {
        walk.trailingOffset = p; // bytes after a known-size Segment that are not EBML: opaque trailing data
        break;
      }
      if (h.id === ID.Segment) {
        if (doc.segment)
          throw new HeguiError('format_unsupported', 'two Segments under one EBML header', { offset: p });
        await walkSegment(r, h, walk, scanClusters, doc);
        p = doc.segment!.end;
      } else if (h.id === ID.EBML) {
        if (walk.docs.length >= MAX_DOCS)
          throw new HeguiError('oversize', 'too many chained Matroska documents', { limit: MAX_DOCS });
        const next = await readEbmlHeader(r, p);
        doc = { docType: next.docType, headerEnd: next.end };
        walk.docs.push(doc);
        p = next.end;
      } else if (h.id === ID.Void) {
        p = r.end(h, Number.POSITIVE_INFINITY);
      } else if (doc.segment) {
        walk.trailingOffset = p; // bytes after a known-size Segment that are not EBML: opaque trailing data
        break;
      } else {
        throw malformed(`a ${idName(h.id)} where the Segment should start`, p);
      }
    }
    if (!walk.docs.every((d) => d.segment)) throw truncated('the Matroska file (no Segment)', p);
  } catch (e) {
    if (strict || !(e instanceof HeguiError)) throw e;
    walk.error = e;
  }
  return walk;
}

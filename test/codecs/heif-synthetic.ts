/**
 * Hand-built HEIF files for the hostile and layout tests: every box is written here from ISO/IEC 14496-12 and
 * 23008-12, independently of the codec, so a test can set each field (versions, field sizes, counts) at will.
 */

export const enc = new TextEncoder();

export function cat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

export function uint(v: number | bigint, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = BigInt(v);
  for (let i = n - 1; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

export function box(type: string, ...payload: Uint8Array[]): Uint8Array {
  const body = cat(...payload);
  return cat(uint(body.length + 8, 4), enc.encode(type), body);
}

export const fullBox = (type: string, version: number, flags: number, ...payload: Uint8Array[]): Uint8Array =>
  box(type, uint(version, 1), uint(flags, 3), ...payload);

export const ftyp = (brands: string[]): Uint8Array =>
  box('ftyp', enc.encode(brands[0]!), uint(0, 4), ...brands.slice(1).map((b) => enc.encode(b)));

export interface SynthItem {
  id: number;
  type: string;
  contentType?: string;
  contentEncoding?: string;
  protection?: number;
  infeVersion?: number;
  /** A raw infe payload after version/flags, for malformed entries. */
  infeRaw?: Uint8Array;
  /** 0: in mdat by file offset, 1: in idat. */
  method?: number;
  dataRef?: number;
  data: Uint8Array;
  /** Point the extent at another item's data (to share bytes). */
  sameDataAs?: number;
  /** Raw extent field values (hostile offsets and lengths). */
  extentOffset?: bigint;
  extentLength?: bigint;
}

export interface SynthOptions {
  brands?: string[];
  items: SynthItem[];
  primary: number;
  refs?: { type: string; from: number; to: number[] }[];
  iloc?: { version?: number; offsetSize?: number; lengthSize?: number; baseOffsetSize?: number };
  /** Raw iloc payload after version/flags, replacing the generated one. */
  ilocRaw?: { version: number; payload: Uint8Array };
  iinfVersion?: number;
  irefVersion?: number;
  handler?: string;
  metaExtra?: Uint8Array[];
  /** Boxes after mdat, given the file offset of each method-0 item's data. */
  tail?: (offsets: Map<number, number>) => Uint8Array[];
}

export const XMP_CT = 'application/rdf+xml';

function infe(it: SynthItem): Uint8Array {
  if (it.infeRaw) return fullBox('infe', it.infeVersion ?? 2, 0, it.infeRaw);
  const v = it.infeVersion ?? (it.id > 0xffff ? 3 : 2);
  const strings = it.type === 'mime' ? `\0${it.contentType ?? ''}\0${it.contentEncoding ?? ''}\0` : '\0';
  return fullBox(
    'infe',
    v,
    1,
    uint(it.id, v === 3 ? 4 : 2),
    uint(it.protection ?? 0, 2),
    enc.encode(it.type),
    enc.encode(strings),
  );
}

function iloc(o: SynthOptions, offsets: Map<number, number>): Uint8Array {
  if (o.ilocRaw) return fullBox('iloc', o.ilocRaw.version, 0, o.ilocRaw.payload);
  const v = o.iloc?.version ?? 1;
  const os = o.iloc?.offsetSize ?? 4;
  const ls = o.iloc?.lengthSize ?? 4;
  const bs = o.iloc?.baseOffsetSize ?? 0;
  const idSize = v === 2 ? 4 : 2;
  const parts = [uint((os << 4) | ls, 1), uint(bs << 4, 1), uint(o.items.length, idSize)];
  for (const it of o.items) {
    const src = o.items.find((x) => x.id === (it.sameDataAs ?? it.id))!;
    const at = offsets.get(src.id) ?? 0;
    parts.push(uint(it.id, idSize));
    if (v >= 1) parts.push(uint(it.method ?? 0, 2));
    parts.push(uint(it.dataRef ?? 0, 2));
    // With a base offset field the whole offset goes there (as libheif writes it), else into the extent.
    const offset = it.extentOffset ?? (bs ? 0 : at);
    parts.push(uint(bs ? at : 0, bs), uint(1, 2), uint(offset, os), uint(it.extentLength ?? src.data.length, ls));
  }
  return fullBox('iloc', v, 0, ...parts);
}

/** ftyp, meta (hdlr, pitm, iloc, iinf, iref, idat), mdat holding the method-0 items, then any tail boxes. */
export function synthHeif(o: SynthOptions): Uint8Array {
  const head = ftyp(o.brands ?? ['avif', 'mif1', 'avif', 'miaf']);
  const idatItems = o.items.filter((i) => i.method === 1 && !i.sameDataAs);
  const fileItems = o.items.filter((i) => (i.method ?? 0) === 0 && !i.sameDataAs);
  const build = (mdatPayload: number): { meta: Uint8Array; offsets: Map<number, number> } => {
    const offsets = new Map<number, number>();
    let p = mdatPayload;
    for (const it of fileItems) {
      offsets.set(it.id, p);
      p += it.data.length;
    }
    let q = 0;
    for (const it of idatItems) {
      offsets.set(it.id, q);
      q += it.data.length;
    }
    const children = [
      fullBox('hdlr', 0, 0, uint(0, 4), enc.encode(o.handler ?? 'pict'), new Uint8Array(13)),
      fullBox('pitm', 0, 0, uint(o.primary, 2)),
      iloc(o, offsets),
      fullBox(
        'iinf',
        o.iinfVersion ?? 0,
        0,
        uint(o.items.length, (o.iinfVersion ?? 0) === 0 ? 2 : 4),
        ...o.items.map(infe),
      ),
    ];
    if (o.refs?.length) {
      const w = (o.irefVersion ?? 0) === 0 ? 2 : 4;
      const refs = o.refs.map((r) =>
        box(r.type, uint(r.from, w), uint(r.to.length, 2), ...r.to.map((t) => uint(t, w))),
      );
      children.push(fullBox('iref', o.irefVersion ?? 0, 0, ...refs));
    }
    children.push(...(o.metaExtra ?? []));
    if (idatItems.length) children.push(box('idat', ...idatItems.map((i) => i.data)));
    return { meta: fullBox('meta', 0, 0, ...children), offsets };
  };
  const size = build(0).meta.length;
  const { meta, offsets } = build(head.length + size + 8);
  const mdat = box('mdat', ...fileItems.map((i) => i.data));
  return cat(head, meta, mdat, ...(o.tail?.(offsets) ?? []));
}

export const xmpPacket = (inner: string): string =>
  '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
  `<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:TC260="http://www.tc260.org.cn/ns/AIGC/1.0/">${inner}` +
  '</rdf:Description></rdf:RDF></x:xmpmeta>';

export const labelElement = (json: string): string =>
  `<TC260:AIGC>${json.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')}</TC260:AIGC>`;

/** A minimal image: one av01 item with recognisable bytes, and optionally XMP items. */
export const image = (data = 'IMAGE-DATA-0123456789'): SynthItem => ({ id: 1, type: 'av01', data: enc.encode(data) });
export const xmpItem = (id: number, inner: string, extra: Partial<SynthItem> = {}): SynthItem => ({
  id,
  type: 'mime',
  contentType: XMP_CT,
  data: enc.encode(xmpPacket(inner)),
  ...extra,
});

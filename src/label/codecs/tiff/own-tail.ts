import type { ByteSource } from '../../io/source.ts';
import { type Ifd, type IfdEntry, type TiffHeader, TiffOrder } from './ifd.ts';
import { padTo } from './rewrite.ts';

/** Tags whose values are file offsets (TIFF 6.0 §8, TIFF/EP, EXIF 2.3 §4.6.3, Adobe SubIFDs). */
const POINTER_TAGS: ReadonlySet<number> = new Set([273, 288, 324, 330, 513, 34665, 34853, 40965]);
/** Pointer arrays longer than this are not inspected; such a file simply gets a fresh append. */
const MAX_POINTER_BYTES = 1024 * 1024;

/**
 * Where the previous label's append starts, when the file ends with exactly what the writer appends: the IFD0 XMP
 * packet, zero padding to the offset alignment, then IFD0 itself, with nothing else in the file pointing into that
 * tail. Relabelling then replaces the tail instead of appending another copy of IFD0, so the file does not grow with
 * every relabelling and writing B over a file labelled A gives the same bytes as writing B over the unlabelled file
 * (the content binding relies on this). Returns `src.size` when the tail is not recognised.
 */
export async function previousAppendStart(
  src: ByteSource,
  header: TiffHeader,
  ifds: Ifd[],
  xmpTag: number,
  xmpType: number,
): Promise<number> {
  const ifd0 = ifds[0]!;
  const none = src.size;
  if (ifd0.offset + ifd0.byteLength !== src.size) return none;
  const xmp = ifd0.entries.filter((e) => e.tag === xmpTag);
  if (xmp.length !== 1 || xmp[0]!.type !== xmpType || xmp[0]!.inline) return none;
  const start = xmp[0]!.valueOffset;
  const align = header.big ? 8 : 4;
  const xmpEnd = start + xmp[0]!.size;
  const pad = padTo(xmpEnd, align).length;
  if (start % align !== 0 || xmpEnd + pad !== ifd0.offset) return none;
  if (pad > 0 && (await src.read(xmpEnd, pad)).some((b) => b !== 0)) return none;
  if (ifds.slice(1).some((d) => d.offset + d.byteLength > start)) return none;
  for (const e of ifd0.entries) {
    if (e === xmp[0]) continue;
    if (!e.inline && e.valueOffset + Math.max(0, e.size) > start) return none;
    if (POINTER_TAGS.has(e.tag) && !(await pointersBelow(src, header, e, start))) return none;
  }
  return start;
}

async function pointersBelow(src: ByteSource, header: TiffHeader, e: IfdEntry, limit: number): Promise<boolean> {
  const unit = e.type === 3 ? 2 : e.type === 4 || e.type === 13 ? 4 : e.type === 16 || e.type === 18 ? 8 : 0;
  if (unit === 0 || e.size > MAX_POINTER_BYTES || e.valueOffset + e.size > src.size) return false;
  const v = await src.read(e.valueOffset, e.size);
  const order = new TiffOrder(header.little);
  for (let i = 0; i < e.count; i++) {
    const p = unit === 2 ? order.u16(v, i * 2) : unit === 4 ? order.u32(v, i * 4) : order.u64(v, i * 8);
    if (p >= limit) return false;
  }
  return true;
}

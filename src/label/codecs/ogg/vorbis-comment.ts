import { HeguiError, malformed } from '../../../errors.ts';
import { put32le, u32le, utf8 } from '../../io/bytes.ts';

/** The comment field naming the label (TC260-PG-202510A); Vorbis field names are case-insensitive. */
export const AIGC_FIELD = 'AIGC';
/** No real comment list has this many entries; the bound keeps a hostile count from allocating without end. */
export const MAX_COMMENTS = 100_000;

/**
 * A Vorbis comment list (Vorbis I §5, shared by FLAC's VORBIS_COMMENT block and Opus's OpusTags): vendor string and
 * entries, each kept as its raw bytes so that rewriting changes nothing but the label.
 */
export interface VorbisComments {
  vendor: Uint8Array;
  entries: Uint8Array[];
  /** Offset just after the list in the buffer it was parsed from (a framing bit or Opus extra data may follow). */
  end: number;
}

/** Parse a comment list starting at `start`; every length is checked against the buffer. Throws `malformed`. */
export function parseVorbisComments(b: Uint8Array, start: number): VorbisComments {
  let pos = start;
  const take = (what: string): number => {
    if (pos + 4 > b.length) throw malformed(`the Vorbis comment ${what} runs past the end of its block`);
    const v = u32le(b, pos);
    pos += 4;
    return v;
  };
  const vendorLength = take('vendor length');
  if (vendorLength > b.length - pos) throw malformed('the Vorbis comment vendor string runs past the end of its block');
  const vendor = b.subarray(pos, pos + vendorLength);
  pos += vendorLength;
  const count = take('count');
  // Each entry needs at least its 4-byte length: a count the block cannot hold is inconsistent, not merely large.
  if (count > (b.length - pos) / 4)
    throw malformed(`the Vorbis comment count ${count} is more than its block can hold`);
  if (count > MAX_COMMENTS)
    throw new HeguiError('oversize', `the Vorbis comment list has ${count} entries`, { limit: MAX_COMMENTS });
  const entries: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const n = take('entry length');
    if (n > b.length - pos) throw malformed('a Vorbis comment entry runs past the end of its block');
    entries.push(b.subarray(pos, pos + n));
    pos += n;
  }
  return { vendor, entries, end: pos };
}

export function buildVorbisComments(vendor: Uint8Array, entries: readonly Uint8Array[]): Uint8Array {
  let n = 8 + vendor.length;
  for (const e of entries) n += 4 + e.length;
  const out = new Uint8Array(n);
  put32le(out, 0, vendor.length);
  out.set(vendor, 4);
  let pos = 4 + vendor.length;
  put32le(out, pos, entries.length);
  pos += 4;
  for (const e of entries) {
    put32le(out, pos, e.length);
    out.set(e, pos + 4);
    pos += 4 + e.length;
  }
  return out;
}

/** True for an entry whose field name (the ASCII bytes before `=`) is AIGC in any letter case. */
export function isAigcEntry(entry: Uint8Array): boolean {
  if (entry.length < 5 || entry[4] !== 0x3d) return false;
  for (let i = 0; i < 4; i++) if ((entry[i]! & 0xdf) !== AIGC_FIELD.charCodeAt(i)) return false;
  return true;
}

/** The value of an AIGC entry (UTF-8 after `=`, Vorbis I §5.2.2). */
export const entryValue = (entry: Uint8Array): string => new TextDecoder('utf-8').decode(entry.subarray(5));

export const labelEntry = (json: string): Uint8Array => utf8.encode(`${AIGC_FIELD}=${json}`);

/**
 * The entries with the label: the first AIGC entry is replaced in place, any further ones dropped (GB 45438 6.1 c),
 * or the label appended when there was none. With `json` undefined every AIGC entry is dropped.
 */
export function entriesWithLabel(entries: readonly Uint8Array[], json?: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  let placed = json === undefined;
  for (const e of entries) {
    if (!isAigcEntry(e)) out.push(e);
    else if (!placed) placed = out.push(labelEntry(json!)) > 0;
  }
  if (!placed) out.push(labelEntry(json!));
  return out;
}

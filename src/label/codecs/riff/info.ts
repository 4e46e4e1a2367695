import { oversize } from '../../../errors.ts';
import { type AigcRecord, serializeBare } from '../../aigc/record.ts';
import { concat, utf8, utf8Decode } from '../../io/bytes.ts';
import type { ByteSource } from '../../io/source.ts';
import type { CodecWarning } from '../codec.ts';
import { allChunks, buildChunk, chunkData, type RiffChunk } from './chunks.ts';

/** The chunk id that names the label, as a WAV sub-chunk and as a LIST/INFO entry (TC260-PG-20257A, -202510A). */
export const AIGC_ID = 'AIGC';
/** A label chunk larger than this is not parsed; it is still reported (as a site) and removed on write. */
export const MAX_LABEL_CHUNK = 4 * 1024 * 1024;
/** INFO lists are a few hundred bytes; one that must be rewritten is read whole, so it is bounded. */
export const MAX_INFO_LIST = 16 * 1024 * 1024;

export const isInfoList = (c: RiffChunk): boolean => c.id === 'LIST' && c.listType === 'INFO';

/** Every LIST INFO in the tree, in file order (top level and nested, e.g. inside an AVI `hdrl`). */
export function infoLists(chunks: readonly RiffChunk[]): RiffChunk[] {
  return [...allChunks(chunks)].filter(isInfoList);
}

export const aigcEntries = (list: RiffChunk): RiffChunk[] => (list.children ?? []).filter((c) => c.id === AIGC_ID);

/**
 * The label text of an `AIGC` chunk or INFO entry: UTF-8, with the ZSTR terminator RIFF INFO strings carry (and any
 * NUL padding) removed. An entry too large to be a label is reported as an empty site with a warning.
 */
export async function readLabelChunk(src: ByteSource, c: RiffChunk, warnings: CodecWarning[]): Promise<string> {
  if (c.size > MAX_LABEL_CHUNK) {
    warnings.push({
      code: 'label_chunk_oversize',
      message: `an AIGC chunk of ${c.size} bytes was not parsed`,
      offset: c.offset,
    });
    return '';
  }
  const data = await src.read(chunkData(c), c.size);
  let n = data.length;
  while (n > 0 && data[n - 1] === 0) n--;
  return utf8Decode(data.subarray(0, n));
}

/** A chunk's bytes as stored, with the pad byte added when a writer left it off at the end of a list. */
export async function chunkBytes(src: ByteSource, c: RiffChunk): Promise<Uint8Array> {
  const raw = await src.read(c.offset, 8 + c.size);
  return c.size % 2 === 1 ? concat([raw, new Uint8Array(1)]) : raw;
}

/** The INFO entries other than `AIGC`, byte for byte (so other tags are kept exactly as they were). */
export async function infoEntriesWithoutAigc(src: ByteSource, list: RiffChunk): Promise<Uint8Array[]> {
  if (list.size > MAX_INFO_LIST) throw oversize('a LIST INFO chunk holding a label', list.size, MAX_INFO_LIST);
  const kept: Uint8Array[] = [];
  for (const c of list.children ?? []) if (c.id !== AIGC_ID) kept.push(await chunkBytes(src, c));
  return kept;
}

/** The bare JSON of the label as a RIFF INFO string (ZSTR: NUL-terminated, then padded to an even length). */
export function infoAigcEntry(label: AigcRecord): Uint8Array {
  return buildChunk(AIGC_ID, concat([utf8.encode(serializeBare(label)), new Uint8Array(1)]));
}

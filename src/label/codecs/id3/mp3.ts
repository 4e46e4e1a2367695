import { isHeguiError, malformed } from '../../../errors.ts';
import { type AigcRecord, PLACEHOLDER_LABEL, serializeBare } from '../../aigc/record.ts';
import { startsWith } from '../../io/bytes.ts';
import type { ByteSink } from '../../io/sink.ts';
import type { ByteSource } from '../../io/source.ts';
import type { Codec, CodecReadResult, CodecWarning } from '../codec.ts';
import { type Id3Tag, loadTag } from './frames.ts';
import { isId3Magic, leadingId3Tags, skipId3Tags } from './header.ts';
import { readLeadingTags } from './labels.ts';
import { mpegAudioAt } from './mpeg.ts';
import { newTagWithLabel, writeLeadingTags } from './tag-writer.ts';

const FLAC_MAGIC = [0x66, 0x4c, 0x61, 0x43] as const; // "fLaC"

async function writeMp3(src: ByteSource, out: ByteSink, label: AigcRecord, noPadding: boolean): Promise<void> {
  const headers = await leadingId3Tags(src);
  const tags: Id3Tag[] = [];
  for (const h of headers) tags.push(await loadTag(src, h, true));
  const audio = headers.at(-1)?.end ?? 0;
  if (!(await mpegAudioAt(src, audio, tags.length > 0)))
    throw malformed('no MPEG audio frame follows the ID3v2 tag', audio);
  const json = serializeBare(label);
  if (tags.length === 0) await out.write(newTagWithLabel(json));
  else await writeLeadingTags(src, out, tags, json, noPadding);
  await out.copyFrom(src, audio, src.size - audio);
}

/**
 * MP3 (MPEG audio, usually layer III) with ID3v2 tags. The label is an ID3v2 TXXX frame with description `AIGC`
 * holding the bare JSON (TC260-PG-202510A): UTF-8 in ID3v2.4, UTF-16 with BOM in ID3v2.3 (which has no UTF-8).
 * A file without a tag gets a new ID3v2.4 tag in front. An ID3v1 tag or APE tag at the end is audio-side data here
 * and is copied unchanged.
 */
export const mp3Codec: Codec = {
  id: 'mp3',
  name: 'MP3',
  kind: 'audio',
  mimeTypes: ['audio/mpeg', 'audio/mp3'],
  extensions: ['mp3', 'mp2', 'mpga'],

  async sniff(src) {
    if (!isId3Magic(src.head)) return mpegAudioAt(src, 0, false);
    let end: number;
    try {
      end = await skipId3Tags(src);
    } catch (e) {
      // A damaged ID3v2 tag: MP3 is by far its most common host, so claim it and let read name the damage.
      return isHeguiError(e);
    }
    // FLAC (and others) behind an ID3v2 tag belong to their own codec.
    if (end + 4 <= src.size && startsWith(await src.read(end, 4), FLAC_MAGIC)) return false;
    return mpegAudioAt(src, end, true);
  },

  async read(src): Promise<CodecReadResult> {
    const warnings: CodecWarning[] = [];
    const { sites } = await readLeadingTags(src, 'mp3', warnings);
    return { sites, warnings };
  },

  write: (src: ByteSource, out: ByteSink, label: AigcRecord): Promise<void> => writeMp3(src, out, label, false),

  /** The placeholder label in a tag without padding: the reused padding of an earlier, larger label does not count. */
  canonical: (src: ByteSource, out: ByteSink): Promise<void> => writeMp3(src, out, PLACEHOLDER_LABEL, true),

  async describe(src) {
    const headers = await leadingId3Tags(src);
    if (headers.length === 0) return 'MP3 (no ID3v2 tag)';
    return `MP3 (${headers.map((h) => `ID3v2.${h.major}`).join(' + ')})`;
  },
};

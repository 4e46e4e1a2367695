import type { ByteSource } from '../../io/source.ts';
import type { CodecWarning, LabelSite } from '../codec.ts';
import { fileOffset, frameContent, type Id3Frame, type Id3Tag, loadTag } from './frames.ts';
import { type Id3Header, leadingId3Tags } from './header.ts';
import { decodeUserText, isAigcDescription } from './txxx.ts';

/** A TXXX frame larger than this is not parsed as a label carrier (a label is far smaller); its start still is. */
const MAX_TEXT_FRAME = 1024 * 1024;

export interface AigcFrame {
  frame: Id3Frame;
  /** The label text; empty when the frame was too large to take whole. */
  text: string;
}

const isUserTextId = (tag: Id3Tag, id: string): boolean => id === (tag.header.major === 2 ? 'TXX' : 'TXXX');

/** Every user-text frame of the tag whose description is AIGC (any text encoding), in tag order. */
export async function aigcFrames(tag: Id3Tag, warnings: CodecWarning[] = []): Promise<AigcFrame[]> {
  const out: AigcFrame[] = [];
  for (const frame of tag.frames) {
    if (!isUserTextId(tag, frame.id)) continue;
    const at = fileOffset(tag, frame.offset);
    const content = await frameContent(tag, frame, MAX_TEXT_FRAME);
    if ('undecodable' in content) {
      warnings.push({
        code: 'id3_frame_undecodable',
        message: `a ${frame.id} frame is ${content.undecodable}`,
        offset: at,
      });
      continue;
    }
    const text = decodeUserText(content.data);
    if (!text) {
      warnings.push({
        code: 'id3_text_encoding',
        message: `a ${frame.id} frame has an unknown text encoding`,
        offset: at,
      });
      continue;
    }
    if (!isAigcDescription(text.description)) continue;
    if (!content.complete) {
      warnings.push({
        code: 'oversize',
        message: `an AIGC ${frame.id} frame is over ${MAX_TEXT_FRAME} bytes`,
        offset: at,
      });
    }
    out.push({ frame, text: content.complete ? text.value : '' });
  }
  return out;
}

/** Placement names: ID3v2.3/2.4 TXXX is the guide's; a v2.2 TXX is the same idea in a tag version no longer written. */
export const placementOf = (codec: string, tag: Id3Tag): { placement: string; normative: boolean } =>
  tag.header.major === 2
    ? { placement: `${codec}.id3v22-txx`, normative: false }
    : { placement: `${codec}.id3-txxx`, normative: true };

export interface LeadingTagsReading {
  tags: Id3Tag[];
  sites: LabelSite[];
}

/** Read the label sites of every leading ID3v2 tag, leniently (problems become warnings). */
export async function readLeadingTags(
  src: ByteSource,
  codec: string,
  warnings: CodecWarning[],
  normative = true,
): Promise<LeadingTagsReading> {
  const headers: Id3Header[] = await leadingId3Tags(src);
  const tags: Id3Tag[] = [];
  const sites: LabelSite[] = [];
  for (const h of headers) {
    const tag = await loadTag(src, h, false);
    tags.push(tag);
    if (tag.unsupported)
      warnings.push({ code: 'format_unsupported', message: `the ${tag.unsupported}`, offset: h.offset });
    if (tag.error) warnings.push({ code: tag.error.code, message: tag.error.message, offset: h.offset });
    if (tag.plainSizes) {
      warnings.push({
        code: 'id3_plain_sizes',
        message: 'ID3v2.4 tag with non-syncsafe frame sizes',
        offset: h.offset,
      });
    }
    const where = placementOf(codec, tag);
    for (const a of await aigcFrames(tag, warnings)) {
      sites.push({
        ...where,
        normative: where.normative && normative,
        text: a.text,
        offset: fileOffset(tag, a.frame.offset),
      });
    }
  }
  return { tags, sites };
}

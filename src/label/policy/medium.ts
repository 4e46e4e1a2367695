import { open } from 'node:fs/promises';
import { HeguiError } from '../../errors.ts';
import { codecById } from '../codecs/registry.ts';
import { looksLikeAudio } from '../explicit/audio/sniff.ts';
import { sniffMedia } from '../explicit/media.ts';
import { ioError } from '../io/source.ts';
import { detectFormat, type FormatInfo } from '../label-file.ts';

/**
 * The medium of a file, by its bytes: which explicit-label renderer it needs. `text` is plain text, Markdown and HTML
 * (an explicit text label; a metadata label only where the codec has a container: Markdown with front matter or named
 * `.md`/`.markdown`, which gets one, HTML documents); `document` is everything else the codecs know (PDF, Office, SVG),
 * which gets the metadata label but has no explicit renderer in this version.
 */
export type PolicyMedium = 'image' | 'video' | 'audio' | 'text' | 'document';
export const POLICY_MEDIA: readonly PolicyMedium[] = ['image', 'video', 'audio', 'text', 'document'];

export interface MediumOf {
  medium: PolicyMedium;
  /** The metadata codec's view of the file, or null when no codec recognises it (plain text is recognised). */
  format: FormatInfo | null;
  /** Whether a metadata label can be written into it (a codec with a container). */
  metadata: boolean;
}

const TEXT_CODECS = new Set(['text', 'markdown', 'html']);

async function head(path: string): Promise<Uint8Array> {
  const fh = await open(path, 'r').catch((e: unknown) => {
    throw ioError(e, 'open');
  });
  try {
    const b = new Uint8Array(64);
    const { bytesRead } = await fh.read(b, 0, 64, 0);
    return b.subarray(0, bytesRead);
  } catch (e) {
    throw ioError(e, 'read');
  } finally {
    await fh.close();
  }
}

/** Audio first (an M4A is an `ftyp` file too), then image or video by magic bytes, then the codecs' formats. */
export async function mediumOf(path: string): Promise<MediumOf> {
  const h = await head(path);
  const format = await detectFormat(path, path);
  const codec = format ? codecById(format.codec) : undefined;
  const metadata = !!codec?.write && !codec.noContainer;
  const media = looksLikeAudio(h) ? 'audio' : sniffMedia(h);
  if (media) return { medium: media, format, metadata };
  if (!format) throw new HeguiError('format_unknown', 'the file is not in a format Hegui recognises (by its bytes)');
  if (TEXT_CODECS.has(format.codec)) return { medium: 'text', format, metadata };
  if (format.kind === 'audio' || format.kind === 'video' || format.kind === 'image')
    return { medium: format.kind, format, metadata };
  return { medium: 'document', format, metadata };
}

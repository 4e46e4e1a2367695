import { extname } from 'node:path';
import { HeguiError } from '../../errors.ts';
import type { ByteSource } from '../io/source.ts';
import type { Codec } from './codec.ts';

/**
 * The one list of codecs; every lookup derives from it. Order matters: a more specific signature comes before a
 * more general one (FLAC with an ID3 prefix before MP3).
 */
const codecs: Codec[] = [];

export function registerCodec(codec: Codec): void {
  if (codecs.some((c) => c.id === codec.id)) throw new HeguiError('usage', `codec ${codec.id} is registered twice`);
  codecs.push(codec);
}

export function allCodecs(): readonly Codec[] {
  return codecs;
}

export function codecById(id: string): Codec | undefined {
  return codecs.find((c) => c.id === id);
}

/**
 * The codec whose magic bytes match, or undefined. A file name, when the caller passes one (the write paths do), is
 * consulted only when the bytes say the file has no metadata container: a codec that adopts plain text under that
 * extension then takes it (a Markdown file without front matter gets one written). Magic bytes are never overridden.
 */
export async function sniffCodec(src: ByteSource, name?: string): Promise<Codec | undefined> {
  for (const c of codecs) {
    let match = false;
    try {
      match = await c.sniff(src);
    } catch {
      // A sniffer that cannot make sense of the bytes simply does not match.
    }
    if (match) return byName(c, name);
  }
  return undefined;
}

/** The codec that writes a file its bytes call `codec`: for text without a container, the one its name adopts. */
export function byName(codec: Codec, name: string | undefined): Codec {
  return (name !== undefined && codec.noContainer ? adopterOf(name) : undefined) ?? codec;
}

/** The codec that adopts plain text under this file name's extension, if any. */
function adopterOf(name: string): Codec | undefined {
  const ext = extname(name).slice(1).toLowerCase();
  if (!ext) return undefined;
  return codecs.find((c) => c.adoptsPlainText?.includes(ext));
}

export function knownExtensions(): Set<string> {
  return new Set(codecs.flatMap((c) => c.extensions.map((e) => e.toLowerCase())));
}

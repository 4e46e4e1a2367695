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

/** The codec whose magic bytes match, or undefined. The file name is never consulted. */
export async function sniffCodec(src: ByteSource): Promise<Codec | undefined> {
  for (const c of codecs) {
    try {
      if (await c.sniff(src)) return c;
    } catch {
      // A sniffer that cannot make sense of the bytes simply does not match.
    }
  }
  return undefined;
}

export function knownExtensions(): Set<string> {
  return new Set(codecs.flatMap((c) => c.extensions.map((e) => e.toLowerCase())));
}

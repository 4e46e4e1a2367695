import { HeguiError } from '../../errors.ts';
import { PLACEHOLDER_LABEL } from '../aigc/record.ts';
import { sniffCodec } from '../codecs/registry.ts';
import { HashSink } from '../io/hash-sink.ts';
import type { ByteSource } from '../io/source.ts';

export type DigestAlgorithm = 'sm3' | 'sha256';

/**
 * The content binding of a file (docs/signature-scheme.md): the digest of the bytes the file's codec writes when it
 * is given the placeholder label, or the codec's own canonical form where its writer reuses room left by an earlier
 * label. Codecs replace the label instead of appending one, so the labelled file, the file before labelling and every
 * later relabelling have the same canonical form, while any change to the media changes it.
 */
export async function contentDigest(src: ByteSource, algorithm: DigestAlgorithm, name?: string): Promise<Uint8Array> {
  // The name matters only for a text its extension adopts (a `.md` file without front matter, before labelling): its
  // canonical form is then the front matter block the codec would add, with the placeholder label, and the body.
  const codec = await sniffCodec(src, name);
  if (!codec) throw new HeguiError('format_unknown', 'the file is not in a format Hegui recognises');
  if (!codec.write) {
    throw new HeguiError('format_unsupported', `${codec.name} files cannot be written, so they cannot be bound`);
  }
  const sink = new HashSink(algorithm);
  if (codec.canonical) await codec.canonical(src, sink);
  else await codec.write(src, sink, { ...PLACEHOLDER_LABEL });
  return sink.digest();
}

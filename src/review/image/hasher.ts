/**
 * Hash an image file or its bytes: PDQ hash, quality and, on request, the eight dihedral hashes.
 */
import { type DecodeOptions, decodeLuma } from './decode.ts';
import type { Dihedral } from './dihedral.ts';
import type { Hash256 } from './hash256.ts';
import { dihedralHashes, pdqFromLuma } from './pdq.ts';

export interface ImageHash {
  hash: Hash256;
  quality: number;
  width: number;
  height: number;
  /** The image was resized before hashing to bound memory (see DecodeOptions.maxPixels). */
  resized: boolean;
  /** Present when asked for: hashes of the rotated and flipped image, `original` equal to `hash`. */
  dihedral?: Record<Dihedral, Hash256>;
}

export async function hashImage(
  input: Uint8Array | string,
  o: DecodeOptions & { dihedral?: boolean } = {},
): Promise<ImageHash> {
  const d = await decodeLuma(input, o);
  const r = pdqFromLuma(d.luma, d.rows, d.cols);
  const out: ImageHash = { hash: r.hash, quality: r.quality, width: d.width, height: d.height, resized: d.resized };
  if (o.dihedral) out.dihedral = dihedralHashes(r.dct);
  return out;
}

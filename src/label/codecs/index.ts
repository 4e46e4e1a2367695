import { heifCodec } from './heif/heif.ts';
import { pngCodec } from './png/png.ts';
import { registerCodec } from './registry.ts';

/**
 * Every codec, in sniffing order (more specific signatures first). Adding a format: write the codec, add it here,
 * add its fixtures to test/conformance/fixtures, and its row to README.md beside this file.
 */
// HEIF/AVIF before any MP4 codec: both start with ftyp, HEIF is recognised by its image brands.
for (const codec of [pngCodec, heifCodec]) registerCodec(codec);

export { allCodecs, codecById, sniffCodec } from './registry.ts';

import { mp4Codec } from './bmff/mp4.ts';
import { pngCodec } from './png/png.ts';
import { registerCodec } from './registry.ts';

/**
 * Every codec, in sniffing order (more specific signatures first). Adding a format: write the codec, add it here,
 * add its fixtures to test/conformance/fixtures, and its row to README.md beside this file.
 */
for (const codec of [pngCodec, mp4Codec]) registerCodec(codec);

export { allCodecs, codecById, sniffCodec } from './registry.ts';

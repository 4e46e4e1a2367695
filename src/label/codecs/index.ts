import { flacCodec } from './flac/flac.ts';
import { mp3Codec } from './id3/mp3.ts';
import { oggCodec } from './ogg/ogg.ts';
import { pngCodec } from './png/png.ts';
import { registerCodec } from './registry.ts';

/**
 * Every codec, in sniffing order (more specific signatures first). Adding a format: write the codec, add it here,
 * add its fixtures to test/conformance/fixtures, and its row to README.md beside this file.
 */
for (const codec of [pngCodec, flacCodec, oggCodec, mp3Codec]) registerCodec(codec);

export { allCodecs, codecById, sniffCodec } from './registry.ts';

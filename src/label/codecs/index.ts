import { gifCodec } from './gif/gif.ts';
import { pngCodec } from './png/png.ts';
import { registerCodec } from './registry.ts';
import { aviCodec } from './riff/avi.ts';
import { wavCodec } from './riff/wav.ts';
import { webpCodec } from './riff/webp.ts';

/**
 * Every codec, in sniffing order (more specific signatures first). Adding a format: write the codec, add it here,
 * add its fixtures to test/conformance/fixtures, and its row to README.md beside this file.
 */
for (const codec of [pngCodec, webpCodec, wavCodec, aviCodec, gifCodec]) registerCodec(codec);

export { allCodecs, codecById, sniffCodec } from './registry.ts';

import type { Codec } from './codec.ts';
import { heifCodec } from './heif/heif.ts';
import { htmlCodec } from './html/html.ts';
import { jpegCodec } from './jpeg/jpeg.ts';
import { markdownCodec } from './markdown/markdown.ts';
import { ooxmlCodec } from './ooxml/ooxml.ts';
import { pdfCodec } from './pdf/pdf.ts';
import { pngCodec } from './png/png.ts';
import { registerCodec } from './registry.ts';
import { svgCodec } from './svg/svg.ts';
import { textCodec } from './text/text.ts';
import { tiffCodec } from './tiff/tiff.ts';

/**
 * Every codec, in sniffing order (more specific signatures first). Adding a format: write the codec, add it here,
 * add its fixtures to test/conformance/fixtures, and its row to README.md beside this file.
 */
const codecs: Codec[] = [
  pngCodec,
  jpegCodec,
  tiffCodec,
  // HEIF/AVIF before any MP4 codec: both start with ftyp, HEIF is recognised by its image brands.
  heifCodec,
  pdfCodec,
  ooxmlCodec,
  // Text-based formats after every binary signature; plain text, which matches any UTF-8 text, always last.
  markdownCodec,
  htmlCodec,
  svgCodec,
  textCodec,
];
for (const codec of codecs) registerCodec(codec);

export { allCodecs, codecById, sniffCodec } from './registry.ts';

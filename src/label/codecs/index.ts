import { mp4Codec } from './bmff/mp4.ts';
import type { Codec } from './codec.ts';
import { matroskaCodec } from './ebml/matroska.ts';
import { flacCodec } from './flac/flac.ts';
import { gifCodec } from './gif/gif.ts';
import { heifCodec } from './heif/heif.ts';
import { htmlCodec } from './html/html.ts';
import { mp3Codec } from './id3/mp3.ts';
import { jpegCodec } from './jpeg/jpeg.ts';
import { markdownCodec } from './markdown/markdown.ts';
import { oggCodec } from './ogg/ogg.ts';
import { ooxmlCodec } from './ooxml/ooxml.ts';
import { pdfCodec } from './pdf/pdf.ts';
import { pngCodec } from './png/png.ts';
import { registerCodec } from './registry.ts';
import { aviCodec } from './riff/avi.ts';
import { wavCodec } from './riff/wav.ts';
import { webpCodec } from './riff/webp.ts';
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
  webpCodec,
  gifCodec,
  // HEIF/AVIF before any MP4 codec: both start with ftyp, HEIF is recognised by its image brands.
  heifCodec,
  mp4Codec,
  wavCodec,
  aviCodec,
  matroskaCodec,
  // FLAC before MP3: a FLAC file may start with an ID3v2 tag.
  flacCodec,
  oggCodec,
  mp3Codec,
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

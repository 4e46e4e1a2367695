/**
 * Child process of render.test.ts: render text with sharp (Pango) in a process of its own, where the only font file
 * added to the system's fonts is the one given (`-` for none: the system's fonts alone, as a missing file would
 * leave them). Prints the coverage mask as JSON: width, height, and the bytes in base64.
 */
import sharp from 'sharp';

const [text, font, fontfile] = process.argv.slice(2) as [string, string, string];
const { data, info } = await sharp({ text: { text, font, dpi: 72, ...(fontfile === '-' ? {} : { fontfile }) } })
  .extractChannel(0)
  .raw()
  .toBuffer({ resolveWithObject: true });
console.log(JSON.stringify({ width: info.width, height: info.height, mask: data.toString('base64') }));

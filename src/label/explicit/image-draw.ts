import sharp, { type Metadata, type Sharp } from 'sharp';
import { blendTileOverRgb } from './blend.ts';
import { choosePlate, type PlateChoice } from './contrast.ts';
import { decodeError, guard } from './decode.ts';
import type { TextMask } from './glyphs.ts';
import type { EncodePlan } from './image-encode.ts';
import { carryJpegMetadata } from './jpeg-carry.ts';
import type { Box } from './layout.ts';
import { backgroundColours, compositeSample, plateContrast } from './sample.ts';
import { composeTile, type LabelTile } from './tile.ts';

/**
 * Two ways to put the tile on a picture, with the same result for the pixels: the general libvips pipeline, and for
 * the common case (an upright 8-bit sRGB JPEG) one decode into memory instead of two, the tile blended into the
 * decoded pixels and the input's metadata segments carried over to the new JPEG.
 */
export interface DrawJob {
  bytes: Uint8Array;
  open: () => Sharp;
  meta: Metadata;
  plan: EncodePlan;
  text: TextMask;
  plate: Box;
  limit: number;
  /** The picture decoded to raw pixels, when that was started early (see {@link decodeRaw}). */
  raw?: Promise<RawPicture>;
  /** A plate chosen without looking at the picture (plate mode `any`): no background sample is taken. */
  fixed?: PlateChoice;
}

export interface RawPicture {
  data: Buffer;
  info: { width: number; height: number; channels: number };
}

/** Device values (no conversion to sRGB): the picture's own colour space, as the ICC profile carried over says. */
export const decodeRaw = (open: () => Sharp): Promise<RawPicture> =>
  open().keepIccProfile().raw().toBuffer({ resolveWithObject: true });

export interface Drawn {
  data: Buffer;
  tile: LabelTile;
  contrast: number;
}

/** `tiff:Orientation` in XMP would turn the already upright picture again in viewers that read it. */
function uprightXmp(xmp: Buffer | undefined): string | null {
  if (!xmp) return null;
  const text = xmp.toString('utf8');
  if (!/tiff:Orientation/.test(text)) return null;
  return text
    .replace(/tiff:Orientation="\d+"/g, 'tiff:Orientation="1"')
    .replace(/<tiff:Orientation>\s*\d+\s*<\/tiff:Orientation>/g, '<tiff:Orientation>1</tiff:Orientation>');
}

export const isPlainJpeg = (m: Metadata): boolean =>
  m.format === 'jpeg' && (m.orientation ?? 1) === 1 && m.channels === 3 && m.space === 'srgb' && m.depth === 'uchar';

/** Rows of a raw picture inside `box`, copied out. */
function cut(data: Buffer, width: number, channels: number, box: Box): Buffer {
  const out = Buffer.alloc(box.width * box.height * channels);
  for (let y = 0; y < box.height; y++) {
    const from = ((box.y + y) * width + box.x) * channels;
    data.copy(out, y * box.width * channels, from, from + box.width * channels);
  }
  return out;
}

/** Write `pixels` (with `pc` channels per pixel) into the raw picture at `box`, keeping the picture's channels. */
function paste(data: Buffer, width: number, channels: number, box: Box, pixels: Buffer, pc: number): void {
  if (pc === channels) {
    const row = box.width * channels;
    for (let y = 0; y < box.height; y++)
      pixels.copy(data, ((box.y + y) * width + box.x) * channels, y * row, (y + 1) * row);
    return;
  }
  for (let y = 0; y < box.height; y++) {
    for (let x = 0; x < box.width; x++) {
      const to = ((box.y + y) * width + box.x + x) * channels;
      const from = (y * box.width + x) * pc;
      for (let c = 0; c < channels; c++) data[to + c] = pixels[from + c]!;
    }
  }
}

export async function drawOnRawJpeg(job: DrawJob): Promise<Drawn> {
  const { plate, limit } = job;
  // A decode started alongside the metadata read that fails is run once more on its own: libvips keeps one error
  // buffer for all threads, and a failure while another operation runs can come back as "Unknown error", its message
  // (which tells a truncated picture from a corrupt one) lost.
  const { data, info } = await guard(job.raw?.catch(() => decodeRaw(job.open)) ?? decodeRaw(job.open), limit);
  if (info.channels !== 3) return drawInPipeline(job);
  const bg = cut(data, info.width, info.channels, plate);
  const choice = choosePlate(backgroundColours(bg, info.channels));
  const tile = composeTile(job.text, choice.polarity, choice.alpha);
  // An upright 8-bit sRGB JPEG decodes to three channels: the JavaScript twin of libvips' blend applies.
  const drawn = blendTileOverRgb(bg, tile);
  paste(data, info.width, info.channels, plate, drawn, 3);
  const raw = { width: info.width, height: info.height, channels: info.channels as 3 };
  const encoding = job.plan
    .apply(sharp(data, { raw }))
    .toBuffer()
    .catch((e: unknown) => {
      throw decodeError(e, limit);
    });
  // Measured while the encoder runs on its own thread: neither needs the other.
  const contrast = plateContrast(drawn, 3, tile);
  return { data: await carryJpegMetadata(job.bytes, await encoding), tile, contrast };
}

export async function drawInPipeline(job: DrawJob): Promise<Drawn> {
  const { meta, plate, limit } = job;
  const cmyk = meta.space === 'cmyk';
  const upright = () => {
    const img = job.open().autoOrient();
    return cmyk ? img.toColourspace('srgb') : img.keepIccProfile();
  };
  // The background under the plate, as 8-bit values in the picture's own colour space (what the plate is blended with);
  // not read when the plate was chosen for any background.
  const bg = job.fixed
    ? null
    : await guard(
        upright()
          .extract({ left: plate.x, top: plate.y, width: plate.width, height: plate.height })
          .raw()
          .toBuffer({ resolveWithObject: true }),
        limit,
      );
  const choice = bg ? choosePlate(backgroundColours(bg.data, bg.info.channels)) : job.fixed!;
  const tile = composeTile(job.text, choice.polarity, choice.alpha);
  let img = upright().composite([
    { input: tile.rgba, raw: { width: tile.width, height: tile.height, channels: 4 }, left: plate.x, top: plate.y },
  ]);
  // Compositing adds an alpha channel; a picture without one keeps having none.
  if (!meta.hasAlpha) img = img.removeAlpha();
  if (meta.depth === 'ushort') {
    // Composite at 16 bits per sample so the rest of the picture keeps its precision.
    const space = (meta.channels ?? 3) <= 2 ? 'grey16' : 'rgb16';
    img = img.pipelineColourspace(space).toColourspace(space);
  } else if ((meta.channels ?? 3) <= 2) {
    // The label is drawn in greys, so a greyscale picture stays greyscale.
    img = img.toColourspace('b-w');
  }
  img = cmyk ? img.keepExif().keepXmp() : img.keepMetadata();
  const xmp = (meta.orientation ?? 1) > 1 ? uprightXmp(meta.xmp) : null;
  if (xmp) img = img.withXmp(xmp);
  // The contrast check composites the tile over the sample while the picture is encoded (both need only the tile); a
  // plate chosen for any background has its floor already (the worst over black and white backdrops).
  const [encoded, contrast] = await Promise.all([
    job.plan
      .apply(img)
      .toBuffer()
      .catch((e: unknown) => {
        throw decodeError(e, limit);
      }),
    bg ? compositeSample(bg.data, bg.info, tile).then((x) => x.contrast) : choice.contrast,
  ]);
  // A JPEG's EXIF may carry a thumbnail of the unlabelled picture: rebuild its header without previews.
  const data = job.plan.format === 'jpeg' ? await carryJpegMetadata(encoded, encoded) : encoded;
  return { data, tile, contrast };
}

import type { Sharp } from 'sharp';
import type { Polarity } from '../contrast.ts';
import { type Box, LABEL_POSITIONS, type LabelPosition } from '../layout.ts';
import { locateLabels } from './detect.ts';
import { type LabelMetrics, measureLabel } from './metrics.ts';
import { type Raster, toRaster } from './raster.ts';

/** A picture to check: its displayed size and a way to decode it upright (an image file, or a video frame). */
export interface PictureSource {
  width: number;
  height: number;
  open(): Sharp;
}

export interface PictureLabel extends LabelMetrics {
  position: LabelPosition;
  polarity: Polarity;
  plate: Box;
}

/**
 * The search runs on a copy whose shortest side is at most this: a label is at least 5% of the shortest side, so it
 * stays at least 54 px high there, and an 8000×6000 photo is searched in the time of a 1440×1080 one.
 */
const WORK_SHORT = 1080;

async function rasterOf(img: Sharp): Promise<Raster> {
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  return toRaster(data, info.width, info.height, info.channels);
}

const scale = (b: Box, k: number): Box => ({
  x: Math.round(b.x * k),
  y: Math.round(b.y * k),
  width: Math.round(b.width * k),
  height: Math.round(b.height * k),
});

/** Find the label in a picture and measure it at full resolution; null when no label is found. */
export async function measurePicture(
  src: PictureSource,
  positions: readonly LabelPosition[] = LABEL_POSITIONS,
): Promise<PictureLabel | null> {
  const short = Math.min(src.width, src.height);
  const f = short > WORK_SHORT ? WORK_SHORT / short : 1;
  const work =
    f === 1
      ? await rasterOf(src.open())
      : await rasterOf(src.open().resize(Math.round(src.width * f), Math.round(src.height * f), { kernel: 'linear' }));
  const found = locateLabels(work, positions, f === 1 ? 1 : 2)[0];
  if (!found) return null;
  if (f === 1) {
    const m = measureLabel(work, found.polarity, found.plate, found.ink);
    return m && { ...m, position: found.position, polarity: found.polarity, plate: found.plate };
  }
  // Measure on the full-resolution pixels of the plate (located on the reduced copy, so a few pixels uncertain).
  const slack = Math.ceil(1 / f) + 1;
  const plate = scale(found.plate, 1 / f);
  const region = {
    x: Math.max(0, plate.x - slack),
    y: Math.max(0, plate.y - slack),
    width: 0,
    height: 0,
  };
  region.width = Math.min(src.width, plate.x + plate.width + slack) - region.x;
  region.height = Math.min(src.height, plate.y + plate.height + slack) - region.y;
  const full = await rasterOf(
    src.open().extract({ left: region.x, top: region.y, width: region.width, height: region.height }),
  );
  const local = (b: Box): Box => ({ ...b, x: b.x - region.x, y: b.y - region.y });
  const ink = scale(found.ink, 1 / f);
  const m = measureLabel(full, found.polarity, local(plate), local(ink), slack);
  if (!m) return null;
  return {
    ...m,
    ink: { ...m.ink, x: m.ink.x + region.x, y: m.ink.y + region.y },
    position: found.position,
    polarity: found.polarity,
    plate,
  };
}

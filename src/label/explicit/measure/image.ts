import { HeguiError } from '../../../errors.ts';
import { guard, MAX_PIXELS, openImage } from '../decode.ts';
import { type Criterion, pictureCriteria } from './criteria.ts';
import { measurePicture, type PictureLabel } from './picture.ts';
import type { VideoTiming } from './video.ts';

/** The measured explicit label of one file, and the verdict per criterion. */
export interface ExplicitCheck {
  kind: 'image' | 'video';
  /** Size as displayed (after EXIF orientation or a video's display matrix). */
  width: number;
  height: number;
  /** The label found (on a video: on the start frame), or null. */
  label: PictureLabel | null;
  /** Share of the shortest side the measured ink height takes. */
  inkHeightRatio: number | null;
  video?: VideoTiming;
  criteria: Criterion[];
  pass: boolean;
}

/** Check the explicit label of an image (GB 45438 §5.2) from its pixels. */
export async function measureImage(bytes: Uint8Array, limitInputPixels = MAX_PIXELS): Promise<ExplicitCheck> {
  const meta = await guard(openImage(bytes, limitInputPixels).metadata(), limitInputPixels);
  const width = meta.autoOrient?.width ?? meta.width;
  const height = meta.autoOrient?.height ?? meta.height;
  if (!width || !height) throw new HeguiError('malformed', 'the image has no dimensions');
  const label = await guard(
    measurePicture({ width, height, open: () => openImage(bytes, limitInputPixels).autoOrient() }),
    limitInputPixels,
  );
  const criteria = pictureCriteria(label, width, height, 'of the picture');
  return {
    kind: 'image',
    width,
    height,
    label,
    inkHeightRatio: label ? label.ink.height / Math.min(width, height) : null,
    criteria,
    pass: criteria.every((c) => c.pass),
  };
}

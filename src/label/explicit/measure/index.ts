import { HeguiError } from '../../../errors.ts';
import { readImageBytes } from '../decode.ts';
import { sniffMediaFile } from '../media.ts';
import { type ExplicitCheck, measureImage } from './image.ts';
import { measureVideo } from './video.ts';

export type { Criterion } from './criteria.ts';
export type { ExplicitCheck } from './image.ts';
export type { PictureLabel } from './picture.ts';
export type { VideoTiming } from './video.ts';

/**
 * Find and measure the explicit label of an image or video from its pixels (GB 45438 §5.2, §5.4): where it is, its
 * measured text height against the shortest side, its contrast, and for a video how long it is on screen from the
 * start frame. Meant for files Hegui labelled (the search knows Hegui's layout), and honest about edited ones: a
 * label that was cropped, covered or scaled out of shape is reported as not found.
 */
export async function measureExplicitLabel(path: string): Promise<ExplicitCheck> {
  const kind = await sniffMediaFile(path);
  if (kind === 'image') return measureImage(await readImageBytes(path));
  if (kind === 'video') return measureVideo(path);
  throw new HeguiError('format_unknown', 'the file is neither an image nor a video Hegui can check');
}

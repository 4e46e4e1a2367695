import { HeguiError } from '../../errors.ts';
import { drawableLabelText } from './drawable.ts';
import { checkPosition, type LabelPosition, MIN_HEIGHT_RATIO, MIN_INK_PX } from './layout.ts';

/** How an explicit label looks on an image or a video frame. Every field is optional. */
export interface ExplicitOptions {
  /** Label text (default "AI生成"); must hold the AI and generation elements (GB 45438 §5). */
  text?: string;
  /** Corner or edge (default bottom-right). */
  position?: LabelPosition;
  /** Ink height as a share of the shortest side: at least 0.05 (GB 45438 §5.2, §5.4), at most 0.25. */
  heightRatio?: number;
  /** Smallest ink height in pixels, for small pictures where 5% is not legible (default 12, at least 8). */
  minInkPx?: number;
}

/**
 * How the plate is chosen. `local` (default): from the pixels under it, the lightest plate that keeps the design
 * contrast over every one of them. `any`: the plate a video gets, designed for any background (white text on a dark
 * plate that holds the design contrast even over pure white); the picture is not sampled, so it is drawn in one
 * decode-and-encode pass — faster, and the same look on every picture.
 */
export const PLATE_MODES = ['local', 'any'] as const;
export type PlateMode = (typeof PLATE_MODES)[number];

export interface ResolvedExplicit {
  text: string;
  position: LabelPosition;
  heightRatio: number;
  minInkPx: number;
}

const MAX_HEIGHT_RATIO = 0.25;

export function resolveExplicit(o: ExplicitOptions = {}): ResolvedExplicit {
  const text = drawableLabelText(o.text);
  const heightRatio = o.heightRatio ?? MIN_HEIGHT_RATIO;
  if (!Number.isFinite(heightRatio) || heightRatio < MIN_HEIGHT_RATIO || heightRatio > MAX_HEIGHT_RATIO) {
    throw new HeguiError(
      'usage',
      `the label height ratio must be from ${MIN_HEIGHT_RATIO} (GB 45438 §5: 5% of the shortest side) to ${MAX_HEIGHT_RATIO}`,
    );
  }
  const minInkPx = o.minInkPx ?? MIN_INK_PX;
  if (!Number.isInteger(minInkPx) || minInkPx < 8 || minInkPx > 200)
    throw new HeguiError('usage', 'the minimum label height must be a whole number of pixels from 8 to 200');
  return { text, position: checkPosition(o.position), heightRatio, minInkPx };
}

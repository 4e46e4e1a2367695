import { HeguiError } from '../../errors.ts';

/**
 * Where the label sits. GB 45438 §5.2 (images) and §5.4 (video) ask for an edge or a corner of the picture; the edge
 * positions centre the label along that edge.
 */
export const LABEL_POSITIONS = [
  'top-left',
  'top-right',
  'bottom-left',
  'bottom-right',
  'top',
  'bottom',
  'left',
  'right',
] as const;
export type LabelPosition = (typeof LABEL_POSITIONS)[number];

/** Bottom right: where AI image services commonly mark their output, and where a viewer looks for a signature. */
export const DEFAULT_POSITION: LabelPosition = 'bottom-right';

export function checkPosition(p: string | undefined): LabelPosition {
  const v = p ?? DEFAULT_POSITION;
  if (!(LABEL_POSITIONS as readonly string[]).includes(v))
    throw new HeguiError('usage', `the label position must be one of ${LABEL_POSITIONS.join(', ')}`);
  return v as LabelPosition;
}

/** GB 45438 §5.2, §5.4: the text height is at least 5% of the shortest side. */
export const MIN_HEIGHT_RATIO = 0.05;
/**
 * Below this ink height a CJK glyph is not legible, whatever 5% would allow (a 64×48 thumbnail); the 2023 guidance
 * TC260-PG-20233A asked for 20 px or 0.3% of the area, which this and the plate together meet on every size accepted.
 */
export const MIN_INK_PX = 12;

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Geometry of a label of ink height `h`: padding around the ink box, the plate's corner radius and the distance from
 * the picture's edge. The checker derives the same numbers from a measured ink height, so they live here once.
 */
export const padY = (h: number): number => Math.max(2, Math.round(0.3 * h));
export const padX = (h: number): number => Math.max(3, Math.round(0.6 * h));
export const cornerRadius = (h: number): number => Math.min(padY(h), Math.max(1, Math.round(0.25 * h)));
export const edgeMargin = (shortSide: number): number => Math.max(2, Math.round(0.02 * shortSide));

/**
 * One pixel above the 5% bar: JPEG, WebP or video coding moves a glyph's anti-aliased edge by up to a pixel, and a
 * label measured back from the coded file must still clear the bar.
 */
export const CODING_MARGIN_PX = 1;

/** The ink height a picture of this size needs (GB 45438 §5: ≥ 5% of the shortest side, and legible). */
export function targetInkHeight(width: number, height: number, ratio = MIN_HEIGHT_RATIO, minPx = MIN_INK_PX): number {
  return Math.max(minPx, Math.ceil(ratio * Math.min(width, height) - 1e-9) + CODING_MARGIN_PX);
}

/** Top-left corner of a plate of `w`×`h` at `position` in a `W`×`H` picture, or a `label_unfit` error. */
export function placePlate(position: LabelPosition, W: number, H: number, w: number, h: number): Box {
  const m = edgeMargin(Math.min(W, H));
  if (w + 2 * m > W || h + 2 * m > H) {
    throw new HeguiError(
      'label_unfit',
      `a legible label needs ${w + 2 * m}×${h + 2 * m} px with its margin, the picture is ${W}×${H}`,
      { width: W, height: H },
    );
  }
  const left = m;
  const right = W - m - w;
  const cx = Math.floor((W - w) / 2);
  const top = m;
  const bottom = H - m - h;
  const cy = Math.floor((H - h) / 2);
  const xy: Record<LabelPosition, [number, number]> = {
    'top-left': [left, top],
    'top-right': [right, top],
    'bottom-left': [left, bottom],
    'bottom-right': [right, bottom],
    top: [cx, top],
    bottom: [cx, bottom],
    left: [left, cy],
    right: [right, cy],
  };
  const [x, y] = xy[position];
  return { x, y, width: w, height: h };
}

/**
 * A box in the displayed picture mapped into the coded frame of a video whose display is the coded frame turned
 * `ccw` degrees counter-clockwise (the display matrix's rotation, as ffprobe reports it). `W`×`H` is the displayed size.
 */
export function displayToCoded(box: Box, W: number, H: number, ccw: 0 | 90 | 180 | 270): Box {
  const { x, y, width: w, height: h } = box;
  // Coded = displayed turned clockwise by `ccw`.
  switch (ccw) {
    case 0:
      return box;
    case 90:
      return { x: H - y - h, y: x, width: h, height: w };
    case 180:
      return { x: W - x - w, y: H - y - h, width: w, height: h };
    case 270:
      return { x: y, y: W - x - w, width: h, height: w };
  }
}

import type { Polarity } from './contrast.ts';
import type { Box, LabelPosition } from './layout.ts';

/** What was drawn and measured, in the coordinates of the picture as displayed: shared by the image and video reports. */
export interface DrawnLabel {
  text: string;
  position: LabelPosition;
  plate: Box;
  ink: Box;
  /** Measured ink height of the rendered text, and its share of the shortest side (GB 45438 §5.2: ≥ 0.05). */
  inkHeightPx: number;
  inkHeightRatio: number;
  /** The height the size rule asked for: 5% of the shortest side, or the legibility floor if that is larger. */
  targetInkPx: number;
  fontPx: number;
  polarity: Polarity;
  plateAlpha: number;
  /**
   * Worst contrast between the text colour and the plate under it (≥ 4.5 required): over the composited pixels of an
   * image; for a video, over any frame content (its plate is sized for pure white behind it).
   */
  contrast: number;
}

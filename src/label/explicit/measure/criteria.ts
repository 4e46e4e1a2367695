import { MIN_CONTRAST } from '../contrast.ts';
import { MIN_HEIGHT_RATIO } from '../layout.ts';
import type { PictureLabel } from './picture.ts';

/** One requirement of GB 45438 §5 (and the project's legibility bar), measured. */
export interface Criterion {
  id: 'present' | 'height' | 'contrast' | 'duration';
  pass: boolean;
  /** The requirement and its source. */
  required: string;
  /** What was measured, in words and numbers. */
  measured: string;
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

/** The picture criteria: a label at an edge or corner, text height ≥ 5% of the shortest side, contrast ≥ 4.5:1. */
export function pictureCriteria(label: PictureLabel | null, width: number, height: number, where: string): Criterion[] {
  const present: Criterion = {
    id: 'present',
    pass: label !== null,
    required: `a text label at an edge or corner ${where} (GB 45438 §5)`,
    measured: label ? `found at ${label.position}` : 'no label found at any edge or corner',
  };
  if (!label) return [present];
  const ratio = label.ink.height / Math.min(width, height);
  return [
    present,
    {
      id: 'height',
      pass: ratio >= MIN_HEIGHT_RATIO,
      required: `text height ≥ ${pct(MIN_HEIGHT_RATIO)} of the shortest side (GB 45438 §5)`,
      measured: `${label.ink.height} px of ${Math.min(width, height)} px = ${pct(ratio)}`,
    },
    {
      id: 'contrast',
      pass: label.contrast >= MIN_CONTRAST,
      required: `text/background contrast ≥ ${MIN_CONTRAST}:1 (legible on any background, GB 45438 §5; WCAG 2 1.4.3)`,
      measured: `${label.contrast.toFixed(2)}:1 (worst 1% of the plate), ${label.contrastMin.toFixed(2)}:1 at the worst pixel`,
    },
  ];
}

/**
 * Contrast between label text and what is behind it, by the WCAG 2 definitions (relative luminance of sRGB colours,
 * ratio (L1 + 0.05) / (L2 + 0.05)). GB 45438 §5 asks for a label legible "in font and colour" on any background; the
 * project's bar is WCAG's 4.5:1 for normal text, and the renderer aims higher so lossy re-encoding cannot pull it under.
 */

/** The ratio every label must reach (WCAG 2 success criterion 1.4.3, normal text). */
export const MIN_CONTRAST = 4.5;
/** The ratio the renderer designs for (WCAG 1.4.6, enhanced), leaving room for JPEG or video coding noise. */
export const DESIGN_CONTRAST = 7;

/** sRGB transfer function, 8-bit value to linear light (IEC 61966-2-1, the constant WCAG 2.2 cites). */
const LINEAR = Float64Array.from({ length: 256 }, (_, v) => {
  const c = v / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
});

export function relativeLuminance(r: number, g: number, b: number): number {
  return 0.2126 * LINEAR[r & 255]! + 0.7152 * LINEAR[g & 255]! + 0.0722 * LINEAR[b & 255]!;
}

export function contrastRatio(l1: number, l2: number): number {
  return l1 > l2 ? (l1 + 0.05) / (l2 + 0.05) : (l2 + 0.05) / (l1 + 0.05);
}

/** A neutral colour as one 8-bit level: the label draws only in greys (black, white and plates between). */
export type Grey = number;

/** Light text on a dark plate, or dark text on a light plate. */
export type Polarity = 'light-on-dark' | 'dark-on-light';

export const textLevel = (p: Polarity): Grey => (p === 'light-on-dark' ? 255 : 0);
export const plateLevel = (p: Polarity): Grey => (p === 'light-on-dark' ? 0 : 255);

/** The 8-bit result of drawing `level` at opacity `alpha` over `bg` (the "over" operator, rounded as an encoder sees it). */
export const over = (level: Grey, alpha: number, bg: number): number => Math.round(level * alpha + bg * (1 - alpha));

/**
 * Worst (lowest) contrast between the text and a plate of `alpha` over each background colour in `colours`
 * (packed 0xRRGGBB). A caller with transparent background pixels adds black and white: whatever a viewer puts behind
 * them, the result lies between those two extremes, and contrast is monotonic in the backdrop's luminance.
 */
export function worstContrast(p: Polarity, alpha: number, colours: Iterable<number>): number {
  const t = textLevel(p);
  const lt = relativeLuminance(t, t, t);
  // Each channel's linear value after blending, by its 8-bit background value: the same sums as relativeLuminance
  // over `over(...)`, looked up instead of recomputed for every colour and every opacity tried.
  const pl = plateLevel(p);
  const lin = new Float64Array(256);
  for (let v = 0; v < 256; v++) lin[v] = LINEAR[over(pl, alpha, v)]!;
  // The text is black or white, so the worst ratio is at the background nearest it in luminance: the darkest
  // composite for black text, the brightest for white.
  const dark = lt < 0.5;
  let nearest = dark ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  for (const c of colours) {
    const l = 0.2126 * lin[(c >> 16) & 255]! + 0.7152 * lin[(c >> 8) & 255]! + 0.0722 * lin[c & 255]!;
    if (dark ? l < nearest : l > nearest) nearest = l;
  }
  return Number.isFinite(nearest) ? contrastRatio(lt, nearest) : Number.POSITIVE_INFINITY;
}

export interface PlateChoice {
  polarity: Polarity;
  /** Plate opacity, from {@link MIN_PLATE_ALPHA} to 1. */
  alpha: number;
  /** Worst text/plate contrast over the sampled background, after compositing. */
  contrast: number;
}

/**
 * The plate is always visible (a consistent, recognisable label, and a shape the checker can find), and never so
 * faint that a background outside the sample could pull the contrast under {@link MIN_CONTRAST}: at 0.6 a black plate
 * over pure white still gives 5.7:1 with white text.
 */
export const MIN_PLATE_ALPHA = 0.6;
const ALPHA_STEP = 0.01;

/**
 * Choose the polarity and the lightest plate that reaches {@link DESIGN_CONTRAST} over every sampled background
 * colour (searched over the colours that limit it, see {@link limitingColours}). Ties go to light text on a dark
 * plate, the usual look of a caption.
 */
export function choosePlate(colours: ReadonlySet<number>, target = DESIGN_CONTRAST): PlateChoice {
  const limiting = limitingColours(colours);
  const options = (['light-on-dark', 'dark-on-light'] as const).map((polarity) => {
    const set = polarity === 'light-on-dark' ? limiting.brightest : limiting.darkest;
    const alpha = plateAlphaFor(polarity, set, target);
    return { polarity, alpha, contrast: worstContrast(polarity, alpha, set) };
  });
  const [a, b] = options as [PlateChoice, PlateChoice];
  return b.alpha < a.alpha - 1e-9 ? b : a;
}

/** Above this many distinct colours, only the ones that can limit contrast are searched. */
const SEARCH_COLOURS = 4096;

/**
 * A dark plate's contrast is limited by the brightest background colours, a light plate's by the darkest: blending
 * with the plate keeps the order of luminance (up to rounding), so a busy 48-megapixel sample is searched over its
 * few thousand extreme colours. The contrast finally reported is computed on every composited pixel regardless.
 */
function limitingColours(colours: ReadonlySet<number>): {
  brightest: ReadonlySet<number>;
  darkest: ReadonlySet<number>;
} {
  if (colours.size <= SEARCH_COLOURS) return { brightest: colours, darkest: colours };
  const all = [...colours];
  const lum = all.map((c) => relativeLuminance((c >> 16) & 255, (c >> 8) & 255, c & 255));
  const bins = new Uint32Array(1024);
  for (const l of lum) bins[Math.min(1023, Math.floor(l * 1024))]!++;
  // Luminance thresholds holding at least SEARCH_COLOURS / 2 colours at each end.
  let hi = 1023;
  for (let n = bins[hi]!; n < SEARCH_COLOURS / 2 && hi > 0; ) n += bins[--hi]!;
  let lo = 0;
  for (let n = bins[lo]!; n < SEARCH_COLOURS / 2 && lo < 1023; ) n += bins[++lo]!;
  const brightest = new Set<number>();
  const darkest = new Set<number>();
  all.forEach((c, i) => {
    const bin = Math.min(1023, Math.floor(lum[i]! * 1024));
    if (bin >= hi) brightest.add(c);
    if (bin <= lo) darkest.add(c);
  });
  return { brightest, darkest };
}

/** The lowest plate opacity (in steps of 0.01, at least {@link MIN_PLATE_ALPHA}) that reaches `target`. */
export function plateAlphaFor(p: Polarity, colours: ReadonlySet<number>, target = DESIGN_CONTRAST): number {
  // Contrast grows with the plate's opacity, so a binary search over the opacity steps finds the lowest that holds.
  const steps = Math.round((1 - MIN_PLATE_ALPHA) / ALPHA_STEP);
  const at = (i: number) => Math.min(1, MIN_PLATE_ALPHA + i * ALPHA_STEP);
  if (worstContrast(p, at(0), colours) >= target) return at(0);
  let lo = 0;
  let hi = steps;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (worstContrast(p, at(mid), colours) >= target) hi = mid;
    else lo = mid;
  }
  return at(hi);
}

/** The colours to design against when the background is not known in advance (video frames to come): both extremes. */
export const ANY_BACKGROUND: ReadonlySet<number> = new Set([0x000000, 0xffffff]);

/**
 * The plate for a background not looked at (video frames to come, images in plate mode `any`): white text on a dark
 * plate whose opacity, as stored in 8 bits, reaches the design contrast over pure white; `contrast` is its floor over
 * any background.
 */
export function anyBackgroundPlate(): PlateChoice {
  const polarity: Polarity = 'light-on-dark';
  const alpha = Math.round(plateAlphaFor(polarity, ANY_BACKGROUND) * 255) / 255;
  return { polarity, alpha, contrast: worstContrast(polarity, alpha, ANY_BACKGROUND) };
}

import { resolve } from 'node:path';
import type { Metadata } from 'sharp';
import { HeguiError } from '../../errors.ts';
import type { AigcRecord } from '../aigc/record.ts';
import { AtomicFileSink } from '../io/sink.ts';
import { labelBytesResult, type WriteLabelOptions } from '../label-file.ts';
import { anyBackgroundPlate } from './contrast.ts';
import { guard, MAX_PIXELS, openImage, readImageBytes } from './decode.ts';
import type { DrawnLabel } from './drawn-label.ts';
import { fitText } from './glyphs.ts';
import { type DrawJob, decodeRaw, drawInPipeline, drawOnRawJpeg, isPlainJpeg } from './image-draw.ts';
import { planEncode } from './image-encode.ts';
import { looksLikePlainJpeg } from './jpeg-header.ts';
import { placePlate, targetInkHeight } from './layout.ts';
import { type ExplicitOptions, PLATE_MODES, type PlateMode, resolveExplicit } from './options.ts';
import { plateSize } from './tile.ts';

export interface ImageLabelOptions extends ExplicitOptions {
  /** Refuse larger pictures (default 100 megapixels). */
  limitInputPixels?: number;
  /** How the plate is chosen (default `local`). */
  plate?: PlateMode;
}

/** What was drawn, in the coordinates of the picture as displayed (and as written: orientation 1). */
export interface ImageLabelReport extends DrawnLabel {
  format: string;
  width: number;
  height: number;
  /** The EXIF orientation that was applied to the pixels (1 = none). */
  orientation: number;
  quality?: { value: number; source: 'estimated' | 'default' };
  /** How the plate was chosen; with `any`, `contrast` is the floor over any background. */
  plateMode: PlateMode;
  warnings: string[];
}

export interface RenderedImage {
  data: Buffer;
  report: ImageLabelReport;
}

function checkStill(meta: Metadata): void {
  if ((meta.pages ?? 1) > 1) {
    throw new HeguiError(
      'format_unsupported',
      `the image has ${meta.pages} frames or pages; explicit labels are drawn on still, single-page images`,
    );
  }
}

/**
 * Draw the explicit label (GB 45438 §5.2) on an image and return the re-encoded bytes in the input's format, with
 * a report of what was drawn. The picture is first turned upright by its EXIF orientation so the label sits in the
 * corner a viewer sees; ICC profile, EXIF and XMP are kept. No metadata label is written: see {@link labelImageFile}.
 */
export async function renderImageLabel(
  input: string | Uint8Array,
  options: ImageLabelOptions = {},
): Promise<RenderedImage> {
  const o = resolveExplicit(options);
  const plateMode = options.plate ?? 'local';
  if (!(PLATE_MODES as readonly string[]).includes(plateMode))
    throw new HeguiError('usage', `the plate mode must be one of ${PLATE_MODES.join(', ')}`);
  const limit = options.limitInputPixels ?? MAX_PIXELS;
  const bytes = typeof input === 'string' ? await readImageBytes(input) : input;
  const open = () => openImage(bytes, limit);
  // The common upright 8-bit JPEG starts decoding now, alongside the metadata read; the metadata decides below.
  const raw = plateMode === 'local' && (await looksLikePlainJpeg(bytes)) ? decodeRaw(open) : undefined;
  raw?.catch(() => {}); // awaited (and its error reported) only on the path that uses it
  const meta = await guard(open().metadata(), limit);
  checkStill(meta);
  const plan = planEncode(bytes, meta);
  const warnings = [...plan.warnings];
  const W = meta.autoOrient?.width ?? meta.width;
  const H = meta.autoOrient?.height ?? meta.height;
  if (!W || !H) throw new HeguiError('malformed', 'the image has no dimensions');

  const targetInkPx = targetInkHeight(W, H, o.heightRatio, o.minInkPx);
  const text = await fitText(o.text, targetInkPx);
  const size = plateSize(text);
  const plate = placePlate(o.position, W, H, size.width, size.height);

  const cmyk = meta.space === 'cmyk';
  if (cmyk) warnings.push('a CMYK image is written as sRGB');
  const job: DrawJob = {
    bytes,
    open,
    meta,
    plan,
    text,
    plate,
    limit,
    ...(raw ? { raw } : {}),
    ...(plateMode === 'any' ? { fixed: anyBackgroundPlate() } : {}),
  };
  // The one-decode path needs the pixels anyway (to sample them); a plate chosen beforehand needs none.
  const { data, tile, contrast } =
    plateMode === 'local' && isPlainJpeg(meta) ? await drawOnRawJpeg(job) : await drawInPipeline(job);
  const ink = { x: plate.x + tile.ink.x, y: plate.y + tile.ink.y, width: tile.ink.width, height: tile.ink.height };
  return {
    data,
    report: {
      format: plan.format,
      width: W,
      height: H,
      text: o.text,
      position: o.position,
      plate,
      ink,
      inkHeightPx: ink.height,
      inkHeightRatio: ink.height / Math.min(W, H),
      targetInkPx,
      fontPx: tile.fontPx,
      polarity: tile.polarity,
      plateAlpha: tile.alpha,
      contrast,
      orientation: meta.orientation ?? 1,
      ...(plan.quality ? { quality: plan.quality } : {}),
      plateMode,
      warnings,
    },
  };
}

export interface LabelImageFileOptions extends ImageLabelOptions {
  /** The metadata label (GB 45438 App. E) written after the explicit one. */
  label: AigcRecord;
  /** Sign the metadata label while writing it (docs/signature-scheme.md). */
  sign?: WriteLabelOptions['sign'];
}

export interface LabelImageFileResult {
  path: string;
  bytesIn: number;
  bytesOut: number;
  report: ImageLabelReport;
  /** The metadata label as written (with its SecurityData when signed). */
  label: AigcRecord;
}

/**
 * Explicit label, then metadata label, then an atomic write: the output carries both labels (GB 45438 §5 and
 * App. E), the metadata label read back before the file is committed. On failure nothing is written and the input
 * is untouched (`output` may equal `input` to replace it).
 */
export async function labelImageFile(
  input: string,
  output: string,
  options: LabelImageFileOptions,
): Promise<LabelImageFileResult> {
  const bytes = await readImageBytes(input);
  const rendered = await renderImageLabel(bytes, options);
  const labelled = await labelBytesResult(
    rendered.data,
    options.label,
    options.sign ? { sign: options.sign } : {},
  ).catch((e: unknown) => {
    if (e instanceof HeguiError && e.code === 'format_unknown') {
      throw new HeguiError(
        'format_unsupported',
        `the metadata label cannot be written into ${rendered.report.format} files: no codec for it is registered`,
      );
    }
    throw e;
  });
  const sink = await AtomicFileSink.create(output);
  try {
    await sink.write(labelled.bytes);
    await sink.finish(resolve(output) === resolve(input));
    await sink.commit();
  } catch (e) {
    await sink.abort();
    throw e;
  }
  return {
    path: output,
    bytesIn: bytes.length,
    bytesOut: labelled.bytes.length,
    report: rendered.report,
    label: labelled.label,
  };
}

import { HeguiError } from '../errors.ts';
import { runTool } from './run.ts';

/** The part of ffprobe's JSON the media tools use (everything optional: ffprobe omits what it does not know). */
export interface ProbeStream {
  index: number;
  codec_type?: string;
  codec_name?: string;
  codec_tag_string?: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  time_base?: string;
  start_time?: string;
  duration?: string;
  nb_frames?: string;
  bit_rate?: string;
  color_range?: string;
  color_space?: string;
  color_transfer?: string;
  color_primaries?: string;
  disposition?: { attached_pic?: number };
  tags?: Record<string, string>;
  side_data_list?: { side_data_type?: string; rotation?: number; displaymatrix?: string }[];
}

export interface ProbeFormat {
  format_name?: string;
  start_time?: string;
  duration?: string;
  bit_rate?: string;
  tags?: Record<string, string>;
}

export interface Probe {
  streams: ProbeStream[];
  format: ProbeFormat;
}

const MAX_PROBE_JSON = 16 * 1024 * 1024;

export async function probe(path: string): Promise<Probe> {
  const { stdout } = await runTool(
    'ffprobe',
    ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', path],
    { redact: { [path]: '<input>' }, maxStdout: MAX_PROBE_JSON, timeoutMs: 60_000 },
  ).catch((e: unknown) => {
    if (e instanceof HeguiError && e.code === 'tool_failed')
      throw new HeguiError('malformed', 'the file could not be read as audio or video', { ...e.details });
    throw e;
  });
  let parsed: Probe;
  try {
    parsed = JSON.parse(stdout.toString('utf8')) as Probe;
  } catch {
    throw new HeguiError('tool_failed', 'ffprobe printed output that is not JSON');
  }
  return { streams: parsed.streams ?? [], format: parsed.format ?? {} };
}

/** "30000/1001" → 29.97; undefined for "0/0" and garbage. */
export function rate(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const [n, d] = s.split('/').map(Number);
  if (!n || !Number.isFinite(n)) return undefined;
  const v = d ? n / d : n;
  return Number.isFinite(v) && v > 0 ? v : undefined;
}

export const seconds = (s: string | undefined): number | undefined => {
  const v = s === undefined ? Number.NaN : Number(s);
  return Number.isFinite(v) ? v : undefined;
};

/**
 * The display rotation of a video stream, counter-clockwise degrees, normalised to 0/90/180/270, as the display
 * matrix says (ffprobe's side data; older ffprobe builds give a clockwise `rotate` tag instead). A matrix that
 * mirrors the picture is reported as `mirrored`.
 */
export function displayRotation(s: ProbeStream): { ccw: 0 | 90 | 180 | 270; mirrored: boolean; exact: boolean } {
  const side = s.side_data_list?.find((d) => d.side_data_type === 'Display Matrix');
  let deg = side?.rotation;
  if (deg === undefined && s.tags?.['rotate']) deg = -Number(s.tags['rotate']);
  let mirrored = false;
  if (side?.displaymatrix) {
    const nums = [...side.displaymatrix.matchAll(/-?\d+/g)].map((m) => Number(m[0])).filter((_, i) => i % 4 !== 0);
    // Rows "0000000r: a b u" — after dropping the row labels: a b u c d v x y w.
    const [a, b, , c, d] = nums;
    if (a !== undefined && b !== undefined && c !== undefined && d !== undefined) mirrored = a * d - b * c < 0;
  }
  const v = Number.isFinite(deg) ? ((Math.round(deg ?? 0) % 360) + 360) % 360 : 0;
  const snapped = (Math.round(v / 90) * 90) % 360;
  return {
    ccw: snapped as 0 | 90 | 180 | 270,
    mirrored,
    exact: Math.abs(snapped - v) < 0.5 || Math.abs(v - 360) < 0.5,
  };
}

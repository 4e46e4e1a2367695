import { type ResolvedRhythm, synthRhythm } from './rhythm.ts';

export type LabelSide = 'before' | 'after';

/** The parts of the audio label, in the content's sample rate and channel count. */
export interface LabelParts {
  rhythm: ResolvedRhythm | null;
  /** The spoken prompt, interleaved, already converted. */
  prompt: Float32Array | null;
  gapMs: number;
}

/** One label block: interleaved samples and where its parts sit, in frames from the block's start. */
export interface LabelBlock {
  samples: Float32Array;
  frames: number;
  rhythmAt?: number;
  rhythmFrames?: number;
  promptAt?: number;
  promptFrames?: number;
}

/**
 * The label that goes before the content is rhythm, gap, prompt, gap; after the content the mirror image: gap,
 * prompt, gap, rhythm. The rhythm is always outermost, so it starts or ends the file where a listener (and
 * `measureAudioLabel`) finds it first; the gap keeps the label apart from the content, never mixed over it.
 */
export function buildBlock(parts: LabelParts, side: LabelSide, rate: number, channels: number): LabelBlock {
  const gap = Math.round((parts.gapMs / 1000) * rate);
  const rhythm = parts.rhythm ? synthRhythm(parts.rhythm, rate) : null;
  const promptFrames = parts.prompt ? Math.floor(parts.prompt.length / channels) : 0;
  type Piece = { kind: 'rhythm' | 'prompt' | 'gap'; frames: number };
  const pieces: Piece[] = [];
  if (rhythm) pieces.push({ kind: 'rhythm', frames: rhythm.length });
  if (rhythm && parts.prompt) pieces.push({ kind: 'gap', frames: gap });
  if (parts.prompt) pieces.push({ kind: 'prompt', frames: promptFrames });
  pieces.push({ kind: 'gap', frames: gap });
  if (side === 'after') pieces.reverse();
  const frames = pieces.reduce((n, p) => n + p.frames, 0);
  const samples = new Float32Array(frames * channels);
  const block: LabelBlock = { samples, frames };
  let at = 0;
  for (const p of pieces) {
    if (p.kind === 'rhythm' && rhythm) {
      for (let f = 0; f < rhythm.length; f++) samples.fill(rhythm[f]!, (at + f) * channels, (at + f + 1) * channels);
      block.rhythmAt = at;
      block.rhythmFrames = p.frames;
    } else if (p.kind === 'prompt' && parts.prompt) {
      samples.set(parts.prompt.subarray(0, promptFrames * channels), at * channels);
      block.promptAt = at;
      block.promptFrames = p.frames;
    }
    at += p.frames;
  }
  return block;
}

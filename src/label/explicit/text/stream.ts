import { HeguiError } from '../../../errors.ts';
import { HtmlPlacer } from './html-placer.ts';
import { MarkdownPlacer } from './markdown-placer.ts';
import { type ResolvedTextLabel, resolveTextLabel, type TextFormat, type TextLabelOptions } from './options.ts';
import { MAX_HOLD, type Placer } from './placer.ts';
import { PlainPlacer } from './plain-placer.ts';

export interface StreamLabelOptions extends TextLabelOptions {
  /** The syntax of the generated text. Default `markdown` (what chat models write). */
  format?: TextFormat;
}

/**
 * Puts the explicit label into text that arrives in pieces (model tokens), exactly once, at the position
 * {@link labelText} gives for the whole text.
 *
 * The delay guarantee: `push(chunk)` returns every character whose place relative to the label is decided. What it
 * keeps is empty, or one construct that ends the input so far and could still turn out either way, and only where the
 * label may go right before it:
 * - Markdown, prefix and corner (start): a text opening with `-`, `--`, `---`, `---\r` (or `+`, `++`, `+++`, `+++\r`):
 *   front matter or not?
 * - Markdown, corner (start): the first body line's indentation (≤ 3 spaces) and a run of ≤ 6 `#`: a heading or not?
 * - HTML: a `<`, and `<` or `</` with a tag name that is still a prefix of one that decides the position (start modes:
 *   the tags that may stand before the body and `</head`, `</html`, `</body`; end modes: `</body`, `</html`).
 * Plain text holds nothing, nor do the other Markdown modes. A construct is at most {@link MAX_HOLD} (9) characters
 * and is released by the push that brings the character deciding it. So when a construct arrives within one token, at
 * most that token is delayed; only a construct split over several tokens (`-`,`-`,`-`; `</bo`,`dy>`) is held from its
 * first token until the one that decides it. Once the label is placed, every chunk passes through unchanged.
 */
export interface StreamLabeller {
  /** The pieces to send now, in order (the label is a piece of its own). Empty chunks are ignored. */
  push(chunk: string): string[];
  /** The rest: held-back text and, for an end position, the label. */
  end(): string[];
  /** Characters received but not yet emitted. */
  readonly held: number;
  /** Whether the label has been emitted. */
  readonly placed: boolean;
}

export function createPlacer(r: ResolvedTextLabel): Placer {
  if (r.format === 'markdown') return new MarkdownPlacer(r);
  if (r.format === 'html') return new HtmlPlacer(r);
  return new PlainPlacer(r);
}

class Labeller implements StreamLabeller {
  private buffer = '';
  private done = false;
  private ended = false;

  constructor(private readonly placer: Placer) {}

  get held(): number {
    return this.buffer.length;
  }

  get placed(): boolean {
    return this.done;
  }

  push(chunk: string): string[] {
    if (this.ended) throw new HeguiError('usage', 'push after end');
    if (typeof chunk !== 'string') throw new HeguiError('usage', 'a chunk must be a string');
    if (chunk === '') return [];
    if (this.done) return [chunk];
    return this.step(this.buffer + chunk, false);
  }

  end(): string[] {
    if (this.ended) return [];
    this.ended = true;
    if (this.done) return [];
    const out = this.step(this.buffer, true);
    if (this.done) return out;
    // A final scan takes every decision, so nothing is left held; kept for safety all the same.
    if (this.buffer) out.push(this.buffer);
    this.buffer = '';
    const tail = this.placer.finish();
    if (tail) {
      out.push(tail);
      this.done = true;
    }
    return out;
  }

  private step(buf: string, final: boolean): string[] {
    const s = this.placer.scan(buf, final);
    const out: string[] = [];
    if (s.emit > 0) out.push(buf.slice(0, s.emit));
    if (s.place === undefined) {
      this.buffer = buf.slice(s.emit);
      return out;
    }
    this.done = true;
    this.buffer = '';
    out.push(s.place);
    if (s.emit < buf.length) out.push(buf.slice(s.emit));
    return out;
  }
}

export function createStreamLabeller(options: StreamLabelOptions = {}): StreamLabeller {
  return new Labeller(createPlacer(resolveTextLabel(options, options.format ?? 'markdown')));
}

export { MAX_HOLD };

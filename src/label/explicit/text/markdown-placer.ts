import { MarkdownBlocks } from './markdown-blocks.ts';
import type { ResolvedTextLabel } from './options.ts';
import { BOM, type Placer, type Step, TextTail } from './placer.ts';

/**
 * Markdown: the label is a paragraph of its own, placed only where a new top-level block may start, so it can never
 * land in fenced or indented code, an HTML block, front matter, or inline code (which cannot cross a blank line).
 *
 * - prefix: at the start of the body, after YAML (`---`) or TOML (`+++`) front matter when the text opens with it;
 * - middle: after the blank line that ends the first top-level paragraph ending past `minChars` characters;
 * - suffix: at the end, after closing a fence or an HTML block that the text leaves open;
 * - corner (start): on the first block: in front of its text when it is a paragraph, after the `#` of a heading,
 *   else on a line of its own; corner (end): like suffix.
 * Where the position never comes (no qualifying paragraph, unclosed front matter) the label goes at the end.
 *
 * Held back, only where the label may go right before the undecided characters: for prefix and corner (start), a text
 * opening with `-`, `--`, `---`, `---\r` (or the same with `+`) until the next character tells whether it opens front
 * matter; for corner (start), the first body line's indentation (at most 3 spaces) and a run of at most 6 `#` until
 * the next character tells whether it is a heading. In the other modes the label can never go there, so those
 * characters are emitted at once and only remembered.
 */
const OPENERS = ['---\n', '---\r\n', '+++\n', '+++\r\n'];
const OWN_LINE_STARTS = '`~<>|-+*_=\t0123456789';

type Phase = 'open' | 'frontmatter' | 'body';

type CornerDecision = 'wait' | 'blank' | { at: number; ownLine: boolean };

export class MarkdownPlacer implements Placer {
  private readonly tail = new TextTail();
  private readonly blocks = new MarkdownBlocks();
  private phase: Phase = 'open';
  private closer: RegExp | null = null;
  /** The current line as far as it was emitted. */
  private line = '';
  /** Modes that never place the label at the very start: the possible opener emitted while front matter is undecided. */
  private openSeen = '';
  /** Whether the label may go at the very start of the body, so an undecided opener must be held. */
  private readonly holdsOpener: boolean;

  /** The label as a paragraph of its own. */
  private readonly paragraph: string;

  constructor(private readonly r: ResolvedTextLabel) {
    this.paragraph = r.snippet + r.newline + r.newline;
    this.holdsOpener = r.mode === 'prefix' || (r.mode === 'corner' && r.corner === 'start');
  }

  private commit(buf: string, n: number, place?: string): Step {
    this.tail.update(n === buf.length ? buf : buf.slice(0, n));
    return place === undefined ? { emit: n } : { emit: n, place };
  }

  scan(buf: string, final: boolean): Step {
    const { mode, corner, snippet, minChars } = this.r;
    const paragraph = this.paragraph;
    const cornerStart = mode === 'corner' && corner === 'start';
    let i = 0;
    while (i < buf.length) {
      if (this.phase === 'open') {
        if (this.tail.total + i === 0 && buf.startsWith(BOM)) i = 1;
        if (!this.holdsOpener) {
          // Decided on what was emitted so far plus this piece; nothing is held.
          const seen = this.openSeen;
          const fm = frontMatterOpener(seen + buf.slice(i, i + 5), 0, final);
          if (fm === 'wait') {
            this.openSeen = seen + buf.slice(i);
            return this.commit(buf, buf.length);
          }
          this.openSeen = '';
          if (fm) this.openFrontMatter(fm);
          else {
            this.phase = 'body';
            this.line = seen;
          }
          i += fm ? fm.length - seen.length : 0;
          continue;
        }
        const fm = frontMatterOpener(buf, i, final);
        if (fm === 'wait') return this.commit(buf, i);
        if (fm) {
          this.openFrontMatter(fm);
          i += fm.length;
          continue;
        }
        this.phase = 'body';
        if (mode === 'prefix') return this.commit(buf, i, paragraph);
        continue;
      }
      if (this.phase === 'body' && cornerStart && this.line === '') {
        const d = cornerPosition(buf, i, final);
        if (d === 'wait') return this.commit(buf, i);
        if (d !== 'blank') return this.commit(buf, d.at, d.ownLine ? paragraph : snippet);
      }
      const j = buf.indexOf('\n', i);
      if (j < 0) {
        this.line += buf.slice(i);
        i = buf.length;
        break;
      }
      const line = this.line + buf.slice(i, j);
      this.line = '';
      i = j + 1;
      if (this.phase === 'frontmatter') {
        if (this.closer!.test(line)) {
          this.phase = 'body';
          if (mode === 'prefix') return this.commit(buf, i, paragraph);
        }
        continue;
      }
      const res = this.blocks.line(line);
      if (mode === 'middle' && res.endedTopParagraph && this.tail.total + i >= minChars)
        return this.commit(buf, i, paragraph);
    }
    return this.commit(buf, i);
  }

  private openFrontMatter(opener: string): void {
    this.phase = 'frontmatter';
    this.closer = opener.startsWith('+') ? /^\+\+\+[ \t]*\r?$/ : /^(?:---|\.\.\.)[ \t]*\r?$/;
  }

  finish(): string {
    const { snippet, newline: nl } = this.r;
    // A text that is only the start of an opener (`---`) is a body line, as the whole-text scan decides.
    if (this.phase === 'open' && this.openSeen !== '') {
      this.phase = 'body';
      this.line = this.openSeen;
      this.openSeen = '';
    }
    if (this.phase === 'body' && this.line !== '') this.blocks.line(this.line);
    this.line = '';
    const open = this.blocks.closers();
    const closers = open === null ? '' : (this.tail.endsWithNewline ? '' : nl) + open + nl;
    return this.tail.paragraphAfter(snippet, nl, closers);
  }
}

/** The front matter opener at the very start, or null when there is none, or 'wait' while it cannot be told yet. */
function frontMatterOpener(buf: string, i: number, final: boolean): string | null | 'wait' {
  const s = buf.slice(i, i + 5);
  for (const o of OPENERS) if (s.startsWith(o)) return o;
  if (!final && OPENERS.some((o) => o.length > s.length && o.startsWith(s))) return 'wait';
  return null;
}

/** Where a corner mark goes on the line starting at `i` (the first line of the body that is not blank). */
function cornerPosition(buf: string, i: number, final: boolean): CornerDecision {
  let k = i;
  let cols = 0;
  while (k < buf.length && (buf[k] === ' ' || buf[k] === '\t')) {
    cols += buf[k] === '\t' ? 4 - (cols % 4) : 1;
    k++;
    // Indented code (or a blank line of 4+ spaces): the mark takes a line of its own before it.
    if (cols >= 4) return { at: i, ownLine: true };
  }
  if (k === buf.length) return final ? { at: k, ownLine: false } : 'wait';
  const c = buf[k]!;
  if (c === '\n' || c === '\r') return 'blank';
  if (c === '#') {
    let m = 0;
    while (k + m < buf.length && buf[k + m] === '#') m++;
    if (m <= 6 && k + m === buf.length && !final) return 'wait';
    const next = buf[k + m];
    if (m <= 6 && (next === ' ' || next === '\t')) return { at: k + m + 1, ownLine: false };
    if (m <= 6 && (next === undefined || next === '\n' || next === '\r')) return { at: i, ownLine: true };
    return { at: k, ownLine: false };
  }
  if (OWN_LINE_STARTS.includes(c)) return { at: i, ownLine: true };
  return { at: k, ownLine: false };
}

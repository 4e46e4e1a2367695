/**
 * A placer decides where the label goes in one pass over text that arrives in pieces. It sees only text not yet
 * emitted (`buf`, starting where the last call stopped) and answers how much of it can be emitted now. Its state
 * always describes exactly the text emitted so far, so the same text in any chunking gives the same answer.
 */
export interface Step {
  /** Characters at the start of `buf` that can be emitted (they come before the label, or need no decision). */
  emit: number;
  /** When set, the label goes right after those characters: this is the text to insert, and the placer is done. */
  place?: string;
}

export interface Placer {
  /**
   * `final` says that no more text follows `buf`, so every pending decision must be taken: the step then emits all
   * of `buf` or places the label inside it.
   */
  scan(buf: string, final: boolean): Step;
  /** What to append at the end when the label was never placed; '' for an empty text (nothing to label). */
  finish(): string;
}

/**
 * The longest text a placer holds back while a decision is pending: an HTML `<` with an 8-letter name that may stand
 * before the body (`<noscript`), or a Markdown line start of 3 spaces and 6 `#` (corner mark).
 */
export const MAX_HOLD = 9;

/** What the end of the emitted text looks like, for choosing the separator before a label appended there. */
export class TextTail {
  total = 0;
  /** Line breaks among the trailing white space. */
  newlines = 0;
  endsWithNewline = false;
  endsWithSpace = false;

  update(s: string): void {
    if (s.length === 0) return;
    this.total += s.length;
    let i = s.length - 1;
    while (i >= 0 && isSpace(s.charCodeAt(i))) i--;
    if (i >= 0) this.newlines = 0;
    for (let k = i + 1; k < s.length; k++) if (s.charCodeAt(k) === 10) this.newlines++;
    const last = s.charCodeAt(s.length - 1);
    this.endsWithNewline = last === 10;
    this.endsWithSpace = isSpace(last);
  }

  /**
   * The label as its own paragraph after the text: a blank line before it (reusing the text's trailing line breaks),
   * and a final line break when the text had one.
   */
  paragraphAfter(snippet: string, nl: string, closers = ''): string {
    if (this.total === 0) return '';
    const newlines = closers ? 1 : this.newlines;
    const sep = newlines >= 2 ? '' : newlines === 1 ? nl : nl + nl;
    return closers + sep + snippet + (this.endsWithNewline ? nl : '');
  }

  /** A short mark after the text on the same line (or on a line of its own when the text ended with one). */
  inlineAfter(snippet: string, nl: string): string {
    if (this.total === 0) return '';
    return (this.endsWithSpace ? '' : ' ') + snippet + (this.endsWithNewline ? nl : '');
  }
}

/** Space, tab, CR, LF, form feed, and the ideographic space. */
export const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 0x3000;

export const BOM = '\ufeff';

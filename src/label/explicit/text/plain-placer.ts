import type { ResolvedTextLabel } from './options.ts';
import { BOM, isSpace, type Placer, type Step, TextTail } from './placer.ts';

/**
 * Plain text: the prompt is a paragraph of its own (a blank line around it); the corner mark sits on the first line
 * (start) or after the last character (end). A "paragraph boundary" is a blank line after a non-blank one.
 * Nothing needs to be held back: every decision depends only on text already seen.
 */
export class PlainPlacer implements Placer {
  private readonly tail = new TextTail();
  private lineBlank = true;
  private prevLineBlank = true;

  constructor(private readonly r: ResolvedTextLabel) {}

  scan(buf: string, _final: boolean): Step {
    const { mode, corner, snippet, newline: nl } = this.r;
    if (mode === 'prefix' || (mode === 'corner' && corner === 'start')) {
      if (buf.length === 0) return { emit: 0 };
      // A byte order mark stays the first character.
      const skip = this.tail.total === 0 && buf.startsWith(BOM) ? 1 : 0;
      return { emit: skip, place: mode === 'prefix' ? snippet + nl + nl : snippet };
    }
    if (mode === 'middle') return this.scanMiddle(buf);
    this.tail.update(buf);
    return { emit: buf.length };
  }

  private scanMiddle(buf: string): Step {
    const { snippet, newline: nl, minChars } = this.r;
    for (let i = 0; i < buf.length; i++) {
      const c = buf.charCodeAt(i);
      if (c === 10) {
        if (this.lineBlank && !this.prevLineBlank && this.tail.total + i + 1 >= minChars) {
          this.tail.update(buf.slice(0, i + 1));
          return { emit: i + 1, place: snippet + nl + nl };
        }
        this.prevLineBlank = this.lineBlank;
        this.lineBlank = true;
      } else if (!isSpace(c)) this.lineBlank = false;
    }
    this.tail.update(buf);
    return { emit: buf.length };
  }

  finish(): string {
    const { mode, snippet, newline: nl } = this.r;
    if (mode === 'corner') return this.tail.inlineAfter(snippet, nl);
    return this.tail.paragraphAfter(snippet, nl);
  }
}

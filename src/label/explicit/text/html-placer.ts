import type { ResolvedTextLabel } from './options.ts';
import { BOM, isSpace, type Placer, type Step, TextTail } from './placer.ts';

/**
 * HTML: the label is an element (`<p class="aigc-label">`, a `<span>` for the corner mark) inserted only between
 * tokens of the HTML tokenizer's data state (WHATWG HTML §13.2.5, simplified): never inside a tag or an attribute
 * value, a comment, a doctype, or the raw text of `<script>`, `<style>`, `<textarea>`, `<title>`.
 *
 * - prefix, corner (start): right after `<body …>`; without a body tag, before the first thing that belongs to the
 *   body (text that is not white space, or a tag that cannot sit in `<head>`);
 * - middle: after the first `</p>` ending past `minChars` characters that is not inside `<pre>`, `<code>`, a table,
 *   a list, a link, a block quote or other element where a paragraph would be out of place;
 * - suffix, corner (end), and middle without such a `</p>`: before `</body>`, else before `</html>`, else at the end.
 *
 * Held back, only while the label may go right before a tag that is not finished yet: a `<` at the end of the input;
 * in the start modes `<` with a name that is still a prefix of one of BEFORE_BODY (the whole name included: `<head`
 * may become `<header`), or `</` with a prefix of head, html, body; in the end modes `</` with a prefix of body or
 * html. That is at most 9 characters (`<noscript`), released by the next character. A `<` followed by anything else
 * (`<p`, `<!`, `</p`, `< `) is decided at once.
 */
type State =
  | 'data'
  | 'tagOpen'
  | 'endTagOpen'
  | 'tagName'
  | 'attrs'
  | 'attrDq'
  | 'attrSq'
  | 'markup'
  | 'comment'
  | 'bogus'
  | 'raw';

/** Elements whose content is raw text: no tags inside until their own end tag. */
const RAW = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'noscript']);
/** Elements that may open the document before the body: the label goes after them. */
const BEFORE_BODY = [
  'html',
  'head',
  'title',
  'meta',
  'link',
  'style',
  'script',
  'noscript',
  'base',
  'template',
  'basefont',
  'bgsound',
  'body',
];
const END_BEFORE_BODY = ['head', 'html', 'body'];
const DOCUMENT_END = ['body', 'html'];
/** A paragraph inserted inside these would change their meaning or be invalid. */
const AVOID = new Set([
  'pre',
  'code',
  'table',
  'ul',
  'ol',
  'dl',
  'a',
  'button',
  'select',
  'svg',
  'math',
  'template',
  'blockquote',
  'details',
  'figure',
]);
const NEVER_ENDS = '\u0000';

const isLetter = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isNameChar = (c: string): boolean => isLetter(c) || (c >= '0' && c <= '9') || c === '-';

type Peek = { name: string; complete: boolean } | 'wait';

/** The tag name at `from`, as far as needed to tell whether it is one of `names`. */
function peekName(buf: string, from: number, final: boolean, names: readonly string[]): Peek {
  let k = from;
  while (k < buf.length && isNameChar(buf[k]!)) k++;
  const name = buf.slice(from, k).toLowerCase();
  if (k < buf.length || final) return { name, complete: true };
  return names.some((n) => n.startsWith(name)) ? 'wait' : { name, complete: false };
}

const isOneOf = (p: { name: string; complete: boolean }, names: readonly string[]): boolean =>
  p.complete && names.includes(p.name);

export class HtmlPlacer implements Placer {
  private readonly tail = new TextTail();
  private readonly atStart: boolean;
  private readonly atEnd: boolean;
  private s: State = 'data';
  private name = '';
  private endTag = false;
  private afterEq = false;
  private selfClosing = false;
  private dashes = 0;
  private rawEnd = '';
  private rawMatched = 0;
  private avoid = 0;

  constructor(private readonly r: ResolvedTextLabel) {
    const { mode, corner } = r;
    this.atStart = mode === 'prefix' || (mode === 'corner' && corner === 'start');
    this.atEnd = mode === 'suffix' || mode === 'middle' || (mode === 'corner' && corner === 'end');
  }

  private commit(buf: string, n: number, place?: string): Step {
    this.tail.update(n === buf.length ? buf : buf.slice(0, n));
    return place === undefined ? { emit: n } : { emit: n, place };
  }

  scan(buf: string, final: boolean): Step {
    const { snippet } = this.r;
    for (let i = 0; i < buf.length; i++) {
      const c = buf[i]!;
      switch (this.s) {
        case 'data':
          if (c === '<') {
            const d = this.beforeTag(buf, i, final);
            if (d === 'wait') return this.commit(buf, i);
            if (d === 'here') return this.commit(buf, i, snippet);
            this.s = 'tagOpen';
          } else if (this.atStart && c !== BOM && !isSpace(c.charCodeAt(0))) return this.commit(buf, i, snippet);
          break;
        case 'tagOpen':
          if (isLetter(c)) this.startTag(c, false);
          else if (c === '/') this.s = 'endTagOpen';
          else if (c === '!') {
            this.s = 'markup';
            this.dashes = 0;
          } else if (c === '?') this.s = 'bogus';
          else {
            // A `<` that opens no tag is text.
            this.s = 'data';
            i--;
          }
          break;
        case 'endTagOpen':
          if (isLetter(c)) this.startTag(c, true);
          else this.s = c === '>' ? 'data' : 'bogus';
          break;
        case 'tagName':
          if (c === '>') {
            if (this.tagEnd(i)) return this.commit(buf, i + 1, snippet);
          } else if (isSpace(c.charCodeAt(0))) this.s = 'attrs';
          else if (c === '/') {
            this.s = 'attrs';
            this.selfClosing = true;
          } else this.name += c.toLowerCase();
          break;
        case 'attrs':
          if (c === '>') {
            if (this.tagEnd(i)) return this.commit(buf, i + 1, snippet);
          } else if ((c === '"' || c === "'") && this.afterEq) this.s = c === '"' ? 'attrDq' : 'attrSq';
          else if (c === '=') this.afterEq = true;
          else if (c === '/') {
            this.selfClosing = true;
            this.afterEq = false;
          } else if (!isSpace(c.charCodeAt(0))) {
            this.afterEq = false;
            this.selfClosing = false;
          }
          break;
        case 'attrDq':
        case 'attrSq':
          if (c === (this.s === 'attrDq' ? '"' : "'")) {
            this.s = 'attrs';
            this.afterEq = false;
          }
          break;
        case 'markup':
          if (c === '-' && this.dashes === 0) this.dashes = 1;
          else if (c === '-' && this.dashes === 1) {
            this.s = 'comment';
            // `<!-->` and `<!--->` end at once (abrupt comments).
            this.dashes = 2;
          } else this.s = c === '>' ? 'data' : 'bogus';
          break;
        case 'comment':
          if (c === '-') this.dashes++;
          else {
            if (c === '>' && this.dashes >= 2) this.s = 'data';
            this.dashes = 0;
          }
          break;
        case 'bogus':
          if (c === '>') this.s = 'data';
          break;
        case 'raw':
          if (this.rawEnd === NEVER_ENDS) break;
          if (this.rawMatched === this.rawEnd.length) {
            if (isSpace(c.charCodeAt(0)) || c === '/' || c === '>') {
              this.s = 'tagName';
              this.name = this.rawEnd.slice(2);
              this.endTag = true;
              this.selfClosing = false;
              i--;
              break;
            }
            this.rawMatched = 0;
          }
          if (c.toLowerCase() === this.rawEnd[this.rawMatched]) this.rawMatched++;
          else this.rawMatched = c === '<' ? 1 : 0;
          break;
      }
    }
    return this.commit(buf, buf.length);
  }

  private startTag(c: string, end: boolean): void {
    this.s = 'tagName';
    this.name = c.toLowerCase();
    this.endTag = end;
    this.afterEq = false;
    this.selfClosing = false;
  }

  /** Whether the label goes before the `<` at `i`: 'here', 'no', or 'wait' for more of the tag name. */
  private beforeTag(buf: string, i: number, final: boolean): 'here' | 'no' | 'wait' {
    if (!this.atStart && !this.atEnd) return 'no';
    const next = buf[i + 1];
    if (next === undefined) return final ? (this.atStart ? 'here' : 'no') : 'wait';
    if (this.atStart) {
      if (next === '!' || next === '?') return 'no';
      if (next === '/') {
        const p = peekName(buf, i + 2, final, END_BEFORE_BODY);
        if (p === 'wait') return 'wait';
        return p.name === '' || isOneOf(p, END_BEFORE_BODY) ? 'no' : 'here';
      }
      if (!isLetter(next)) return 'here';
      const p = peekName(buf, i + 1, final, BEFORE_BODY);
      if (p === 'wait') return 'wait';
      return isOneOf(p, BEFORE_BODY) ? 'no' : 'here';
    }
    if (next !== '/') return 'no';
    const p = peekName(buf, i + 2, final, DOCUMENT_END);
    if (p === 'wait') return 'wait';
    return isOneOf(p, DOCUMENT_END) ? 'here' : 'no';
  }

  /** At the `>` that ends a tag: true when the label goes right after it. */
  private tagEnd(i: number): boolean {
    this.s = 'data';
    const name = this.name;
    if (this.endTag) {
      if (AVOID.has(name)) this.avoid = Math.max(0, this.avoid - 1);
      return this.r.mode === 'middle' && name === 'p' && this.avoid === 0 && this.tail.total + i + 1 >= this.r.minChars;
    }
    if (RAW.has(name)) {
      this.s = 'raw';
      this.rawEnd = `</${name}`;
      this.rawMatched = 0;
    } else if (name === 'plaintext') {
      this.s = 'raw';
      this.rawEnd = NEVER_ENDS;
      this.rawMatched = 0;
    }
    if (AVOID.has(name) && !this.selfClosing) this.avoid++;
    return this.atStart && name === 'body';
  }

  finish(): string {
    return this.tail.total === 0 ? '' : this.r.snippet;
  }
}

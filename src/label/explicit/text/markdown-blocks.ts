/**
 * The block structure of Markdown, line by line, as far as placing a label needs it (CommonMark 0.31 §4–5, with
 * GFM tables read as paragraphs): container blocks (block quotes, list items) and the open leaf block (paragraph,
 * fenced code, indented code, HTML block). It answers two questions: did this blank line end a paragraph at the top
 * level (a safe place for a label), and what must be closed at the end of the text before a label can follow.
 */

type Container = { kind: 'quote' } | { kind: 'item'; indent: number };

type Leaf =
  | { kind: 'none' }
  | { kind: 'paragraph' }
  | { kind: 'fence'; char: string; length: number; close: RegExp }
  | { kind: 'indented' }
  /** `end`: the text that ends an HTML block of kinds 1–5, or null for kinds 6–7 (ended by a blank line). */
  | { kind: 'html'; end: string | null };

const NONE: Leaf = { kind: 'none' };

export interface LineResult {
  blank: boolean;
  /** This blank line closed a paragraph that sat outside every container. */
  endedTopParagraph: boolean;
}

/** Columns of leading white space (tabs to the next multiple of 4) and the index of the first other character. */
function indentOf(s: string): { cols: number; at: number } {
  let cols = 0;
  let at = 0;
  for (; at < s.length; at++) {
    const c = s.charCodeAt(at);
    if (c === 32) cols++;
    else if (c === 9) cols += 4 - (cols % 4);
    else break;
  }
  return { cols, at };
}

/** Remove `n` columns of indentation (a tab that straddles the cut leaves its remaining columns as spaces). */
function stripCols(s: string, n: number): string {
  let cols = 0;
  let i = 0;
  while (i < s.length && cols < n) {
    const c = s.charCodeAt(i);
    if (c === 32) cols++;
    else if (c === 9) cols += 4 - (cols % 4);
    else break;
    i++;
  }
  return ' '.repeat(Math.max(0, cols - n)) + s.slice(i);
}

const isBlank = (s: string): boolean => /^[ \t]*$/.test(s);

const QUOTE = /^ {0,3}>[ \t]?/;
const BULLET_OR_ORDERED = /^( {0,3})([-+*]|(\d{1,9})[.)])([ \t]+|$)/;
const THEMATIC = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const ATX = /^ {0,3}#{1,6}(?:[ \t]|$)/;
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const SETEXT = /^ {0,3}(?:=+|-+)[ \t]*$/;
const HTML_1 = /^ {0,3}<(script|pre|style|textarea)(?:[ \t>]|$)/i;
const HTML_6 =
  /^ {0,3}<\/?(?:address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h[1-6]|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|thead|title|tr|track|ul)(?:[ \t]|\/?>|$)/i;
const HTML_7 =
  /^ {0,3}(?:<[A-Za-z][A-Za-z0-9-]*(?:[ \t]+[A-Za-z_:][A-Za-z0-9_.:-]*(?:[ \t]*=[ \t]*(?:[^ \t"'=<>`]+|'[^']*'|"[^"]*"))?)*[ \t]*\/?>|<\/[A-Za-z][A-Za-z0-9-]*[ \t]*>)[ \t]*$/;

/** An HTML block start (CommonMark §4.6): the text that ends it (kinds 1–5) or null (6–7), or undefined for none. */
function htmlStart(s: string, inParagraph: boolean): { end: string | null } | undefined {
  const m1 = HTML_1.exec(s);
  if (m1) return { end: `</${m1[1]!.toLowerCase()}>` };
  const t = s.trimStart();
  if (t.startsWith('<!--')) return { end: '-->' };
  if (t.startsWith('<?')) return { end: '?>' };
  if (t.startsWith('<![CDATA[')) return { end: ']]>' };
  if (/^<![A-Za-z]/.test(t)) return { end: '>' };
  if (HTML_6.test(s)) return { end: null };
  if (!inParagraph && HTML_7.test(s)) return { end: null };
  return undefined;
}

/** Where the end text of an HTML block of kinds 1–5 is searched: after the start (`<!-->` does not end a comment). */
function htmlEnds(s: string, end: string, from: number): boolean {
  return end.startsWith('</') ? s.toLowerCase().includes(end, from) : s.includes(end, from);
}

function listItem(s: string, inParagraph: boolean): { indent: number; rest: string } | undefined {
  if (THEMATIC.test(s)) return undefined;
  const m = BULLET_OR_ORDERED.exec(s);
  if (!m) return undefined;
  const rest = s.slice(m[0].length);
  const empty = isBlank(rest);
  // CommonMark §5.2: a list item interrupts a paragraph only when it is not empty and, if ordered, starts at 1.
  if (inParagraph && (empty || (m[3] !== undefined && Number(m[3]) !== 1))) return undefined;
  const marker = m[1]!.length + m[2]!.length;
  const spaces = indentOf(m[4]!).cols;
  // 5 or more spaces after the marker: the item starts with indented code, its content one column after the marker.
  const width = empty || spaces > 4 ? 1 : spaces;
  return { indent: marker + width, rest: spaces > 4 ? stripCols(m[4]!, 1) + rest : rest };
}

/** Starts of blocks that can interrupt a paragraph, so a line that matches one is never a lazy continuation. */
function interruptsParagraph(s: string): boolean {
  if (indentOf(s).cols >= 4) return false;
  return (
    QUOTE.test(s) ||
    ATX.test(s) ||
    FENCE_OPEN.test(s) ||
    THEMATIC.test(s) ||
    listItem(s, true) !== undefined ||
    htmlStart(s, true) !== undefined
  );
}

export class MarkdownBlocks {
  private containers: Container[] = [];
  private leaf: Leaf = NONE;
  /** How many containers enclose the open leaf. */
  private leafDepth = 0;

  /** Feed one complete line, without its line break (a trailing CR is ignored). */
  line(raw: string): LineResult {
    let rest = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    let matched = 0;
    for (const c of this.containers) {
      if (c.kind === 'quote') {
        const m = QUOTE.exec(rest);
        if (!m) break;
        rest = rest.slice(m[0].length);
      } else if (!isBlank(rest)) {
        if (indentOf(rest).cols < c.indent) break;
        rest = stripCols(rest, c.indent);
      }
      matched++;
    }
    const leafOpen = this.leafDepth === this.containers.length;
    if (matched === this.containers.length && leafOpen) {
      const handled = this.continueLeaf(rest);
      if (handled) return handled;
    } else if (matched < this.containers.length) {
      // CommonMark §5.1: a paragraph continues lazily through a line that starts no other block.
      if (this.leaf.kind === 'paragraph' && !isBlank(rest) && !interruptsParagraph(rest)) return this.result(false);
      this.containers.length = matched;
      if (this.leafDepth > matched) this.leaf = NONE;
    }
    for (;;) {
      const inParagraph = this.leaf.kind === 'paragraph';
      const q = indentOf(rest).cols < 4 ? QUOTE.exec(rest) : null;
      if (q) {
        this.open({ kind: 'quote' });
        rest = rest.slice(q[0].length);
        continue;
      }
      const item = indentOf(rest).cols < 4 ? listItem(rest, inParagraph) : undefined;
      if (item) {
        this.open({ kind: 'item', indent: item.indent });
        rest = item.rest;
        continue;
      }
      break;
    }
    return this.startLeaf(rest);
  }

  private open(c: Container): void {
    this.containers.push(c);
    this.leaf = NONE;
    this.leafDepth = this.containers.length;
  }

  private result(blank: boolean, endedTopParagraph = false): LineResult {
    return { blank, endedTopParagraph };
  }

  /** A line inside an open fenced, indented or HTML block; undefined when the line starts something new. */
  private continueLeaf(rest: string): LineResult | undefined {
    const leaf = this.leaf;
    if (leaf.kind === 'fence') {
      if (leaf.close.test(rest)) this.leaf = NONE;
      return this.result(false);
    }
    if (leaf.kind === 'html') {
      if (leaf.end === null) {
        if (!isBlank(rest)) return this.result(false);
        this.leaf = NONE;
        return this.result(true);
      }
      if (htmlEnds(rest, leaf.end, 0)) this.leaf = NONE;
      return this.result(false);
    }
    if (leaf.kind === 'indented') {
      if (isBlank(rest) || indentOf(rest).cols >= 4) return this.result(isBlank(rest));
      this.leaf = NONE;
    }
    return undefined;
  }

  private startLeaf(rest: string): LineResult {
    const depth = this.containers.length;
    const inParagraph = this.leaf.kind === 'paragraph' && this.leafDepth === depth;
    if (isBlank(rest)) {
      const top = inParagraph && depth === 0;
      if (this.leaf.kind === 'paragraph') this.leaf = NONE;
      return this.result(true, top);
    }
    if (indentOf(rest).cols >= 4) {
      if (!inParagraph) this.setLeaf({ kind: 'indented' });
      return this.result(false);
    }
    const fence = FENCE_OPEN.exec(rest);
    if (fence && !(fence[1]![0] === '`' && fence[2]!.includes('`'))) {
      const char = fence[1]![0]!;
      const length = fence[1]!.length;
      const close = new RegExp(`^ {0,3}${char === '`' ? '`' : '~'}{${length},}[ \\t]*$`);
      this.setLeaf({ kind: 'fence', char, length, close });
      return this.result(false);
    }
    if (ATX.test(rest)) {
      this.leaf = NONE;
      return this.result(false);
    }
    const html = htmlStart(rest, inParagraph);
    if (html) {
      const start = rest.indexOf('<');
      const endsHere = html.end !== null && htmlEnds(rest, html.end, start + 2);
      this.setLeaf(endsHere ? NONE : { kind: 'html', end: html.end });
      return this.result(false);
    }
    // A paragraph followed by === or --- is a setext heading (§4.3), which takes precedence over a thematic break.
    if ((inParagraph && SETEXT.test(rest)) || THEMATIC.test(rest)) {
      this.leaf = NONE;
      return this.result(false);
    }
    if (!inParagraph) this.setLeaf({ kind: 'paragraph' });
    return this.result(false);
  }

  private setLeaf(leaf: Leaf): void {
    this.leaf = leaf;
    this.leafDepth = this.containers.length;
  }

  /**
   * What must be appended so that text after it is outside any open block: a fence or an HTML block of kinds 1–5
   * open at the top level runs to the end of the document, and would swallow a label. Blocks inside a container
   * close with it (a line that is not indented ends a list item or block quote), so they need nothing.
   */
  closers(): string | null {
    if (this.containers.length !== 0 || this.leafDepth !== 0) return null;
    if (this.leaf.kind === 'fence') return this.leaf.char.repeat(this.leaf.length);
    if (this.leaf.kind === 'html' && this.leaf.end !== null) return this.leaf.end;
    return null;
  }
}

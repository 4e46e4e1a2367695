import type { Line } from './front-matter.ts';

/**
 * The YAML 1.2 subset front matter needs (no dependency): a block mapping at the top level, found line by line, and
 * the value of one key parsed as a block mapping, a flow mapping `{k: v, …}`, a block scalar or a single scalar
 * (plain, 'single' or "double" quoted; plain scalars resolved by the core schema, so `Label: 1` is a number).
 * Anything deeper is reported, not guessed.
 */

export type Scalar = string | number | boolean | null;

export interface TopEntry {
  key: string;
  /** Index of the key line and of the last line belonging to the entry. */
  first: number;
  last: number;
}

export interface TopLevel {
  entries: TopEntry[];
  /** False when a line at column 0 is neither a key nor a comment (a sequence or flow document). */
  mapping: boolean;
}

const KEY = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#\-?:,[\]{}&*!|>'"%@`][^\n]*?|-[^\s][^\n]*?)[ \t]*:(?=[ \t]|$)/;
const blank = (t: string): boolean => /^\s*(#.*)?$/.test(t);

export function topLevel(lines: Line[]): TopLevel {
  const entries: TopEntry[] = [];
  let mapping = true;
  lines.forEach((l, i) => {
    const t = l.text;
    if (blank(t)) return;
    if (/^[ \t]/.test(t)) {
      const cur = entries.at(-1);
      if (cur) cur.last = i;
      return;
    }
    const m = KEY.exec(t);
    if (m) {
      entries.push({ key: unquoteKey(m[1]!), first: i, last: i });
      return;
    }
    mapping = false;
    const cur = entries.at(-1);
    if (cur) cur.last = i;
  });
  return { entries, mapping };
}

function unquoteKey(k: string): string {
  if (k.startsWith('"') || k.startsWith("'")) return String(scalar(k).value);
  return k.trim();
}

/** The text after the key's colon on the key line. */
export function inlineValue(line: string): string {
  const m = KEY.exec(line);
  return m ? line.slice(m[0].length).trim() : '';
}

const DQ_ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\x85',
  _: '\xa0',
  L: '\u2028',
  P: '\u2029',
};

/** One scalar at the start of `s`; returns it and the rest of the text after it. */
export function scalar(s: string, stops = ''): { value: Scalar; rest: string; ok: boolean } {
  if (s.startsWith('"')) {
    let out = '';
    for (let i = 1; i < s.length; i++) {
      const c = s[i]!;
      if (c === '"') return { value: out, rest: s.slice(i + 1), ok: true };
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = s[++i] ?? '';
      const hex = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
      if (hex) {
        const h = s.slice(i + 1, i + 1 + hex);
        const cp = /^[0-9a-fA-F]+$/.test(h) && h.length === hex ? Number.parseInt(h, 16) : -1;
        if (cp < 0 || cp > 0x10ffff) return { value: out, rest: '', ok: false };
        out += String.fromCodePoint(cp);
        i += hex;
      } else if (e in DQ_ESCAPES) out += DQ_ESCAPES[e];
      else return { value: out, rest: '', ok: false };
    }
    return { value: out, rest: '', ok: false };
  }
  if (s.startsWith("'")) {
    let out = '';
    for (let i = 1; i < s.length; i++) {
      if (s[i] !== "'") out += s[i];
      else if (s[i + 1] === "'") {
        out += "'";
        i++;
      } else return { value: out, rest: s.slice(i + 1), ok: true };
    }
    return { value: out, rest: '', ok: false };
  }
  let end = s.length;
  for (let i = 0; i < s.length; i++) {
    if (stops.includes(s[i]!) || (s[i] === '#' && (i === 0 || /\s/.test(s[i - 1]!)))) {
      end = i;
      break;
    }
  }
  return { value: resolvePlain(s.slice(0, end).trim()), rest: s.slice(end), ok: true };
}

/** YAML 1.2 core schema (§10.3.2): null, booleans, integers and floats; anything else is a string. */
function resolvePlain(t: string): Scalar {
  if (/^(null|Null|NULL|~)?$/.test(t)) return null;
  if (/^(true|True|TRUE)$/.test(t)) return true;
  if (/^(false|False|FALSE)$/.test(t)) return false;
  if (/^[-+]?[0-9]+$/.test(t)) return Number(t);
  if (/^0o[0-7]+$/.test(t)) return Number.parseInt(t.slice(2), 8);
  if (/^0x[0-9a-fA-F]+$/.test(t)) return Number.parseInt(t.slice(2), 16);
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(t)) return Number(t);
  if (/^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$/.test(t)) return null;
  return t;
}

const restIsEmpty = (rest: string): boolean => /^\s*(#.*)?$/.test(rest);

export interface ParsedValue {
  /** The value as JSON text, for the label parser (a mapping becomes an object, a string stays the text itself). */
  text: string;
  problems: string[];
}

/** The value of a top-level entry, as label text. */
export function entryValue(lines: Line[], e: TopEntry): ParsedValue {
  const inline = inlineValue(lines[e.first]!.text);
  const body = lines.slice(e.first + 1, e.last + 1).filter((l) => !blank(l.text));
  if (inline.startsWith('{')) return flowMapping([inline, ...body.map((l) => l.text.trim())].join(' '));
  if (/^[|>]/.test(inline)) {
    const texts = body.map((l) => l.text.trim());
    return { text: texts.join(inline.startsWith('|') ? '\n' : ' '), problems: [] };
  }
  if (inline !== '' && !inline.startsWith('#')) {
    const v = scalar([inline, ...body.map((l) => l.text.trim())].join(' '));
    const problems = v.ok && restIsEmpty(v.rest) ? [] : ['the AIGC value is not a well-formed scalar'];
    return { text: typeof v.value === 'string' ? v.value : JSON.stringify(v.value), problems };
  }
  return blockMapping(body);
}

function blockMapping(body: Line[]): ParsedValue {
  const obj: Record<string, Scalar> = {};
  const problems: string[] = [];
  const indent = body[0] ? /^[ \t]*/.exec(body[0].text)![0].length : 0;
  let last: string | undefined;
  for (const l of body) {
    const ind = /^[ \t]*/.exec(l.text)![0].length;
    const t = l.text.slice(ind);
    if (ind > indent) {
      // Deeper lines: a nested structure or a multi-line scalar, neither of which a label field may be.
      if (last !== undefined) obj[last] = null;
      problems.push('an AIGC field is not a single-line scalar');
      continue;
    }
    const m = KEY.exec(t);
    if (ind < indent || !m) {
      problems.push('the AIGC value is not a simple mapping');
      continue;
    }
    const key = unquoteKey(m[1]!);
    if (key in obj) problems.push('an AIGC field is given twice');
    const v = scalar(t.slice(m[0].length).trim());
    if (!v.ok || !restIsEmpty(v.rest)) problems.push('an AIGC field is not a well-formed scalar');
    obj[key] = v.value;
    last = key;
  }
  return { text: JSON.stringify(obj), problems };
}

function flowMapping(s: string): ParsedValue {
  const obj: Record<string, Scalar> = {};
  const problems: string[] = [];
  let rest = s.slice(1).trimStart();
  for (let guard = 0; guard < 10_000 && rest !== '' && !rest.startsWith('}'); guard++) {
    const k = scalar(rest, ':,}');
    rest = k.rest.trimStart();
    if (!k.ok || !rest.startsWith(':')) {
      problems.push('the AIGC flow mapping is malformed');
      return { text: JSON.stringify(obj), problems };
    }
    rest = rest.slice(1).trimStart();
    const v = rest.startsWith('{') || rest.startsWith('[') ? { value: null, rest: '', ok: false } : scalar(rest, ',}');
    if (!v.ok) problems.push('an AIGC field is not a scalar');
    const key = String(k.value);
    if (key in obj) problems.push('an AIGC field is given twice');
    obj[key] = v.value;
    rest = v.rest.trimStart();
    if (rest.startsWith(',')) rest = rest.slice(1).trimStart();
  }
  if (!rest.startsWith('}')) problems.push('the AIGC flow mapping is not closed');
  return { text: JSON.stringify(obj), problems };
}

import { HeguiError, malformed } from '../../../errors.ts';
import type { ByteSource } from '../../io/source.ts';
import { hasBom } from '../text/utf8.ts';

/**
 * YAML front matter (the Jekyll / Hugo / CommonMark-tooling convention): a `---` line at the very start of the file,
 * YAML, and a closing `---` (or `...`) line. Located on bytes, so every offset is a byte offset into the file.
 */

/** Front matter is a handful of keys; a block longer than this is not front matter a person wrote. */
export const MAX_FRONT_MATTER = 1024 * 1024;

export interface Line {
  /** Byte offsets: start of the line, end of its text, start of the next line. */
  start: number;
  end: number;
  next: number;
  text: string;
}

export interface FrontMatter {
  /** The opening `---` line's end (the YAML starts here) and the closing line's start and end. */
  yamlStart: number;
  closeStart: number;
  closeEnd: number;
  eol: string;
  lines: Line[];
}

const OPEN = /^---[ \t]*\r?\n/;

/** True when the bytes start (after an optional BOM) with a `---` line. */
export function opensFrontMatter(head: Uint8Array): boolean {
  const at = hasBom(head) ? 3 : 0;
  return OPEN.test(Buffer.from(head.subarray(at, at + 64)).toString('latin1'));
}

export async function findFrontMatter(src: ByteSource): Promise<FrontMatter> {
  const n = Math.min(src.size, MAX_FRONT_MATTER + 16);
  const bytes = await src.read(0, n);
  const latin = Buffer.from(bytes).toString('latin1');
  const bom = hasBom(bytes) ? 3 : 0;
  const open = OPEN.exec(latin.slice(bom));
  if (!open) throw malformed('the file does not start with a front matter line');
  const yamlStart = bom + open[0].length;
  const eol = open[0].endsWith('\r\n') ? '\r\n' : '\n';
  const lines: Line[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (let p = yamlStart; p < n; ) {
    const nl = latin.indexOf('\n', p);
    if (nl < 0 && n < src.size) break; // the window ends mid-line
    const next = nl < 0 ? n : nl + 1;
    const end = nl < 0 ? n : nl > p && latin[nl - 1] === '\r' ? nl - 1 : nl;
    const raw = latin.slice(p, end);
    if (/^(---|\.\.\.)[ \t]*$/.test(raw)) return { yamlStart, closeStart: p, closeEnd: next, eol, lines };
    let text: string;
    try {
      text = decoder.decode(bytes.subarray(p, end));
    } catch {
      throw malformed('the front matter is not valid UTF-8', p);
    }
    lines.push({ start: p, end, next, text });
    p = next;
  }
  if (src.size > MAX_FRONT_MATTER) {
    throw new HeguiError('oversize', `the front matter is not closed within ${MAX_FRONT_MATTER} bytes`, {
      limit: MAX_FRONT_MATTER,
    });
  }
  throw malformed('the front matter is never closed (no second --- line)');
}

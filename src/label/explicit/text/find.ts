/**
 * Finding explicit labels in text that someone else wrote (the verifier's side of GB 45438 §5 for text): a prompt
 * naming the AI element ("人工智能", "AI") and the generation element ("生成", "合成") close together, at the start,
 * at the end or in the middle of the text, or a corner mark that is the AI element alone in brackets at either end.
 */
export type TextLabelPosition = 'prefix' | 'suffix' | 'middle';

export interface FoundTextLabel {
  position: TextLabelPosition;
  kind: 'prompt' | 'corner';
  /** UTF-16 offsets into the text, end exclusive. */
  start: number;
  end: number;
  text: string;
}

/** How far from either end a prompt still counts as a prefix or suffix (characters). */
const EDGE = 200;
/** Text longer than this is searched only near its ends and a bounded middle, so the check stays linear and cheap. */
const MAX_SCAN = 4 * 1024 * 1024;

// The AI element then the generation element within a short phrase ("本内容由人工智能生成", "AI合成"), or the
// reverse order ("生成式人工智能" is a name, not a label, so the reverse needs "由…生成" shape: not accepted).
const PROMPT = /(?:人工智能|ＡＩ|AI)[^\n。！？!?]{0,12}?(?:生成|合成)/g;
const CORNER = /[【[（(〔]\s*(?:AI|ＡＩ)\s*[】\]）)〕]/g;

function positionOf(start: number, end: number, length: number): TextLabelPosition {
  if (start < EDGE) return 'prefix';
  if (length - end < EDGE) return 'suffix';
  return 'middle';
}

export function findTextLabels(text: string): FoundTextLabel[] {
  const scanned = text.length > MAX_SCAN ? text.slice(0, MAX_SCAN) : text;
  const found: FoundTextLabel[] = [];
  for (const m of scanned.matchAll(PROMPT)) {
    // "AI" inside a Latin word ("MAIL", "AIR") is not the AI element; "AIGC" (AI-generated content) is.
    const before = scanned[m.index - 1] ?? '';
    const rest = scanned.slice(m.index + 2, m.index + 5);
    if (
      m[0].startsWith('AI') &&
      (/[A-Za-z]/.test(before) || (/^[A-Za-z]/.test(rest) && !/^GC(?![A-Za-z])/.test(rest)))
    ) {
      continue;
    }
    const start = m.index;
    const end = start + m[0].length;
    found.push({ position: positionOf(start, end, text.length), kind: 'prompt', start, end, text: m[0] });
  }
  for (const m of scanned.matchAll(CORNER)) {
    const start = m.index;
    const end = start + m[0].length;
    const position = positionOf(start, end, text.length);
    // A corner mark counts only at an end of the text (GB 45438 §5: the mark sits in a corner).
    if (position !== 'middle') found.push({ position, kind: 'corner', start, end, text: m[0] });
  }
  return found.sort((a, b) => a.start - b.start);
}

/**
 * The streaming labeller against labelText: the text split at every position into two chunks, and at random
 * positions into many (fast-check), gives exactly the whole-text result, with the label once, and never holds back
 * more than MAX_HOLD characters (nor more than the first chunk when there are two).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  type CornerPosition,
  createStreamLabeller,
  isHeguiError,
  labelText,
  MAX_HOLD,
  type StreamLabelOptions,
  type TextFormat,
  type TextLabelMode,
} from '../../src/index.ts';
import { DOCS } from './documents.ts';

const VARIANTS: { mode: TextLabelMode; corner?: CornerPosition; minChars?: number }[] = [
  { mode: 'prefix' },
  { mode: 'suffix' },
  { mode: 'middle' },
  { mode: 'middle', minChars: 40 },
  { mode: 'corner' },
  { mode: 'corner', corner: 'end' },
];

interface Run {
  out: string;
  pieces: string[];
  maxHeld: number;
  heldAfterFirst: number;
}

function stream(chunks: string[], o: StreamLabelOptions): Run {
  const l = createStreamLabeller(o);
  const pieces: string[] = [];
  let maxHeld = 0;
  let heldAfterFirst = -1;
  for (const c of chunks) {
    pieces.push(...l.push(c));
    maxHeld = Math.max(maxHeld, l.held);
    if (heldAfterFirst < 0) heldAfterFirst = l.held;
  }
  pieces.push(...l.end());
  assert.equal(l.held, 0);
  return { out: pieces.join(''), pieces, maxHeld, heldAfterFirst };
}

const whole = (text: string, format: TextFormat, v: (typeof VARIANTS)[number]): string =>
  labelText(text, { ...v, format, newline: '\n', idempotent: false });

const labelPiece = (format: TextFormat, v: (typeof VARIANTS)[number]): string => {
  const l = createStreamLabeller({ ...v, format });
  return [...l.push('x'), ...l.end()].join('').replace('x', '').trim();
};

describe('streaming: every split into two chunks', () => {
  for (const d of DOCS) {
    for (const v of VARIANTS) {
      it(`${d.name}, ${v.mode}${v.corner ? ` ${v.corner}` : ''}${v.minChars ? ` after ${v.minChars}` : ''}`, () => {
        const o = { ...v, format: d.format, newline: '\n' as const };
        const want = whole(d.text, d.format, v);
        const label = labelPiece(d.format, v);
        for (let i = 0; i <= d.text.length; i++) {
          const r = stream([d.text.slice(0, i), d.text.slice(i)], o);
          assert.equal(r.out, want, `split at ${i}`);
          assert.equal(r.pieces.filter((p) => p.trim() === label || p.includes(label)).length, 1, 'the label once');
          assert.ok(r.heldAfterFirst <= i, `held ${r.heldAfterFirst} of a first chunk of ${i}`);
          assert.ok(r.maxHeld <= MAX_HOLD, `held ${r.maxHeld}`);
        }
      });
    }
  }
});

describe('streaming: random splits into many chunks (fast-check)', () => {
  it('equals the whole-text result, the label once, bounded hold', () => {
    const cases = DOCS.flatMap((d) => VARIANTS.map((v) => ({ d, v })));
    fc.assert(
      fc.property(
        fc
          .constantFrom(...cases)
          .chain((c) =>
            fc.tuple(
              fc.constant(c),
              fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, c.d.text.length - 1) }), { maxLength: 60 }),
            ),
          ),
        ([{ d, v }, cuts]) => {
          const at = [0, ...cuts.sort((a, b) => a - b), d.text.length];
          const chunks = at.slice(1).map((end, i) => d.text.slice(at[i], end));
          const r = stream(chunks, { ...v, format: d.format, newline: '\n' });
          assert.equal(r.out, whole(d.text, d.format, v));
          assert.ok(r.maxHeld <= MAX_HOLD);
          assert.equal(r.out.split(labelPiece(d.format, v)).length - 1, 1);
        },
      ),
      { numRuns: 600 },
    );
  });

  it('one character at a time, for every document and mode', () => {
    for (const d of DOCS) {
      for (const v of VARIANTS) {
        const r = stream([...d.text], { ...v, format: d.format, newline: '\n' });
        assert.equal(r.out, whole(d.text, d.format, v), `${d.name} ${v.mode}`);
      }
    }
  });
});

/** Markdown documents assembled from blocks; code blocks are recorded so the test can check they stay whole. */
const block = fc.oneof(
  fc.constantFrom('A paragraph.', 'Two\nlines.', 'Some `inline\ncode` here.', '# Heading', 'Setext\n---', '***'),
  fc.constantFrom(
    '```\ncode\n\nmore\n```',
    '~~~~ info\n```\nnot closed by backticks\n~~~~',
    '    indented\n\n    code',
  ),
  fc.constantFrom('- item\n\n  ```\n  in item\n\n  x\n  ```', '> quote\n> ```\n> in quote\n>\n> ```', '1. one\n2. two'),
  fc.constantFrom('<!-- c\n\nc -->', '<div>\nhtml\n</div>', '<pre>\n\nkept\n</pre>', '| a |\n|---|\n| b |'),
);
const isCode = (b: string) => /```|~~~|^ {4}|<!--|<pre>|<div>/.test(b);

describe('streaming: generated Markdown', () => {
  it('never breaks a code block or HTML block apart, and streaming equals the whole text', () => {
    fc.assert(
      fc.property(
        fc.array(block, { minLength: 1, maxLength: 8 }),
        fc.constantFrom(...VARIANTS),
        fc.boolean(),
        fc.integer({ min: 1, max: 7 }),
        (blocks, v, frontMatter, step) => {
          const text = (frontMatter ? '---\nk: v\n---\n' : '') + blocks.join('\n\n') + '\n';
          const want = whole(text, 'markdown', v);
          for (const b of blocks.filter(isCode))
            assert.ok(want.includes(b), `broken: ${JSON.stringify(b)} in ${JSON.stringify(want)}`);
          const chunks: string[] = [];
          for (let i = 0; i < text.length; i += step) chunks.push(text.slice(i, i + step));
          assert.equal(stream(chunks, { ...v, format: 'markdown', newline: '\n' }).out, want);
        },
      ),
      { numRuns: 400 },
    );
  });
});

/**
 * Pieces as a model's tokenizer makes them: the text cut GPT-2-style into words with their leading space, numbers,
 * punctuation runs and white space, and each of those cut again into pieces of 1–4 characters (sub-word tokens).
 */
const PRETOKEN = /'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;
function tokenize(text: string, widths: number[]): string[] {
  const out: string[] = [];
  let w = 0;
  for (const m of text.matchAll(PRETOKEN)) {
    const word = m[0];
    for (let i = 0; i < word.length; ) {
      const n = widths[w++ % widths.length]!;
      out.push(word.slice(i, i + n));
      i += n;
    }
  }
  assert.equal(out.join(''), text);
  return out;
}

/** Tag names that may stand before the body, and the end tags that matter, as the README documents them. */
const BEFORE_BODY_TAGS = 'html head title meta link style script noscript base template basefont bgsound body'.split(
  ' ',
);
const isNamePrefix = (name: string, names: string[]) => names.some((n) => n.startsWith(name.toLowerCase()));

/**
 * The documented undecided constructs: what the labeller may hold after a push, given the text emitted before it.
 * Anything else held is a decided character held back.
 */
function undecided(held: string, before: string, format: TextFormat, v: (typeof VARIANTS)[number]): boolean {
  const atStart = v.mode === 'prefix' || (v.mode === 'corner' && v.corner !== 'end');
  if (format === 'plain' || !atStart) {
    if (format !== 'html') return false;
    // End modes: `<`, `</`, `</` + a prefix of body or html.
    const m = /^<(?:\/([A-Za-z]*))?$/.exec(held);
    return m !== null && (m[1] === undefined || isNamePrefix(m[1], ['body', 'html']));
  }
  if (format === 'markdown') {
    const opener = /^(?:-{1,3}|\+{1,3}|---\r|\+\+\+\r)$/.test(held) && (before === '' || before === '\ufeff');
    const lineStart = before === '' || before === '\ufeff' || before.endsWith('\n');
    const heading = v.mode === 'corner' && lineStart && /^ {0,3}#{0,6}$/.test(held);
    return opener || heading;
  }
  const start = /^<([A-Za-z][A-Za-z0-9-]*)?$/.exec(held);
  if (start) return start[1] === undefined || isNamePrefix(start[1], BEFORE_BODY_TAGS);
  const end = /^<\/([A-Za-z]*)$/.exec(held);
  return end !== null && isNamePrefix(end[1]!, ['head', 'html', 'body']);
}

/** Texts that open with the undecided constructs, next to the test documents. */
const TOKEN_DOCS: { name: string; format: TextFormat; text: string }[] = [
  ...DOCS,
  { name: 'front matter', format: 'markdown', text: '---\ntitle: 报告\n---\n   ### Heading\n\nText, more text.\n' },
  { name: 'dashes then text', format: 'markdown', text: '--- not front matter\n\n## Two\n\nEnd.\n' },
  { name: 'toml, CRLF', format: 'markdown', text: '+++\r\nx = 1\r\n+++\r\n###### Six\r\n\r\nBody.\r\n' },
  { name: 'seven hashes', format: 'markdown', text: '  ####### no heading\n' },
  {
    name: 'html head tags',
    format: 'html',
    text: '<html><head><noscript>n</noscript><template><p>t</p></template><basefont><bgsound></head><header>H</header><p>Body text here.</p></body></html>',
  },
  { name: 'html near misses', format: 'html', text: '<htmlx><bodyguard>x</bodyguard></bod></htm></body>' },
];

describe('streaming: tokenizer-like pieces (fast-check)', () => {
  it('holds only the documented undecided constructs, so beyond them never more than the last token', () => {
    const cases = TOKEN_DOCS.flatMap((d) => VARIANTS.map((v) => ({ d, v })));
    let spanned = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...cases),
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 40 }),
        ({ d, v }, widths) => {
          const l = createStreamLabeller({ ...v, format: d.format, newline: '\n' });
          const pieces: string[] = [];
          let input = '';
          for (const token of tokenize(d.text, widths)) {
            pieces.push(...l.push(token));
            input += token;
            const held = input.slice(input.length - l.held);
            const before = input.slice(0, input.length - l.held);
            assert.ok(l.held <= MAX_HOLD, `held ${l.held}`);
            if (l.held === 0) continue;
            assert.ok(
              undecided(held, before, d.format, v),
              `${d.name} ${v.mode}: held ${JSON.stringify(held)} after the token ${JSON.stringify(token)}`,
            );
            if (l.held > token.length) spanned++;
          }
          pieces.push(...l.end());
          assert.equal(pieces.join(''), whole(d.text, d.format, v));
        },
      ),
      { numRuns: 1500 },
    );
    // The exception is reached: some constructs were split over tokens and held past the last one.
    assert.ok(spanned > 0);
  });
});

describe('streaming: the contract', () => {
  it('passes every chunk through unchanged once the label is out', () => {
    const l = createStreamLabeller({ mode: 'prefix', format: 'plain' });
    assert.deepEqual(l.push('Hello'), ['以下内容由人工智能生成\n\n', 'Hello']);
    assert.equal(l.placed, true);
    assert.deepEqual(l.push(' world'), [' world']);
    assert.deepEqual(l.push(''), []);
    assert.deepEqual(l.end(), []);
  });

  it('an empty stream gets no label; end is idempotent; push after end is refused', () => {
    const l = createStreamLabeller({ mode: 'suffix' });
    assert.deepEqual(l.push(''), []);
    assert.deepEqual(l.end(), []);
    assert.deepEqual(l.end(), []);
    assert.throws(
      () => l.push('x'),
      (e: unknown) => isHeguiError(e) && e.code === 'usage',
    );
  });

  it('holds back only while the decision needs the next characters', () => {
    // A text opening with `-`: front matter or a paragraph? The prefix goes after the one or before the other.
    const l = createStreamLabeller({ mode: 'prefix', format: 'markdown' });
    assert.deepEqual(l.push('-'), []);
    assert.equal(l.held, 1);
    assert.deepEqual(l.push('-'), []);
    assert.deepEqual(l.push('-'), []);
    assert.equal(l.held, 3, 'one-character tokens of `---`: held until the character after them');
    assert.deepEqual(l.push('\n'), ['---\n']);
    assert.deepEqual(l.push('a: 1\n'), ['a: 1\n']);
    assert.deepEqual(l.push('---\nBody'), ['---\n', '以下内容由人工智能生成\n\n', 'Body']);
    const p = createStreamLabeller({ mode: 'prefix', format: 'markdown' });
    assert.deepEqual(p.push('--'), []);
    assert.deepEqual(p.push('x'), ['以下内容由人工智能生成\n\n', '--x']);
    // Where the label can never go before them, the same characters leave at once.
    for (const mode of ['suffix', 'middle'] as const) {
      const s = createStreamLabeller({ mode, format: 'markdown' });
      assert.deepEqual(s.push('-'), ['-']);
      assert.deepEqual(s.push('-'), ['-']);
      assert.equal(s.held, 0);
    }
    // HTML, end modes: `</bo` may become `</body>`, before which the label goes; `</p` cannot.
    const h = createStreamLabeller({ mode: 'suffix', format: 'html' });
    assert.deepEqual(h.push('<p>x</p><'), ['<p>x</p>']);
    assert.equal(h.held, 1);
    assert.deepEqual(h.push('/bo'), []);
    assert.equal(h.held, 4, '`</bo` split over two tokens: held until the token that decides it');
    assert.deepEqual(h.push('dy>'), ['<p class="aigc-label">以上内容由人工智能生成</p>', '</body>']);
    const e = createStreamLabeller({ mode: 'suffix', format: 'html' });
    assert.deepEqual(e.push('<p>x<'), ['<p>x']);
    assert.deepEqual(e.push('/p>'), ['</p>']);
    assert.deepEqual(e.push('a < b'), ['a < b']);
    assert.deepEqual(e.push('<!'), ['<!']);
    // HTML, start modes: `<p` belongs in the body (the label goes before it), `<h` may still be `<head>`.
    const s = createStreamLabeller({ mode: 'prefix', format: 'html' });
    assert.deepEqual(s.push('<'), []);
    assert.deepEqual(s.push('p>Hi'), ['<p class="aigc-label">以下内容由人工智能生成</p>', '<p>Hi']);
    const t = createStreamLabeller({ mode: 'prefix', format: 'html' });
    assert.deepEqual(t.push('<h'), []);
    assert.deepEqual(t.push('ead'), []);
    assert.equal(t.held, 5, '`<head` may still become `<header`');
    assert.deepEqual(t.push('er>'), ['<p class="aigc-label">以下内容由人工智能生成</p>', '<header>']);
  });

  it('refuses an invalid label text when it is created', () => {
    assert.throws(
      () => createStreamLabeller({ text: '机器写的' }),
      (e: unknown) => isHeguiError(e) && e.code === 'label_text_invalid',
    );
  });
});

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
    const l = createStreamLabeller({ mode: 'prefix', format: 'markdown' });
    assert.deepEqual(l.push('-'), []);
    assert.equal(l.held, 1);
    assert.deepEqual(l.push('--'), []);
    assert.deepEqual(l.push('\n'), ['---\n']);
    assert.deepEqual(l.push('a: 1\n'), ['a: 1\n']);
    assert.deepEqual(l.push('---\nBody'), ['---\n', '以下内容由人工智能生成\n\n', 'Body']);
    const h = createStreamLabeller({ mode: 'suffix', format: 'html' });
    assert.deepEqual(h.push('<p>x</p><'), ['<p>x</p>']);
    assert.deepEqual(h.push('/bo'), []);
    assert.deepEqual(h.push('dy>'), ['<p class="aigc-label">以上内容由人工智能生成</p>', '</body>']);
  });

  it('refuses an invalid label text when it is created', () => {
    assert.throws(
      () => createStreamLabeller({ text: '机器写的' }),
      (e: unknown) => isHeguiError(e) && e.code === 'label_text_invalid',
    );
  });
});

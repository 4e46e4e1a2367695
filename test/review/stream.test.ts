/** Streaming review of model output: release, hold-back, and a block reported as soon as it is certain. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reviewText } from '../../src/review/review.ts';
import { createStreamReviewer, type StreamReviewer } from '../../src/review/stream.ts';
import { compile, rule } from './support.ts';

const lib = compile(
  [
    { id: 'b', pattern: '出售枪支', action: 'block' },
    { id: 'r', pattern: '冰毒', action: 'review', boundary: 'none' },
  ],
  { allow: ['远离冰毒宣传'] },
);

describe('stream reviewer', () => {
  it('releases text that cannot be part of a match at once', () => {
    const s = createStreamReviewer(lib);
    assert.equal(s.push('今天天气很好').release, '今天天气很好');
    assert.equal(s.held, 0);
  });
  it('holds back only a possible match in progress', () => {
    const s = createStreamReviewer(lib);
    const u = s.push('你好出售');
    assert.equal(u.release, '你好');
    assert.equal(s.held, 2);
    assert.equal(s.push('了吗').release, '出售了吗');
  });
  it('reports a block mid-stream in the push where it becomes certain, and releases nothing after it', () => {
    const s = createStreamReviewer(lib);
    s.push('我要出售枪');
    const u = s.push('支。还有');
    assert.equal(u.blocked, true);
    assert.equal(u.hits[0]?.entryId, 'b');
    assert.equal(u.decision, 'block');
    assert.equal(s.push('更多的文字').release, '');
    const end = s.end();
    assert.equal(end.result.decision, 'block');
    assert.equal(end.release, '');
  });
  it('waits for an allowed phrase in progress before deciding an overlapping hit', () => {
    const s = createStreamReviewer(lib);
    const a = s.push('远离冰毒');
    assert.equal(a.hits.length, 0, 'not yet: 远离冰毒宣传 may follow');
    const b = s.push('宣传');
    assert.equal(b.hits.length, 0);
    assert.equal(s.end().result.decision, 'pass');
    const t = createStreamReviewer(lib);
    t.push('远离冰毒');
    assert.deepEqual(
      t.push('吧').hits.map((h) => h.entryId),
      ['r'],
    );
  });
  it('keeps a split surrogate pair until its second half arrives', () => {
    const s = createStreamReviewer(lib);
    const u = s.push('好\ud83d');
    assert.equal(u.release, '好');
    assert.equal(s.push('\ude00好').release, '\ud83d\ude00好');
  });
  it('hold-back stays within the longest key × (1 + gap) × 2 code units', () => {
    const s = createStreamReviewer(lib);
    const bound = lib.header.maxKeyUnits * (1 + lib.header.settings.maxGap) * 2;
    for (const ch of '出 售 枪 支 出售枪出售出售枪支好出售😀枪😀支'.split('')) {
      s.push(ch);
      assert.ok(s.held <= bound, `${s.held} held`);
    }
  });
});

/** Push `text` in pieces of `size` code units; returns what was released and the end's result. */
function streamAll(s: StreamReviewer, text: string, size: number, each?: () => void) {
  let released = '';
  for (let i = 0; i < text.length; i += size) {
    released += s.push(text.slice(i, i + size)).release;
    each?.();
  }
  const end = s.end();
  return { released: released + end.release, result: end.result };
}

describe('stream reviewer on long streams: only the text a check may still read is kept', () => {
  it('a lookbehind still sees the text before its attempt after everything before is released', () => {
    const lib = compile([{ id: 'gun', kind: 'regex', pattern: '/(?<=出售.{0,6})枪/', action: 'block' }]);
    const text = `${'好'.repeat(50)}出售一些好的枪${'好'.repeat(50)}`;
    const s = createStreamReviewer(lib, { compactAt: 1 });
    const { result } = streamAll(s, text, 1);
    assert.deepEqual(
      result.hits.map((h) => (h.kind === 'text' ? h.matchedText : '')),
      ['枪'],
    );
    assert.deepEqual(result, reviewText(text, lib));
  });

  it('a co-occurrence hit spans text from far back in its window', () => {
    const lib = compile(['无关'], { cooccurrence: [rule('出售', '枪支', 5000)] });
    const text = `出售${'的'.repeat(3000)}枪支${'的'.repeat(6000)}枪支`;
    const s = createStreamReviewer(lib, { compactAt: 1 });
    let most = 0;
    const { result } = streamAll(s, text, 7, () => {
      most = Math.max(most, s.retained);
    });
    assert.deepEqual(result, reviewText(text, lib));
    assert.equal(result.hits.length, 1, 'the second 枪支 is out of the window');
    const hit = result.hits[0]!;
    assert.equal(hit.kind === 'text' && hit.matchedText, text.slice(0, 3004));
    assert.ok(most < 5200, `${most} code units kept: 出售 is kept only while a pair is possible`);
  });

  it('a stream of 400,000 code units keeps a bounded text, and finds and releases what whole-text review does', () => {
    const lib = compile(
      [
        { id: 'b', pattern: '出售枪支', action: 'block' },
        { id: 'r', pattern: '冰毒', action: 'review', boundary: 'none' },
        { id: 'w', pattern: 'vpn', action: 'log' },
        { id: 'h', pattern: '哈哈', action: 'log' },
        { id: 'phone', kind: 'regex', pattern: '/(?<![0-9])1[3-9]\\d{9}(?![0-9])/', action: 'review' },
      ],
      { allow: ['远离冰毒宣传'], cooccurrence: [rule('翻墙', '教程', 40)] },
    );
    const pieces = [
      '今天天气很好，',
      '远离冰毒宣传。',
      '冰毒',
      'a vpn b',
      'avpnb',
      '哈哈哈哈',
      '翻墙的',
      '教程',
      '13812345678',
      '😀',
      '。\n',
    ];
    let text = '';
    for (let k = 0; text.length < 400_000; k++) text += pieces[(k * 7 + (k >> 3)) % pieces.length];
    const s = createStreamReviewer(lib);
    let most = 0;
    const { released, result } = streamAll(s, text, 5, () => {
      most = Math.max(most, s.retained);
    });
    const whole = reviewText(text, lib);
    assert.ok(whole.hits.length > 10_000, `${whole.hits.length} hits`);
    assert.deepEqual(result, whole);
    assert.equal(released, text);
    // compactAt (4096) gathered, plus the hold-back and what the checks look back at.
    assert.ok(most < 4096 + 200, `${most} code units kept at most`);
  });
});

describe('hits listed up to maxHits', () => {
  it('counts the hits past the cap, and a block among them still blocks and stops the release', () => {
    const text = '冰毒，冰毒，冰毒，我要出售枪支。';
    const whole = reviewText(text, lib, { maxHits: 2 });
    assert.deepEqual(
      whole.hits.map((h) => h.entryId),
      ['r', 'r'],
    );
    assert.deepEqual(whole.omitted, { hits: 2, suppressed: 0 });
    assert.equal(whole.decision, 'block');
    const s = createStreamReviewer(lib, { maxHits: 2 });
    const { released, result } = streamAll(s, text, 1);
    assert.deepEqual(result, whole);
    assert.equal(released, '冰毒，冰毒，冰毒，我要');
  });

  it('a text repeating a term keeps the cap in memory, not a hit per repetition', () => {
    const text = '冰毒。'.repeat(100_000);
    const r = reviewText(text, lib, { maxHits: 1000 });
    assert.equal(r.hits.length, 1000);
    assert.deepEqual(r.omitted, { hits: 99_000, suppressed: 0 });
    assert.equal(r.decision, 'review');
    const s = createStreamReviewer(lib, { maxHits: 1000 });
    assert.deepEqual(streamAll(s, text, 64).result, r);
  });
});

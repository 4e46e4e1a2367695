/** Streaming review of model output: release, hold-back, and a block reported as soon as it is certain. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createStreamReviewer } from '../../src/review/stream.ts';
import { compile } from './support.ts';

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

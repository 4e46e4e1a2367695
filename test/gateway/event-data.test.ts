/** The data of one server-sent event from an upstream stream (HTML Living Standard, event stream interpretation). */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { endLength, eventData, eventEnd, TextHash } from '../../src/gateway/text-stream.ts';

describe('eventData', () => {
  it('takes one data line with or without the space after the colon', () => {
    assert.equal(eventData('data: {"a":1}'), '{"a":1}');
    assert.equal(eventData('data:{"a":1}'), '{"a":1}');
    assert.equal(eventData('data: [DONE]'), '[DONE]');
  });

  it('joins several data lines with newlines and skips other fields and comments', () => {
    assert.equal(eventData('event: message\ndata: {"a":\ndata: 1}\nid: 7'), '{"a":\n1}');
    assert.equal(eventData(': keep-alive\r\ndata: x\r\ndata:y'), 'x\ny');
  });

  it('gives nothing for an event without data', () => {
    assert.equal(eventData(': ping'), '');
    assert.equal(eventData('event: ping\nid: 3'), '');
  });
});

/** The splitting the gateway used before, by a regular expression: the reference for eventEnd. */
function splitByRegex(s: string): string[] {
  const out: string[] = [];
  let buf = s;
  for (let m = /\r?\n\r?\n/.exec(buf); m; m = /\r?\n\r?\n/.exec(buf)) {
    out.push(buf.slice(0, m.index));
    buf = buf.slice(m.index + m[0].length);
  }
  out.push(`rest:${buf}`);
  return out;
}

function splitByEventEnd(s: string): string[] {
  const out: string[] = [];
  let from = 0;
  for (let at = eventEnd(s, from); at >= 0; at = eventEnd(s, from)) {
    out.push(s.slice(from, at));
    from = at + endLength(s, at);
  }
  out.push(`rest:${s.slice(from)}`);
  return out;
}

describe('eventEnd', () => {
  it('splits events exactly as /\\r?\\n\\r?\\n/ does, for every mix of line ends', () => {
    const parts = ['data: a', '\n', '\r\n', '\r', 'x', ': c', '\n\n', '\r\n\r\n'];
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let k = 0; k < 5_000; k++) {
      let s = '';
      for (let n = rnd() % 12; n > 0; n--) s += parts[rnd() % parts.length];
      assert.deepEqual(splitByEventEnd(s), splitByRegex(s), JSON.stringify(s));
    }
  });

  it('waits for the second line end when a chunk stops inside the blank line', () => {
    assert.equal(eventEnd('data: x\n', 0), -1);
    assert.equal(eventEnd('data: x\r\n\r', 0), -1);
    assert.equal(eventEnd('data: x\r\n\r\n', 0), 7);
  });
});

describe('TextHash', () => {
  it('hashes pieces as the text they make, surrogate pairs split between pieces included', () => {
    const text = 'AI生成 😀 text 🎉🎉 end\ud800';
    for (let cut1 = 0; cut1 <= text.length; cut1++) {
      for (const cut2 of [cut1, Math.min(text.length, cut1 + 1), text.length]) {
        const h = new TextHash();
        for (const p of [text.slice(0, cut1), text.slice(cut1, cut2), text.slice(cut2)]) h.update(p);
        assert.equal(h.hex(), createHash('sha256').update(text).digest('hex'), `cut at ${cut1}, ${cut2}`);
      }
    }
  });
});

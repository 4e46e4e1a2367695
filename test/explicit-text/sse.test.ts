/**
 * The chat-completion event stream labeller: events other than content pass through byte for byte, whatever the
 * network chunking (also splitting UTF-8 characters and CRLF pairs); the content carries the label once and equals
 * labelText of the whole content.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createSseLabeller, labelText, type TextLabelMode } from '../../src/index.ts';

const enc = new TextEncoder();
const TOP = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1735689600, model: 'm-1' };

const event = (o: unknown, eol = '\n'): string => `data: ${JSON.stringify(o)}${eol}${eol}`;
const delta = (d: Record<string, unknown>, finish: string | null = null, index = 0) =>
  event({ ...TOP, choices: [{ index, delta: d, logprobs: null, finish_reason: finish }] });

const CONTENT = '好的，下面是代码：\n\n```python\nprint("hi")\n\nprint(2)\n```\n\n希望有用。';
const TOKENS = CONTENT.match(/[\s\S]{1,3}/g)!;

function chatStream(eol = '\n'): { text: string; passthrough: string[] } {
  const role = delta({ role: 'assistant', content: '' });
  const finish = delta({}, 'stop');
  const usage = event({ ...TOP, choices: [], usage: { prompt_tokens: 5, completion_tokens: 9, total_tokens: 14 } });
  const ping = ': keep-alive\n\n';
  const done = 'data: [DONE]\n\n';
  const body = TOKENS.map((t) => delta({ content: t }));
  const text = [role, ping, ...body, finish, usage, done].join('').replaceAll('\n', eol);
  return { text, passthrough: [role, ping, finish, usage, done].map((e) => e.replaceAll('\n', eol)) };
}

/** Split an event stream into events (keeping each one's bytes), and collect the content of choice 0. */
function parse(s: string): { events: string[]; content: string } {
  const events = s.split(/(?<=\r?\n\r?\n)/).filter(Boolean);
  let content = '';
  for (const e of events) {
    const m = /^data: (\{.*\})\r?\n/.exec(e);
    if (!m) continue;
    const c = JSON.parse(m[1]!).choices?.[0]?.delta?.content;
    if (typeof c === 'string') content += c;
  }
  return { events, content };
}

function run(input: Uint8Array, cuts: number[], mode: TextLabelMode): string {
  const l = createSseLabeller({ mode });
  let out = '';
  let at = 0;
  for (const c of [...cuts.sort((a, b) => a - b), input.length]) {
    out += l.push(input.subarray(at, c));
    at = c;
  }
  return out + l.end();
}

describe('createSseLabeller', () => {
  for (const mode of ['prefix', 'middle', 'suffix'] as const) {
    for (const eol of ['\n', '\r\n']) {
      it(`${mode}, ${eol === '\n' ? 'LF' : 'CRLF'}: split at every byte`, () => {
        const { text, passthrough } = chatStream(eol);
        const bytes = enc.encode(text);
        const want = labelText(CONTENT, { mode, format: 'markdown', newline: '\n' });
        for (let i = 0; i <= bytes.length; i++) {
          const out = run(bytes, [i], mode);
          const { events, content } = parse(out);
          assert.equal(content, want, `content, split at ${i}`);
          for (const p of passthrough) assert.ok(events.includes(p), `passed through unchanged: ${JSON.stringify(p)}`);
          assert.equal(events.at(-1), `data: [DONE]${eol}${eol}`);
          const finishAt = events.findIndex((e) => e.includes('"finish_reason":"stop"'));
          const lastContent = events.map((e) => /"content":"[^"]/.test(e)).lastIndexOf(true);
          assert.ok(lastContent < finishAt, 'all content comes before the finish chunk');
        }
      });
    }
  }

  it('random network chunking (fast-check)', () => {
    const bytes = enc.encode(chatStream().text);
    const want = parse(run(bytes, [], 'suffix'));
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 80 }), (cuts) => {
        assert.deepEqual(parse(run(bytes, cuts, 'suffix')), want);
      }),
      { numRuns: 300 },
    );
  });

  it('a stream without content (tool calls only) is passed through byte for byte', () => {
    const text = [
      delta({ role: 'assistant', content: null }),
      delta({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '' } }] }),
      delta({ tool_calls: [{ index: 0, function: { arguments: '{"a":1}' } }] }),
      delta({}, 'tool_calls'),
      'data: [DONE]\n\n',
    ].join('');
    for (const mode of ['prefix', 'suffix'] as const) assert.equal(run(enc.encode(text), [17, 90], mode), text);
  });

  it('keeps events it does not understand, and rewrites only content events that change', () => {
    const text = [
      'event: ping\ndata: {"choices":[{"delta":{"content":"x"}}]}\n\n',
      'data: not json\n\n',
      'id: 7\nretry: 100\n\n',
      'data: {"error":{"message":"m"}}\n\n',
      delta({ content: 'Hello' }, null),
      'data: [DONE]\n\n',
    ].join('');
    const out = run(enc.encode(text), [], 'prefix');
    const { events, content } = parse(out);
    for (const e of text.split(/(?<=\n\n)/).filter((e) => !e.includes('Hello'))) assert.ok(events.includes(e), e);
    assert.equal(content, '以下内容由人工智能生成\n\nHello');
  });

  it('labels each choice of an n > 1 stream on its own', () => {
    const text = [
      delta({ content: 'A' }, null, 0),
      delta({ content: 'B' }, null, 1),
      delta({}, 'stop', 0),
      delta({}, 'stop', 1),
      'data: [DONE]\n\n',
    ].join('');
    const out = run(enc.encode(text), [], 'suffix');
    const byIndex: Record<number, string> = {};
    for (const m of out.matchAll(/^data: (\{.*\})$/gm)) {
      const c = JSON.parse(m[1]!).choices[0];
      if (typeof c.delta?.content === 'string') byIndex[c.index] = (byIndex[c.index] ?? '') + c.delta.content;
    }
    assert.deepEqual(byIndex, { 0: 'A\n\n以上内容由人工智能生成', 1: 'B\n\n以上内容由人工智能生成' });
  });

  it('a stream cut off before [DONE] still gets its label at the end', () => {
    const text = delta({ content: 'Partial' });
    const out = run(enc.encode(text), [], 'suffix');
    assert.equal(parse(out).content, 'Partial\n\n以上内容由人工智能生成');
  });
});

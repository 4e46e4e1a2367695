/**
 * labelText on whole texts: each mode on plain text, Markdown and HTML, code and markup left intact, idempotence,
 * the label text rules, escaping, format detection.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  detectTextFormat,
  labelChatCompletion,
  labelText,
  labelTextWithResult,
  type TextLabelMode,
} from '../../src/index.ts';
import { DOCS } from './documents.ts';

const MODES: TextLabelMode[] = ['prefix', 'suffix', 'middle', 'corner'];
const count = (hay: string, needle: string): number => hay.split(needle).length - 1;

describe('labelText: exact placement', () => {
  const cases: [string, Parameters<typeof labelText>[1], string, string][] = [
    ['plain prefix', { mode: 'prefix' }, 'One.\n\nTwo.\n', '以下内容由人工智能生成\n\nOne.\n\nTwo.\n'],
    ['plain suffix', { mode: 'suffix' }, 'One.\n\nTwo.\n', 'One.\n\nTwo.\n\n以上内容由人工智能生成\n'],
    ['plain suffix, no final break', { mode: 'suffix' }, 'One.', 'One.\n\n以上内容由人工智能生成'],
    ['plain middle', { mode: 'middle' }, 'One.\n\nTwo.\n', 'One.\n\n本内容由人工智能生成\n\nTwo.\n'],
    ['plain middle, one paragraph: at the end', { mode: 'middle' }, 'One.\n', 'One.\n\n本内容由人工智能生成\n'],
    ['plain corner', { mode: 'corner' }, 'One.\n', '【AI】One.\n'],
    ['plain corner at the end', { mode: 'corner', corner: 'end' }, 'One.', 'One. （AI生成）'],
    ['plain CRLF kept', { mode: 'prefix' }, 'A\r\nB\r\n', '以下内容由人工智能生成\r\n\r\nA\r\nB\r\n'],
    [
      'markdown prefix after front matter',
      { mode: 'prefix', format: 'markdown' },
      '---\na: 1\n---\n# T\n',
      '---\na: 1\n---\n以下内容由人工智能生成\n\n# T\n',
    ],
    [
      'markdown middle skips a fence',
      { mode: 'middle', format: 'markdown' },
      '```\nx\n\ny\n```\n\nPara.\n\nEnd.\n',
      '```\nx\n\ny\n```\n\nPara.\n\n本内容由人工智能生成\n\nEnd.\n',
    ],
    [
      'markdown middle after minChars',
      { mode: 'middle', format: 'markdown', minChars: 10 },
      'A.\n\nB is longer.\n\nC.\n',
      'A.\n\nB is longer.\n\n本内容由人工智能生成\n\nC.\n',
    ],
    [
      'markdown suffix closes an open fence',
      { mode: 'suffix', format: 'markdown' },
      '~~~~\ncode',
      '~~~~\ncode\n~~~~\n\n以上内容由人工智能生成',
    ],
    ['markdown corner in a heading', { mode: 'corner', format: 'markdown' }, '## Title\n', '## 【AI】Title\n'],
    ['markdown corner before a list', { mode: 'corner', format: 'markdown' }, '\n- a\n', '\n【AI】\n\n- a\n'],
    ['markdown corner before indented code', { mode: 'corner', format: 'markdown' }, '    x\n', '【AI】\n\n    x\n'],
    [
      'html prefix after body',
      { mode: 'prefix' },
      '<html><body>\n<p>x</p></body></html>',
      '<html><body><p class="aigc-label">以下内容由人工智能生成</p>\n<p>x</p></body></html>',
    ],
    [
      'html suffix before body end',
      { mode: 'suffix' },
      '<html><body><p>x</p></body></html>',
      '<html><body><p>x</p><p class="aigc-label">以上内容由人工智能生成</p></body></html>',
    ],
    [
      'html middle after the first paragraph outside a table',
      { mode: 'middle', format: 'html' },
      '<table><td><p>c</p></td></table><p>a</p><p>b</p>',
      '<table><td><p>c</p></td></table><p>a</p><p class="aigc-label">本内容由人工智能生成</p><p>b</p>',
    ],
    ['html corner', { mode: 'corner', format: 'html' }, '<p>x</p>', '<span class="aigc-label">【AI】</span><p>x</p>'],
    [
      'html fragment prefix after head-only elements',
      { mode: 'prefix', format: 'html' },
      '<meta charset="utf-8"><style>b{}</style>\n<p>x</p>',
      '<meta charset="utf-8"><style>b{}</style>\n<p class="aigc-label">以下内容由人工智能生成</p><p>x</p>',
    ],
  ];
  for (const [name, o, input, want] of cases) {
    it(name, () => assert.equal(labelText(input, o), want));
  }
});

describe('labelText: code and markup stay intact, the label appears once, labelling twice changes nothing', () => {
  for (const d of DOCS) {
    for (const mode of MODES) {
      for (const minChars of [0, 30, 10_000]) {
        it(`${d.name}, ${mode}, minChars ${minChars}`, () => {
          const r = labelTextWithResult(d.text, { mode, format: d.format, minChars });
          assert.equal(r.changed, d.text !== '');
          for (const span of d.intact) assert.ok(r.text.includes(span), `intact: ${JSON.stringify(span)}`);
          const snippet = labelTextWithResult('x', { mode, format: d.format }).text.replace('x', '').trim();
          assert.equal(count(r.text, snippet), 1, 'exactly one label');
          assert.equal(labelText(r.text, { mode, format: d.format, minChars }), r.text, 'idempotent');
          // Nothing but the label (and white space, and a closing fence or comment end) was added.
          const rest = r.text.replace(snippet, '');
          const strip = (s: string) => s.replace(/\s+|```+|~~~+|-->/g, '');
          assert.equal(strip(rest), strip(d.text));
        });
      }
    }
  }
});

describe('label text in text (the shared rule: test/explicit/rule.test.ts)', () => {
  it('escapes the label for its syntax', () => {
    assert.equal(
      labelText('x\n', { mode: 'prefix', format: 'markdown', text: '# AI *生成* <b>' }),
      '\\# AI \\*生成\\* \\<b\\>\n\nx\n',
    );
    assert.equal(
      labelText('<p>x</p>', { mode: 'prefix', format: 'html', text: 'AI生成 & "co" <b>' }),
      '<p class="aigc-label">AI生成 &amp; &quot;co&quot; &lt;b&gt;</p><p>x</p>',
    );
  });

  it('leaves an empty text empty', () => {
    for (const mode of MODES) assert.equal(labelText('', { mode }), '');
  });
});

describe('format detection', () => {
  it('tells HTML, Markdown and plain text apart', () => {
    assert.equal(detectTextFormat('<!DOCTYPE html><html></html>'), 'html');
    assert.equal(detectTextFormat('  <div class="a"><p>x</p></div>'), 'html');
    assert.equal(detectTextFormat('---\ntitle: x\n---\ntext'), 'markdown');
    assert.equal(detectTextFormat('Intro\n\n## Heading\n'), 'markdown');
    assert.equal(detectTextFormat('See [the site](https://example.com).'), 'markdown');
    assert.equal(detectTextFormat('Use `npm test`.'), 'markdown');
    assert.equal(detectTextFormat('今天天气很好。\n\n明天下雨。'), 'plain');
    assert.equal(detectTextFormat('a < b and c > d'), 'plain');
  });
});

describe('labelChatCompletion', () => {
  it('labels every choice of a non-streamed completion and keeps the rest', () => {
    const body = {
      id: 'c1',
      choices: [
        { index: 0, message: { role: 'assistant', content: 'Hello.' }, finish_reason: 'stop' },
        {
          index: 1,
          message: { role: 'assistant', content: null, tool_calls: [{ id: 't' }] },
          finish_reason: 'tool_calls',
        },
      ],
      usage: { total_tokens: 3 },
    };
    const out = labelChatCompletion(body);
    assert.equal(out.choices[0]!.message.content, '以下内容由人工智能生成\n\nHello.');
    assert.deepEqual(out.choices[1], body.choices[1]);
    assert.deepEqual(out.usage, body.usage);
    assert.equal(body.choices[0]!.message.content, 'Hello.', 'the input is not changed');
  });
});

/**
 * The one label-text rule of GB 45438 §5 for every medium (an AI element and a generation element; the text corner
 * mark may be "AI" alone; one line, nothing hidden, bounded), and the extra drawing step for images and videos.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  checkLabelText,
  DEFAULT_LABEL_TEXT,
  drawableLabelText,
  isHeguiError,
  isValidLabelText,
  type LabelTextKind,
  labelText,
  resolveTextLabel,
} from '../../src/index.ts';

const rejects = (fn: () => unknown, text: string, pattern: RegExp) => {
  try {
    fn();
  } catch (e) {
    assert.ok(isHeguiError(e), 'a HeguiError');
    assert.equal(e.code, 'label_text_invalid');
    assert.match(e.message, pattern);
    assert.ok(!e.message.includes(text) || text.length < 3, 'the message names the rule, not the text');
    return;
  }
  assert.fail(`${JSON.stringify(text)} was accepted`);
};
const rule = (text: string, kind: LabelTextKind, pattern: RegExp) =>
  rejects(() => checkLabelText(text, kind), text, pattern);
const drawn = (text: string, pattern: RegExp) => rejects(() => drawableLabelText(text), text, pattern);

describe('label text rule (every medium)', () => {
  it('defaults to AI生成', () => {
    assert.equal(DEFAULT_LABEL_TEXT, 'AI生成');
    assert.deepEqual(checkLabelText(undefined), { text: 'AI生成', kind: 'label' });
  });

  it('accepts the standard forms and full-width letters (NFKC), keeping the text as given, trimmed', () => {
    for (const t of [
      'AI生成',
      '人工智能合成',
      '由AI生成',
      '本内容由人工智能生成',
      'AI合成内容',
      'AI 生成',
      '本内容由 AI 生成',
    ])
      assert.equal(checkLabelText(t).text, t);
    assert.equal(checkLabelText('ＡＩ生成').text, 'ＡＩ生成', 'the full-width form names the AI element');
    assert.equal(checkLabelText('（AI生成）').text, '（AI生成）', 'text keeps its full-width brackets');
    assert.equal(checkLabelText('  AI生成 ').text, 'AI生成', 'surrounding white space is not part of a label');
  });

  it('needs the AI element ("AI" upper case, or 人工智能)', () => {
    for (const t of ['智能生成', 'ai生成', 'Ai生成', '人工生成', '机器生成']) rule(t, 'label', /AI element/);
    rule('生成', 'corner-mark', /AI element/);
  });

  it('needs the generation element (生成 or 合成), except for the corner mark', () => {
    rule('AI', 'label', /generation element/);
    rule('人工智能', 'label', /generation element/);
    rule('AI制作', 'label', /generation element/);
    assert.equal(checkLabelText('AI', 'corner-mark').text, 'AI');
    assert.equal(checkLabelText('ＡＩ', 'corner-mark').text, 'ＡＩ');
  });

  it('refuses empty, overlong, multi-line and invisible text', () => {
    rule('', 'label', /empty/);
    rule('   ', 'corner-mark', /empty/);
    rule(`AI生成${'很'.repeat(80)}`, 'label', /longer than 64/);
    rule('AI生成\n注意', 'label', /one line/);
    rule('AI\t生成', 'label', /one line/);
    rule('AI\u200b生成', 'label', /invisible/);
    rule('AI生成\u202e', 'label', /invisible/);
    rule('AI生\u00ad成', 'label', /invisible/);
    rule('\ufeffAI生成', 'label', /invisible/);
    assert.throws(() => checkLabelText(42), /must be a string/);
  });

  it('is the rule text labels use, with the same code', () => {
    assert.equal(resolveTextLabel({ mode: 'corner', text: 'AI' }, 'plain').text, 'AI');
    assert.equal(labelText('x', { mode: 'corner', text: 'AI', format: 'plain' }), 'AIx');
    rejects(() => labelText('x', { mode: 'prefix', text: 'AI' }), 'AI', /generation element/);
    rejects(() => labelText('x', { mode: 'prefix', text: 'AI\u200b生成' }), 'AI\u200b生成', /invisible/);
  });

  it('property: any one-line text holding both elements passes; removing every "AI" fails it', () => {
    const chunk = fc.constantFrom('本', '内容', '由', '图片', '视频', ' ', '-', 'v1', '（', '）', '平台');
    fc.assert(
      fc.property(
        fc.array(chunk, { maxLength: 4 }),
        fc.constantFrom('AI', '人工智能', 'ＡＩ'),
        fc.constantFrom('生成', '合成'),
        (parts, ai, gen) => {
          const text = [...parts.slice(0, 2), ai, ...parts.slice(2), gen].join('');
          assert.ok(isValidLabelText(text));
          assert.ok(isValidLabelText(text, 'corner-mark'));
          const without = text.replaceAll('人工智能', '').replaceAll('AI', '').replaceAll('ＡＩ', '');
          assert.ok(!isValidLabelText(without));
        },
      ),
    );
  });
});

describe('drawing step (images and videos)', () => {
  it('draws the NFKC form with white space collapsed', () => {
    assert.equal(drawableLabelText(undefined), 'AI生成');
    assert.equal(drawableLabelText('ＡＩ生成'), 'AI生成');
    assert.equal(drawableLabelText('  AI\u3000\u3000生成 '), 'AI 生成');
  });

  it('applies the shared rule first, then the length and font of a drawn line', () => {
    drawn('AI', /generation element/);
    drawn('AI\u200b生成', /invisible/);
    drawn(`AI生成${'的'.repeat(40)}`, /longer than 32/);
    drawn('AI生成🤖', /cannot draw/);
  });
});

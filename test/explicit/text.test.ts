/** Label text rules of GB 45438 §5: an AI element and a generation element; the text corner mark may be "AI" alone. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkLabelText, DEFAULT_LABEL_TEXT, isHeguiError, isValidLabelText } from '../../src/index.ts';

const rejects = (text: string, kind: 'label' | 'corner-mark', pattern: RegExp) => {
  try {
    checkLabelText(text, kind);
  } catch (e) {
    assert.ok(isHeguiError(e), 'a HeguiError');
    assert.equal(e.code, 'label_text_invalid');
    assert.match(e.message, pattern);
    assert.ok(!e.message.includes(text) || text.length < 3, 'the message names the rule, not the text');
    return;
  }
  assert.fail(`"${text}" was accepted as a ${kind}`);
};

describe('label text', () => {
  it('defaults to AI生成', () => {
    assert.equal(DEFAULT_LABEL_TEXT, 'AI生成');
    assert.deepEqual(checkLabelText(undefined), { text: 'AI生成', kind: 'label' });
  });

  it('accepts the standard forms and full-width letters (NFKC), drawing the normalised text', () => {
    for (const t of ['AI生成', '人工智能合成', '由AI生成', '本内容由人工智能生成', 'AI合成内容', 'AI 生成']) {
      assert.equal(checkLabelText(t).text, t);
    }
    assert.equal(checkLabelText('ＡＩ生成').text, 'AI生成');
    assert.equal(checkLabelText('  AI\u3000\u3000生成 ').text, 'AI 生成', 'whitespace collapsed and trimmed');
  });

  it('needs the AI element ("AI" upper case, or 人工智能)', () => {
    rejects('智能生成', 'label', /AI element/);
    rejects('ai生成', 'label', /AI element/);
    rejects('Ai生成', 'label', /AI element/);
    rejects('人工生成', 'label', /AI element/);
  });

  it('needs the generation element (生成 or 合成), except for the corner mark', () => {
    rejects('AI', 'label', /generation element/);
    rejects('人工智能', 'label', /generation element/);
    rejects('AI制作', 'label', /generation element/);
    assert.equal(checkLabelText('AI', 'corner-mark').text, 'AI');
    assert.equal(checkLabelText('ＡＩ', 'corner-mark').text, 'AI');
    rejects('生成', 'corner-mark', /AI element/);
  });

  it('refuses empty, overlong, undrawable and invisible text', () => {
    rejects('', 'label', /empty/);
    rejects('   ', 'label', /empty/);
    rejects(`AI生成${'的'.repeat(40)}`, 'label', /longer than 32/);
    rejects('AI生成🤖', 'label', /cannot draw/);
    rejects('AI\u200b生成', 'label', /cannot draw/);
    rejects('AI生成\u202e', 'label', /cannot draw/);
    rejects('AI生\u00ad成', 'label', /cannot draw/);
  });

  it('property: any drawable text holding both elements passes; removing every "AI" fails it', () => {
    const chunk = fc.constantFrom('本', '内容', '由', '图片', '视频', ' ', '-', 'v1', '（', '）', '平台');
    fc.assert(
      fc.property(
        fc.array(chunk, { maxLength: 4 }),
        fc.constantFrom('AI', '人工智能', 'ＡＩ'),
        fc.constantFrom('生成', '合成'),
        (parts, ai, gen) => {
          const text = [...parts.slice(0, 2), ai, ...parts.slice(2), gen].join('');
          if ([...text.normalize('NFKC').trim()].length > 32) return;
          assert.ok(isValidLabelText(text));
          const without = text.replaceAll('人工智能', '').replaceAll('AI', '').replaceAll('ＡＩ', '');
          assert.ok(!isValidLabelText(without));
        },
      ),
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findTextLabels } from '../../src/label/explicit/text/find.ts';
import { labelText } from '../../src/label/explicit/text/index.ts';

const body = '今天的天气很好，我们去公园散步。'.repeat(30);
const kinds = (t: string) => findTextLabels(t).map((l) => `${l.position}:${l.kind}`);

describe('finding explicit labels in text (GB 45438 §5, the verifier side)', () => {
  it('finds a prompt at the start, at the end and in the middle', () => {
    assert.deepEqual(kinds(`本内容由人工智能生成。\n${body}`), ['prefix:prompt']);
    assert.deepEqual(kinds(`${body}\n文末提示：本内容由AI生成。`), ['suffix:prompt']);
    assert.deepEqual(kinds(`${body}（以上内容由ＡＩ合成）${body}`), ['middle:prompt']);
  });

  it('finds the corner mark only at an end of the text', () => {
    assert.deepEqual(kinds(`【AI】${body}`), ['prefix:corner']);
    assert.deepEqual(kinds(`${body}[AI]`), ['suffix:corner']);
    assert.deepEqual(kinds(`${body}【AI】${body}`), []);
  });

  it('does not take words that merely contain the letters for the AI element', () => {
    assert.deepEqual(kinds(`MAIL生成器${body}`), []);
    assert.deepEqual(kinds(`${body}AIR合成材料`), []);
    assert.deepEqual(kinds(body), []);
    assert.deepEqual(kinds(`${body}本文为AIGC合成内容`), ['suffix:prompt']);
    // The generation element far from the AI element is not a label.
    assert.deepEqual(kinds(`AI是一个很长很长很长很长很长很长很长的话题，后来才生成${body}`), []);
  });

  it('finds what the text labeller writes, in every mode', () => {
    for (const mode of ['prefix', 'suffix', 'middle', 'corner'] as const) {
      const labelled = labelText(`${body}\n\n${body}`, { mode, format: 'plain' });
      assert.ok(findTextLabels(labelled).length >= 1, mode);
    }
  });
});

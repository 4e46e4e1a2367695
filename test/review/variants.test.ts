/**
 * The variant matrix of content-safety.md §3: each evasion a test, each reviewed against the same small library,
 * checking the decision, the hit's variant kind, and that the span cuts the evasion out of the original text.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TextHit } from '../../src/review/decision.ts';
import { reviewText } from '../../src/review/review.ts';
import { generateVariants } from '../../src/review/variants/expand.ts';
import { compile } from './support.ts';

const lib = compile([
  { id: 'flg', pattern: '法轮功', variants: 'pinyin|initials|homophone|split' },
  { id: 'fuck', pattern: 'fuck', riskCode: 'A.1.f' },
  { id: '64', pattern: '六四', riskCode: 'A.1.a', boundary: 'none' },
  { id: 'zgrm', pattern: '中国人民', riskCode: 'A.1.a' },
  { id: 'gr', pattern: '国人', riskCode: 'A.1.a', boundary: 'none' },
  { id: 'kg', pattern: '口工', riskCode: 'A.1.f' },
  { id: 'zsnx', pattern: '只收男性', riskCode: 'A.2.e' },
  { id: 'czbl', pattern: '穿着暴露', riskCode: 'A.1.f' },
]);

function only(text: string, entryId: string): TextHit {
  const r = reviewText(text, lib);
  const hits = r.hits.filter((h): h is TextHit => h.kind === 'text' && h.entryId === entryId);
  assert.equal(hits.length, 1, `one hit of ${entryId} in ${JSON.stringify(text)}: ${JSON.stringify(r.hits)}`);
  assert.equal(r.decision, 'block');
  const h = hits[0]!;
  assert.equal(text.slice(h.span.start, h.span.end), h.matchedText);
  return h;
}

const cases: [string, string, string, string, string][] = [
  // [name, text, entry, variant kind, matched text]
  ['traditional characters', '他練法輪功', 'flg', 'term', '法輪功'],
  // Forms only OpenCC's HK / TW variant tables know (not in its traditional → simplified table).
  ['Hong Kong variant form (衹 for 只)', '本店衹收男性', 'zsnx', 'term', '衹收男性'],
  ['Taiwan variant form (著 for 着)', '她穿著暴露', 'czbl', 'term', '穿著暴露'],
  ['digit forms (circled, financial, ideographic)', '纪念⑥④', '64', 'term', '⑥④'],
  ['digit forms: parenthesised ⑹⑷', '纪念⑹⑷', '64', 'term', '⑹⑷'],
  ['digit forms: parenthesised ideographic ㈥㈣', '纪念㈥㈣', '64', 'term', '㈥㈣'],
  ['digit forms: 陆肆', '陆肆', '64', 'term', '陆肆'],
  ['Latin homoglyphs (Cyrillic у, с)', 'what the fuсk', 'fuck', 'term', 'fuсk'],
  ['CJK look-alikes (katakana ロ エ for 口 工)', '看ロエ漫画', 'kg', 'term', 'ロエ'],
  ['full-width and upper case', 'ＦＵＣＫ!', 'fuck', 'term', 'ＦＵＣＫ'],
  ['inserted noise (spaces, symbols)', '法 * 轮 . 功', 'flg', 'term', '法 * 轮 . 功'],
  ['zero-width characters', '法\u200b轮\u200d功', 'flg', 'term', '法\u200b轮\u200d功'],
  ['emoji between letters', '法🌸轮🌸功', 'flg', 'term', '法🌸轮🌸功'],
  ['repeated characters', '法法法轮轮功', 'flg', 'term', '法法法轮轮功'],
  ['pinyin, full', '学 falungong 吧', 'flg', 'pinyin', 'falungong'],
  ['pinyin, full, spaced and capitalised', 'Fa Lun Gong', 'flg', 'pinyin', 'Fa Lun Gong'],
  ['pinyin initials', '他是flg的', 'flg', 'initials', 'flg'],
  ['homophone', '发轮功', 'flg', 'homophone', '发轮功'],
  ['split character (氵去 for 法)', '氵去轮功', 'flg', 'split', '氵去轮功'],
  ['dictionary-suffix overlap: 国人 inside 中国人', '我是中国人', 'gr', 'term', '国人'],
];

describe('variant matrix (content-safety.md §3)', () => {
  for (const [name, text, entry, kind, matched] of cases) {
    it(name, () => {
      const h = only(text, entry);
      assert.equal(h.variant.kind, kind);
      assert.equal(h.matchedText, matched);
    });
  }
  it('plain text with none of these passes', () => {
    assert.equal(reviewText('今天天气很好，我们去公园散步。', lib).decision, 'pass');
  });
  it('a noise run longer than the gap breaks the match', () => {
    assert.equal(reviewText('法    轮功', lib).hits.length, 0);
  });
  it('the explanation names the variant form', () => {
    const h = only('氵去轮功', 'flg');
    assert.equal(h.variant.form, '氵去轮功');
    assert.equal(h.pattern, '法轮功');
  });
});

describe('variant generation', () => {
  it('keeps kind and form; one substitution at a time', () => {
    const v = generateVariants('法轮功', ['pinyin', 'initials', 'homophone', 'split']);
    assert.deepEqual(v.slice(0, 2), [
      { kind: 'pinyin', form: 'falungong' },
      { kind: 'initials', form: 'flg' },
    ]);
    assert.ok(v.some((x) => x.kind === 'homophone' && x.form === '发轮功'));
    assert.ok(v.some((x) => x.kind === 'split' && x.form === '氵去轮功'));
    assert.ok(v.every((x) => x.kind !== 'homophone' || [...x.form].filter((c, i) => c !== '法轮功'[i]).length === 1));
  });
  it('generates nothing for a term without Han characters, and only the kinds asked for', () => {
    assert.deepEqual(generateVariants('fuck', ['pinyin', 'homophone']), []);
    assert.ok(generateVariants('法轮功', ['split']).every((x) => x.kind === 'split'));
  });
});

/** The normaliser alone: each folding step, then combined, with every offset checked against the original text. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FOLD_NOISE, FOLD_SPECIAL, foldTable } from '../../src/review/normalise/fold.ts';
import { BREAK, normalise, normaliseKey } from '../../src/review/normalise/normalise.ts';

/** Normalised text plus, for each output unit, the original slice it came from. */
function pieces(input: string, opts = {}) {
  const r = normalise(input, opts);
  return { text: r.text, from: [...r.text].map((_, k) => input.slice(r.start[k], r.end[k])), runs: [...r.runs] };
}

/** Each output unit's original span, as [start, end] pairs. */
function spans(input: string): [number, number][] {
  const r = normalise(input);
  return [...r.text].map((_, k) => [r.start[k]!, r.end[k]!]);
}

describe('normalise: each step alone', () => {
  it('NFKC: full-width letters and digits, compatibility forms', () => {
    const p = pieces('ＡＢＣ１２３');
    assert.equal(p.text, 'abc123');
    assert.deepEqual(p.from, ['Ａ', 'Ｂ', 'Ｃ', '１', '２', '３']);
  });
  it('case folding, offsets into the original', () => {
    const p = pieces('FuCK İ');
    assert.equal(p.text, 'fucki');
    assert.deepEqual(p.from, ['F', 'u', 'C', 'K', 'İ']);
    assert.deepEqual(spans('FuCK İ'), [
      [0, 1],
      [1, 2],
      [2, 3],
      [3, 4],
      [5, 6],
    ]);
  });
  it('Latin diacritics are dropped, precomposed or combining; a combining mark stays inside no span', () => {
    const input = 'fück fu\u0308ck';
    const p = pieces(input);
    assert.equal(p.text, 'fuckfuck');
    assert.deepEqual(p.from, ['f', 'ü', 'c', 'k', 'f', 'u', 'c', 'k']);
    assert.deepEqual(spans(input).slice(4), [
      [5, 6],
      [6, 7],
      [8, 9],
      [9, 10],
    ]);
  });
  it('traditional → simplified, with HK and TW variant forms, offsets into the original', () => {
    assert.equal(normalise('臺灣').text, '台湾');
    assert.equal(normalise('綫').text, '线');
    assert.equal(normalise('為').text, '为');
    // 衹 and 衞 are in OpenCC's Hong Kong variant table only, 著 and 痺 in its Taiwan one.
    const input = '法輪功 衹衞 著痺';
    const p = pieces(input);
    assert.equal(p.text, '法轮功只卫着痹');
    assert.deepEqual(p.from, ['法', '輪', '功', '衹', '衞', '著', '痺']);
    assert.deepEqual(spans(input), [
      [0, 1],
      [1, 2],
      [2, 3],
      [4, 5],
      [5, 6],
      [7, 8],
      [8, 9],
    ]);
  });
  it('digit forms: circled, parenthesised, ideographic, financial, offsets into the original', () => {
    for (const s of ['①', '⑴', '⒈', '㈠', '㊀', '壹', '一', '❶', '➀', '¹', '１'])
      assert.equal(normalise(s).text, '1', `${s} folds to 1`);
    assert.equal(normalise('〇').text, '0');
    // ⒈ is "1." after NFKC: the full stop is noise, so the digit's span is the whole ⒈.
    const input = '⑥④陸肆㈠a⑴b⒈c壹';
    const p = pieces(input);
    assert.equal(p.text, '64641a1b1c1');
    assert.deepEqual(p.from, ['⑥', '④', '陸', '肆', '㈠', 'a', '⑴', 'b', '⒈', 'c', '壹']);
    assert.deepEqual(
      spans(input),
      [...input].map((_, i) => [i, i + 1]),
    );
  });
  it('Latin homoglyphs (Cyrillic, Greek), offsets into the original', () => {
    assert.equal(normalise('\u0430\u0441\u0435\u043e\u0440').text, 'aceop');
    assert.equal(normalise('\u03bf\u03b1').text, 'oa');
    const input = 'р\u0430y \u03bfk';
    const p = pieces(input);
    assert.equal(p.text, 'payok');
    assert.deepEqual(p.from, ['р', '\u0430', 'y', '\u03bf', 'k']);
    assert.deepEqual(spans(input), [
      [0, 1],
      [1, 2],
      [2, 3],
      [4, 5],
      [5, 6],
    ]);
  });
  it('CJK homoglyphs (katakana look-alikes), offsets into the original', () => {
    const input = '看 ロエ〇';
    const p = pieces(input);
    assert.equal(p.text, '看口工0');
    assert.deepEqual(p.from, ['看', 'ロ', 'エ', '〇']);
    assert.deepEqual(spans(input), [
      [0, 1],
      [2, 3],
      [3, 4],
      [4, 5],
    ]);
  });
  it('noise between letters is skipped: spaces, symbols, zero-width, emoji', () => {
    const p = pieces('法 *\u200b轮😀功');
    assert.equal(p.text, '法轮功');
    assert.deepEqual(p.from, ['法', '轮', '功']);
  });
  it('a noise run longer than the gap is a break', () => {
    assert.equal(normalise('法    轮', { maxGap: 3 }).text, `法${BREAK}轮`);
    assert.equal(normalise('法   轮', { maxGap: 3 }).text, '法轮');
  });
  it('repeats collapse, counted in runs, keeping the first character span', () => {
    const p = pieces('哈哈哈好');
    assert.equal(p.text, '哈好');
    assert.deepEqual(p.from, ['哈', '好']);
    assert.deepEqual(p.runs, [3, 1]);
  });
  it('expansions keep one original span per output character', () => {
    const r = normalise('x㍿');
    assert.equal(r.text, 'x株式会社');
    assert.deepEqual([...r.start], [0, 1, 1, 1, 1]);
    assert.deepEqual([...r.end], [1, 2, 2, 2, 2]);
  });
  it('astral letters: mathematical bold folds to ASCII; spans cover both surrogates', () => {
    const input = 'a𝐟𝐮b';
    const r = normalise(input);
    assert.equal(r.text, 'afub');
    assert.deepEqual([...r.start], [0, 1, 3, 5]);
    assert.deepEqual([...r.end], [1, 3, 5, 6]);
  });
  it('fold: false keeps the text as is', () => {
    assert.equal(normalise('Ａ 法輪', { fold: false }).text, 'Ａ 法輪');
  });
});

describe('normalise: combined', () => {
  it('traditional + full-width + noise + repeats + homoglyph at once, offsets into the original', () => {
    const input = 'ＸＸ法法 輪\u200d功①раy';
    const r = normalise(input);
    assert.equal(r.text, 'x法轮功1pay');
    const k = r.text.indexOf('法');
    assert.equal(input.slice(r.start[k], r.end[k]), '法');
    assert.equal(r.runs[k], 2);
    const j = r.text.indexOf('1');
    assert.equal(input.slice(r.start[j], r.end[j]), '①');
    assert.equal(input.slice(r.start[j + 1], r.end[j + 1]), 'р');
  });
  it('the key of a term equals the normalised text of the term', () => {
    for (const t of ['法輪功', 'Ｆｕｃｋ', '六四', '哈哈哈', '口 交'])
      assert.equal(normaliseKey(t).key, normalise(t).text.replaceAll(BREAK, ''));
  });
});

describe('fold table', () => {
  it('is idempotent: folding a folded character changes nothing', () => {
    const t = foldTable();
    let bad = 0;
    for (let u = 0; u < 0x10000; u++) {
      const v = t.bmp[u]!;
      if (v !== FOLD_NOISE && v !== FOLD_SPECIAL && t.bmp[v] !== v) bad++;
    }
    for (const s of t.expansions.values())
      for (const c of s) if (c.length === 1 && t.bmp[c.charCodeAt(0)] !== c.charCodeAt(0)) bad++;
    assert.equal(bad, 0);
  });
  it('treats letters and digits as letters, and punctuation, symbols and format characters as noise', () => {
    const t = foldTable();
    for (const c of ' ,.!?，。！？\u200b\u200c\u200d\ufeff\u3000★♥\u0301')
      assert.equal(t.bmp[c.charCodeAt(0)], FOLD_NOISE, `U+${c.charCodeAt(0).toString(16)}`);
    for (const c of 'a9中あ한') assert.notEqual(t.bmp[c.charCodeAt(0)], FOLD_NOISE);
  });
});

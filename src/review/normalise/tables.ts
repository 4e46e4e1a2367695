/**
 * Folding tables the project maintains (not derivable from Unicode data): look-alike letters and digit forms.
 * Keep each table short and justified; a mapping here applies to the library and to every input alike, so a wrong one
 * merges two words everywhere. Targets are already folded (lower case, simplified, ASCII digits).
 */

/** Latin look-alikes from Cyrillic, Greek and IPA (lower case: case folding runs first). */
export const LATIN_HOMOGLYPHS: Readonly<Record<string, string>> = {
  а: 'a', // U+0430 Cyrillic a
  в: 'b', // U+0432 (capital В looks like B)
  с: 'c', // U+0441
  ԁ: 'd', // U+0501
  е: 'e', // U+0435
  ё: 'e', // U+0451
  һ: 'h', // U+04BB
  н: 'h', // U+043D (capital Н looks like H)
  і: 'i', // U+0456
  ї: 'i', // U+0457
  ј: 'j', // U+0458
  к: 'k', // U+043A
  ӏ: 'l', // U+04CF palochka
  м: 'm', // U+043C (capital М looks like M)
  о: 'o', // U+043E
  р: 'p', // U+0440
  ԛ: 'q', // U+051B
  ѕ: 's', // U+0455
  т: 't', // U+0442 (capital Т looks like T)
  у: 'y', // U+0443
  ү: 'y', // U+04AF
  х: 'x', // U+0445
  ԝ: 'w', // U+051D
  α: 'a', // Greek
  β: 'b',
  ε: 'e',
  η: 'n',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ɑ: 'a', // IPA
  ɡ: 'g',
  ɩ: 'i',
  ı: 'i', // dotless i
  ȷ: 'j', // dotless j
};

/**
 * CJK look-alikes: katakana and radicals that render like a common hanzi. The katakana forms are the usual way to
 * dodge a filter in Chinese text (ロ for 口, エ for 工); half-width katakana reach here through NFKC.
 */
export const CJK_HOMOGLYPHS: Readonly<Record<string, string>> = {
  ロ: '口',
  エ: '工',
  カ: '力',
  タ: '夕',
  ト: '卜',
  ニ: '二',
  ハ: '八',
  ー: '一', // prolonged sound mark
  囗: '口', // U+56D7 enclosure radical
  〇: '0', // U+3007 ideographic zero
};

/**
 * Digit forms that NFKC leaves alone, and the Chinese numerals. NFKC already turns ① ⑴ ⒈ ㊀ ¹ into digits or plain
 * numerals (the parentheses and stops around them are noise). Mapping 一…九 to digits means "六四" and "64" are one
 * string for the matcher — the point of the rule — and that every 一 in ordinary words becomes "1" on both sides.
 */
export const DIGIT_FORMS: Readonly<Record<string, string>> = (() => {
  const m: Record<string, string> = {};
  const add = (chars: string, from: number) => {
    [...chars].forEach((c, i) => {
      m[c] = String((from + i) % 10);
    });
  };
  add('零一二三四五六七八九', 0);
  add('壹贰叁肆伍陆柒捌玖', 1); // financial numerals (traditional 貳參陸 reach here through the traditional table)
  add('❶❷❸❹❺❻❼❽❾', 1); // dingbat negative circled digits (no NFKC decomposition)
  add('➀➁➂➃➄➅➆➇➈', 1);
  add('➊➋➌➍➎➏➐➑➒', 1);
  add('⓵⓶⓷⓸⓹⓺⓻⓼⓽', 1);
  m['⓿'] = '0';
  m['🄋'] = '0';
  return m;
})();

/**
 * Traditional → simplified, one character at a time, from OpenCC's tables (opencc-js ships them as strings
 * "from to|from to|…"). The tables are parsed once into a Map; the phrase tables are not used: a phrase-level rewrite
 * would change lengths and break the offset map, and character-level folding is applied to library and input alike,
 * so a character with two simplified readings (乾 → 干) folds the same way on both sides.
 */
import HKVariantsRev from 'opencc-js/dict/HKVariantsRev';
import TSCharacters from 'opencc-js/dict/TSCharacters';
import TWVariantsRev from 'opencc-js/dict/TWVariantsRev';

function pairs(table: string): [string, string][] {
  const out: [string, string][] = [];
  for (const item of table.split('|')) {
    const [from, to] = item.split(' ');
    // Keep single code point → single code point pairs only: the map must preserve one character per character.
    if (from && to && [...from].length === 1 && [...to].length === 1) out.push([from, to]);
  }
  return out;
}

let cached: Map<string, string> | undefined;

/** Traditional (OpenCC standard, Hong Kong and Taiwan variant forms) → simplified, per character. */
export function traditionalToSimplified(): Map<string, string> {
  if (cached) return cached;
  const ts = new Map(pairs(TSCharacters));
  const m = new Map(ts);
  // HK/TW variant forms map to OpenCC's standard traditional form first; then to simplified.
  for (const [variant, standard] of [...pairs(HKVariantsRev), ...pairs(TWVariantsRev)]) {
    const simplified = ts.get(standard) ?? standard;
    if (simplified !== variant && !ts.has(variant)) m.set(variant, simplified);
  }
  cached = m;
  return m;
}

/**
 * Variants generated when a library version is compiled, never per request (content-safety.md §3.3): full pinyin,
 * pinyin initials, homophones and split characters. Each keeps its kind and form so a hit can say which variant of
 * which entry matched. Traditional forms, digit forms, look-alikes, noise and repeats need no variants: the normaliser
 * folds them on both sides.
 */
import { createRequire } from 'node:module';
import type * as PinyinPro from 'pinyin-pro';
import table from './variant-table.json' with { type: 'json' };

let pinyinFn: typeof PinyinPro.pinyin | undefined;
/**
 * pinyin-pro (about 5 MB of dictionaries in memory) is loaded when a library is first compiled with pinyin variants,
 * not by every process that imports the review engine: labelling, verifying or reviewing with a compiled library never
 * needs it (a server that compiles a library version it publishes does).
 */
const pinyinOf = (): typeof PinyinPro.pinyin =>
  (pinyinFn ??= (createRequire(import.meta.url)('pinyin-pro') as typeof PinyinPro).pinyin);

export type GeneratedVariantKind = 'pinyin' | 'initials' | 'homophone' | 'split';
export const GENERATED_VARIANT_KINDS: readonly GeneratedVariantKind[] = ['pinyin', 'initials', 'homophone', 'split'];

export interface GeneratedVariant {
  kind: GeneratedVariantKind;
  form: string;
}

const HOMOPHONES: Readonly<Record<string, readonly string[]>> = table.homophones;
const SPLITS: Readonly<Record<string, string>> = table.splits;
const HAN = /\p{Script=Han}/u;

/** Per-entry caps: one substitution at a time, so an entry adds a handful of keys, not a combinatorial set. */
export const MAX_HOMOPHONES_PER_ENTRY = 8;
export const MAX_SPLITS_PER_ENTRY = 4;
/**
 * A pinyin key shorter than this is too likely to be an ordinary Latin word (2-syllable pinyin like "dama"); an
 * initials key shorter than this collides with English words and abbreviations. Both are matched as whole words.
 */
export const MIN_PINYIN_LENGTH = 4;
export const MIN_INITIALS_LENGTH = 3;

export function hasHan(term: string): boolean {
  return HAN.test(term);
}

export function generateVariants(term: string, kinds: readonly GeneratedVariantKind[]): GeneratedVariant[] {
  if (!hasHan(term)) return [];
  const out: GeneratedVariant[] = [];
  const seen = new Set<string>([term]);
  const add = (kind: GeneratedVariantKind, form: string) => {
    if (seen.has(form)) return;
    seen.add(form);
    out.push({ kind, form });
  };
  const chars = [...term];
  if (kinds.includes('pinyin') || kinds.includes('initials')) {
    // Non-Han characters are kept as they are ("0售k粉qq" → "0shoukfenqq").
    const full = pinyinOf()(term, { toneType: 'none', type: 'array', nonZh: 'consecutive', v: true });
    if (kinds.includes('pinyin')) {
      const form = full.join('');
      if (form.length >= MIN_PINYIN_LENGTH) add('pinyin', form);
    }
    if (kinds.includes('initials')) {
      const form = full.map((s, i) => (HAN.test(chars[i] ?? '') ? s.charAt(0) : s)).join('');
      if (form.length >= MIN_INITIALS_LENGTH && chars.length === full.length) add('initials', form);
    }
  }
  if (kinds.includes('homophone')) {
    let n = 0;
    for (let i = 0; i < chars.length && n < MAX_HOMOPHONES_PER_ENTRY; i++) {
      for (const h of HOMOPHONES[chars[i]!] ?? []) {
        if (n >= MAX_HOMOPHONES_PER_ENTRY) break;
        add('homophone', [...chars.slice(0, i), h, ...chars.slice(i + 1)].join(''));
        n++;
      }
    }
  }
  if (kinds.includes('split')) {
    let n = 0;
    for (let i = 0; i < chars.length && n < MAX_SPLITS_PER_ENTRY; i++) {
      const s = SPLITS[chars[i]!];
      if (!s) continue;
      add('split', [...chars.slice(0, i), s, ...chars.slice(i + 1)].join(''));
      n++;
    }
  }
  return out;
}

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { HeguiError } from '../../errors.ts';

/**
 * The label font: Noto Sans SC Bold (SIL Open Font License 1.1) from the npm package `@expo-google-fonts/noto-sans-sc`,
 * so a label looks the same on every machine and no system font is needed. Bold, because GB 45438 §5 asks for a label
 * that is legible in font and colour at 5% of the picture's shortest side.
 */
export const LABEL_FONT_FAMILY = 'Noto Sans SC';
const PACKAGE = '@expo-google-fonts/noto-sans-sc';
const FILE = join('700Bold', 'NotoSansSC_700Bold.ttf');

let cached: string | undefined;

/** Absolute path of the label font's TTF file. */
export function labelFontFile(): string {
  if (cached) return cached;
  let dir: string;
  try {
    dir = dirname(createRequire(import.meta.url).resolve(`${PACKAGE}/package.json`));
  } catch {
    throw new HeguiError('tool_failed', `the label font package ${PACKAGE} is not installed`);
  }
  const file = join(dir, FILE);
  if (!existsSync(file)) throw new HeguiError('tool_failed', `the label font file ${FILE} is missing from ${PACKAGE}`);
  cached = file;
  return file;
}

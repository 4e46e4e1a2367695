import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { HeguiError, oversize } from '../../../errors.ts';
import { AtomicFileSink } from '../../io/sink.ts';
import { ioError } from '../../io/source.ts';
import { formatFromName } from './detect.ts';
import { type LabelTextOptions, type LabelTextResult, labelTextWithResult } from './label-text.ts';

/** Text files are read whole; a label belongs in documents, not in logs of this size. */
export const MAX_TEXT_BYTES = 64 * 1024 * 1024;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** A UTF-8 text file, whole; binary or non-UTF-8 content is refused (`format_unsupported`). */
export async function readTextFile(path: string): Promise<string> {
  const st = await stat(path).catch((e: unknown) => {
    throw ioError(e, 'open');
  });
  if (st.size > MAX_TEXT_BYTES) throw oversize('the text file', st.size, MAX_TEXT_BYTES);
  const bytes = await readFile(path).catch((e: unknown) => {
    throw ioError(e, 'read');
  });
  if (bytes.includes(0)) throw new HeguiError('format_unsupported', 'the file is binary, not text');
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new HeguiError('format_unsupported', 'the file is not UTF-8 text');
  }
}

/** Write `text` to `target` atomically (temporary file beside it, then a rename). */
export async function writeTextFile(target: string, text: string, replacesOriginal: boolean): Promise<void> {
  const sink = await AtomicFileSink.create(target);
  try {
    await sink.write(Buffer.from(text, 'utf8'));
    await sink.finish(replacesOriginal);
    await sink.commit();
  } catch (e) {
    await sink.abort();
    throw e;
  }
}

/**
 * The explicit text label (GB 45438 §5) in a text file: `format` `auto` takes it from the file name (`.md`, `.html`,
 * `.txt`), then from the content. The output (which may be the input) is written atomically; an unchanged text
 * (already labelled) is still copied to a different output.
 */
export async function labelTextFile(
  input: string,
  output: string,
  options: LabelTextOptions = {},
): Promise<LabelTextResult & { path: string }> {
  const text = await readTextFile(input);
  const format = !options.format || options.format === 'auto' ? (formatFromName(input) ?? 'auto') : options.format;
  const r = labelTextWithResult(text, { ...options, format });
  const inPlace = resolve(output) === resolve(input);
  if (r.changed || !inPlace) await writeTextFile(output, r.text, inPlace);
  return { ...r, path: output };
}

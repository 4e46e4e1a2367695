/**
 * The lines of an Art. 9 records file, read in chunks so a file of any age and size is read with flat memory. A writer
 * appends each record as one write ending in a line break, so a last line without one may still be being written:
 * it is marked `complete: false`. A line longer than the bound is reported by its number, its text dropped.
 */
import { createReadStream } from 'node:fs';
import { ioError } from '../../label/io/source.ts';

export interface RecordFileLine {
  /** From 1. */
  number: number;
  text: string;
  /** Ended by a line break. */
  complete: boolean;
  /** Longer than the bound: `text` is empty. */
  overlong: boolean;
}

export async function* recordFileLines(path: string, maxBytes: number): AsyncGenerator<RecordFileLine> {
  const stream = createReadStream(path);
  let parts: Buffer[] = [];
  let size = 0;
  let overlong = false;
  let number = 0;
  const take = (complete: boolean): RecordFileLine => {
    const text = overlong ? '' : Buffer.concat(parts, size).toString('utf8');
    const line = { number: ++number, text: text.endsWith('\r') ? text.slice(0, -1) : text, complete, overlong };
    parts = [];
    size = 0;
    overlong = false;
    return line;
  };
  const add = (b: Buffer) => {
    if (overlong) return;
    if (size + b.length > maxBytes + 1) {
      overlong = true;
      parts = [];
      size = 0;
      return;
    }
    parts.push(b);
    size += b.length;
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let from = 0;
      for (let nl = chunk.indexOf(10, from); nl >= 0; nl = chunk.indexOf(10, from)) {
        add(chunk.subarray(from, nl));
        yield take(true);
        from = nl + 1;
      }
      if (from < chunk.length) add(chunk.subarray(from));
    }
  } catch (e) {
    throw ioError(e, `read the records file ${path}`);
  } finally {
    stream.destroy();
  }
  if (size > 0 || overlong) yield take(false);
}

import { createHash } from 'node:crypto';
import { constants, existsSync } from 'node:fs';
import { chmod, copyFile, type FileHandle, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { HeguiError } from '../../errors.ts';
import { u32be } from './bytes.ts';
import type { EditPlan } from './edit-plan.ts';
import { tempPathFor } from './sink.ts';
import { ioError } from './source.ts';

/**
 * Applying an edit plan to a file in place, crash-safely: the original bytes of every range the plan touches go to a
 * journal beside the file (fsynced) before the file is changed, and the journal is removed after. A journal found
 * later means an update was interrupted: {@link recoverInPlace} puts the original bytes back.
 */
const MAGIC = 'HGJRNL01';
const MAX_JOURNAL = 256 * 1024 * 1024;

export const journalPath = (path: string): string => join(dirname(path), `.${basename(path)}.hegui-journal`);

interface JournalHeader {
  size: number;
  ranges: [number, number][];
}

function savedRanges(plan: EditPlan, originalSize: number): [number, number][] {
  const ranges: [number, number][] = [];
  for (const p of plan.patches) {
    const end = Math.min(p.offset + p.bytes.length, originalSize);
    if (p.offset < end) ranges.push([p.offset, end - p.offset]);
  }
  if (plan.size < originalSize) ranges.push([plan.size, originalSize - plan.size]);
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const last = merged.at(-1);
    if (last && r[0] <= last[0] + last[1]) last[1] = Math.max(last[1], r[0] + r[1] - last[0]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

async function syncDir(path: string): Promise<void> {
  const d = await open(dirname(path), 'r');
  try {
    await d.sync();
  } catch {
    // Some file systems do not sync directories; the data itself is already synced.
  } finally {
    await d.close();
  }
}

async function pwriteAll(fh: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < bytes.length; ) {
    const { bytesWritten } = await fh.write(bytes, done, bytes.length - done, position + done);
    done += bytesWritten;
  }
}

async function preadAll(fh: FileHandle, length: number, position: number): Promise<Uint8Array> {
  const buf = new Uint8Array(length);
  for (let done = 0; done < length; ) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) throw new HeguiError('io', 'the file changed while it was being updated');
    done += bytesRead;
  }
  return buf;
}

/** For crash tests only: called after the file has been patched, before it is truncated and the journal removed. */
export interface InPlaceHooks {
  afterPatches?: () => Promise<void>;
}

export async function applyInPlace(
  path: string,
  plan: EditPlan,
  originalSize: number,
  hooks: InPlaceHooks = {},
): Promise<void> {
  const jpath = journalPath(path);
  let fh: FileHandle;
  try {
    fh = await open(path, 'r+');
  } catch (e) {
    throw ioError(e, 'open the file for an in-place update');
  }
  let journalWritten = false;
  try {
    const ranges = savedRanges(plan, originalSize);
    const saved = await Promise.all(ranges.map(([o, n]) => preadAll(fh, n, o)));
    const header = Buffer.from(JSON.stringify({ size: originalSize, ranges } satisfies JournalHeader));
    const len = Buffer.alloc(4);
    len.writeUInt32BE(header.length);
    const body = Buffer.concat([Buffer.from(MAGIC), len, header, ...saved]);
    const journal = Buffer.concat([body, createHash('sha256').update(body).digest()]);
    let jh: FileHandle;
    try {
      jh = await open(jpath, 'wx', 0o600);
    } catch (e) {
      throw ioError(e, 'start an in-place update (another update may be running)');
    }
    journalWritten = true;
    try {
      await pwriteAll(jh, journal, 0);
      await jh.sync();
    } finally {
      await jh.close();
    }
    await syncDir(jpath);
    for (const p of plan.patches) await pwriteAll(fh, p.bytes, p.offset);
    await hooks.afterPatches?.();
    await fh.truncate(plan.size);
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => {});
    // Our journal, if written, restores the original; without it the file was not touched.
    if (journalWritten) await recoverInPlace(path).catch(() => {});
    throw e instanceof HeguiError ? e : ioError(e, 'update the file in place');
  }
  await fh.close();
  await unlink(jpath);
  await syncDir(jpath);
}

/**
 * Write the labelled file to another path as a copy of the original with the plan's edits: the copy is made by the
 * kernel (a reflink where the file system has them, which costs the same whatever the size; else copy_file_range),
 * then patched and truncated, then renamed over the target. The original is only read; on failure no output is left.
 */
export async function applyToCopy(path: string, target: string, plan: EditPlan, originalSize: number): Promise<void> {
  const temp = tempPathFor(target);
  let step = 'copy the file';
  try {
    await copyFile(path, temp, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
    step = 'write the output file';
    const fh = await open(temp, 'r+');
    try {
      // The plan was checked against the file as it was opened: a file replaced since then is not patched blindly.
      if ((await fh.stat()).size !== originalSize)
        throw new HeguiError('io', 'the file changed while it was being labelled');
      for (const p of plan.patches) await pwriteAll(fh, p.bytes, p.offset);
      await fh.truncate(plan.size);
    } finally {
      await fh.close();
    }
    step = 'replace the output file';
    const st = await stat(target).catch(() => null);
    if (st) await chmod(temp, st.mode & 0o7777);
    await rename(temp, target);
  } catch (e) {
    await unlink(temp).catch(() => {});
    throw e instanceof HeguiError ? e : ioError(e, step);
  }
}

/** Roll back an interrupted in-place update, if there is one. Returns true when a rollback happened. */
export async function recoverInPlace(path: string): Promise<boolean> {
  const jpath = journalPath(path);
  // Asked before every read and write: the usual answer (no journal) costs one system call, not a thread-pool trip.
  if (!existsSync(jpath)) return false;
  let journal: Buffer;
  try {
    journal = await readFile(jpath);
  } catch {
    return false;
  }
  const body = journal.subarray(0, Math.max(0, journal.length - 32));
  const valid =
    journal.length >= MAGIC.length + 4 + 32 &&
    journal.length <= MAX_JOURNAL &&
    body.subarray(0, MAGIC.length).toString('latin1') === MAGIC &&
    createHash('sha256')
      .update(body)
      .digest()
      .equals(journal.subarray(journal.length - 32));
  if (!valid) {
    // An incomplete journal was never followed by a change to the file.
    await unlink(jpath);
    return false;
  }
  const hlen = u32be(body, MAGIC.length);
  const header = JSON.parse(body.subarray(MAGIC.length + 4, MAGIC.length + 4 + hlen).toString('utf8')) as JournalHeader;
  const fh = await open(path, 'r+');
  try {
    let at = MAGIC.length + 4 + hlen;
    for (const [offset, length] of header.ranges) {
      await pwriteAll(fh, body.subarray(at, at + length), offset);
      at += length;
    }
    await fh.truncate(header.size);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await unlink(jpath);
  await syncDir(jpath);
  return true;
}

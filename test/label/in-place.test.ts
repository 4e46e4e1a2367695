/**
 * In-place labelling of large files: edited, not rewritten, when the codec's output differs from the input in a small
 * part only; crash-safe through a journal that the next access rolls back.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createLabel, readLabel, writeLabel } from '../../src/index.ts';
import { walkFile } from '../../src/label/codecs/bmff/box.ts';
import { ROOM_AFTER_MOOV } from '../../src/label/codecs/bmff/write.ts';
import { journalPath } from '../../src/label/io/in-place.ts';
import { openSource } from '../../src/label/io/source.ts';
import { ffmpeg, packetHashes, sha256File } from '../support/media.ts';
import { run } from '../support/run.ts';

const P = '001191440300708461136T1XGW3';
let dir: string;
let big: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-inplace-'));
  big = join(dir, 'big.mp4');
  // Over the 8 MiB threshold, moov at the end (ffmpeg's default): only the moov needs rewriting.
  await ffmpeg([
    '-f',
    'lavfi',
    '-i',
    'nullsrc=size=640x480:rate=25,geq=random(1)*255:128:128',
    '-t',
    '2',
    '-c:v',
    'mjpeg',
    '-q:v',
    '1',
    big,
  ]);
  assert.ok((await stat(big)).size > 9 * 1024 * 1024, 'fixture must exceed the in-place threshold');
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('in-place labelling of a large file', () => {
  it('edits the file where it is (same inode), keeps every packet, and reads back one label', async () => {
    const f = join(dir, 'a.mp4');
    await copyFile(big, f);
    const inode = (await stat(f)).ino;
    const packets = await packetHashes(f);
    const res = await writeLabel(f, createLabel({ producer: P, produceId: 'in-place-1' }));
    assert.equal((await stat(f)).ino, inode, 'rewritten through a temporary file instead of edited in place');
    assert.equal(res.bytesOut, (await stat(f)).size);
    const r = await readLabel(f);
    assert.equal(r.sites.length, 1);
    assert.equal(r.label?.ProduceID, 'in-place-1');
    assert.deepEqual(await packetHashes(f), packets);
    // Relabelling replaces the label: still one, and the file does not keep growing.
    const size = (await stat(f)).size;
    await writeLabel(f, createLabel({ producer: P, produceId: 'in-place-2' }));
    assert.equal((await readLabel(f)).sites.length, 1);
    assert.equal((await stat(f)).size, size);
    assert.deepEqual(await packetHashes(f), packets);
  });

  it('an update killed half-way is rolled back to the original on the next access', async () => {
    const f = join(dir, 'crash.mp4');
    await copyFile(big, f);
    const original = await sha256File(f);
    const script = join(dir, 'crash.mts');
    const src = fileURLToPath(new URL('../../src/', import.meta.url));
    await writeFile(
      script,
      `import { FileSource } from '${src}label/io/source.ts';
import { PlanningSink } from '${src}label/io/edit-plan.ts';
import { applyInPlace } from '${src}label/io/in-place.ts';
import { codecById } from '${src}label/codecs/index.ts';
import { createLabel } from '${src}label/aigc/record.ts';
const src = await FileSource.open(${JSON.stringify(f)});
const sink = new PlanningSink(src, 1 << 24);
await codecById('mp4').write(src, sink, createLabel({ producer: '${P}', produceId: 'never' }));
const plan = await sink.plan();
await applyInPlace(${JSON.stringify(f)}, plan, src.size, { afterPatches: async () => process.kill(process.pid, 'SIGKILL') });
`,
    );
    const r = await run(process.execPath, ['--import', 'tsx', script]);
    assert.equal(r.code, null, `the child should have been killed: ${r.stderr}`);
    await stat(journalPath(f)); // the journal survived the crash
    assert.notEqual(await sha256File(f), original, 'the crash left the file half-updated');
    const reading = await readLabel(f);
    assert.equal(reading.sites.length, 0);
    assert.equal(await sha256File(f), original, 'the rollback restored every byte');
    await assert.rejects(stat(journalPath(f)));
  });

  it('an incomplete journal (crash while writing it) is discarded: the file was never touched', async () => {
    const f = join(dir, 'torn.mp4');
    await copyFile(big, f);
    const original = await sha256File(f);
    await writeFile(journalPath(f), Buffer.concat([Buffer.from('HGJRNL01'), Buffer.alloc(40, 7)]));
    await writeLabel(f, createLabel({ producer: P, produceId: 'after-torn' }));
    assert.equal((await readLabel(f)).label?.ProduceID, 'after-torn');
    assert.notEqual(await sha256File(f), original);
    await assert.rejects(stat(journalPath(f)));
    assert.ok((await readFile(f)).length > 0);
  });

  it('to another path: the original is only read, the copy is edited, and the labelled result is the same', async () => {
    const f = join(dir, 'src.mp4');
    await copyFile(big, f);
    const original = await sha256File(f);
    const out = join(dir, 'out', 'copy.mp4');
    await run('mkdir', ['-p', join(dir, 'out')]);
    const label = createLabel({ producer: P, produceId: 'copy-1' });
    const res = await writeLabel(f, label, { out });
    assert.equal(await sha256File(f), original, 'the original is unchanged');
    assert.equal(res.bytesOut, (await stat(out)).size);
    assert.equal((await readLabel(out)).label?.ProduceID, 'copy-1');
    assert.deepEqual(await packetHashes(out), await packetHashes(f));
    // The same bytes as labelling a copy in place.
    const g = join(dir, 'same.mp4');
    await copyFile(big, g);
    await writeLabel(g, label);
    assert.equal(await sha256File(out), await sha256File(g));
    assert.deepEqual(
      (await run('ls', ['-A', join(dir, 'out')])).stdout.trim().split('\n'),
      ['copy.mp4'],
      'no temporary file is left',
    );
  });

  it('to another path that cannot be written: an io error, nothing left behind, the original unchanged', async () => {
    const f = join(dir, 'src2.mp4');
    await copyFile(big, f);
    const original = await sha256File(f);
    await writeFile(join(dir, 'blocker'), 'a file where a folder should be');
    await assert.rejects(
      writeLabel(f, createLabel({ producer: P, produceId: 'copy-2' }), { out: join(dir, 'blocker', 'x.mp4') }),
      (e: Error & { code?: string }) => e.code === 'io',
    );
    assert.equal(await sha256File(f), original);
  });

  it('a faststart MP4 gets free room after its moov, so the next label (a platform’s) is an edit of the moov alone', async () => {
    const f = join(dir, 'faststart.mp4');
    await ffmpeg(['-i', big, '-c', 'copy', '-movflags', '+faststart', f]);
    const topLevel = async () => {
      const src = await openSource(f);
      try {
        return (await walkFile(src, true)).boxes.map((b) => `${b.type}:${b.size}`);
      } finally {
        await src.close();
      }
    };
    const before = await topLevel();
    // ffmpeg may put an 8-byte free box between them, too small to take a label.
    assert.ok(before.findIndex((b) => b.startsWith('moov')) < before.findIndex((b) => b.startsWith('mdat')));
    const packets = await packetHashes(f);
    await writeLabel(f, createLabel({ producer: P, produceId: 'fast-1' }));
    const after = await topLevel();
    const moovAt = after.findIndex((b) => b.startsWith('moov'));
    assert.equal(after[moovAt + 1], `free:${ROOM_AFTER_MOOV}`, 'room is left right after the moov');
    assert.deepEqual(await packetHashes(f), packets);
    // The propagation platform's label is larger (its fields added): the room absorbs it, nothing after it moves.
    const inode = (await stat(f)).ino;
    const size = (await stat(f)).size;
    const platform = { ...createLabel({ producer: P, produceId: 'fast-1' }), PropagateID: 'platform-upload-0001' };
    await writeLabel(f, platform);
    assert.equal((await stat(f)).ino, inode, 'edited in place, not rewritten');
    assert.equal((await stat(f)).size, size, 'the free room took the growth');
    const r = await readLabel(f);
    assert.equal(r.sites.length, 1);
    assert.equal(r.label?.PropagateID, 'platform-upload-0001');
    assert.deepEqual(await packetHashes(f), packets);
  });
});

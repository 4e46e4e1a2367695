/**
 * Matroska / WebM specifics (RFC 8794 EBML, RFC 9559 Matroska, TC260-PG-20257A placement): hostile element headers,
 * nesting and counts, SeekHead consistency, label sites in several Tags, and the layout rules that keep every Cluster
 * where it was. Synthetic files are built with a small encoder written here, independent of the codec.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { crc32 } from 'node:zlib';
import {
  type AigcRecord,
  codecById,
  createLabel,
  isHeguiError,
  readLabel,
  serializeBare,
  writeLabel,
} from '../../src/index.ts';
import { BufferSource } from '../../src/label/io/source.ts';
import {
  cat,
  cluster,
  ebmlHeader,
  el,
  file,
  ID,
  idBytes,
  info,
  scanHeader,
  scanSegment,
  seek,
  seekEntries,
  simpleTag,
  size8,
  tag,
  tags,
  uint,
  voidEl,
} from '../conformance/fixtures/ebml.ts';
import { ffmpeg, ffprobe, ffprobeAigc, packetHashes } from '../support/media.ts';

const PRODUCER = '001191440300708461136T1XGW3';
const label: AigcRecord = createLabel({ producer: PRODUCER, produceId: 'mkv-0001' });
const other: AigcRecord = createLabel({ producer: PRODUCER, produceId: 'old-label', label: '2' });

const aigc = (r: AigcRecord): string => serializeBare(r);

/** `count` two-byte EBMLVoids (ID 0xEC, size 0). */
function tinyVoids(count: number): Uint8Array {
  const b = new Uint8Array(2 * count);
  for (let i = 0; i < b.length; i += 2) {
    b[i] = ID.Void;
    b[i + 1] = 0x80;
  }
  return b;
}
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

let dir: string;
let n = 0;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-ebml-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function put(bytes: Uint8Array): Promise<string> {
  const p = join(dir, `f${n++}.mkv`);
  await writeFile(p, bytes);
  return p;
}

/** writeLabel in place must fail with `code` and leave the file byte-identical. */
async function refuses(bytes: Uint8Array, code: string): Promise<void> {
  const p = await put(bytes);
  await assert.rejects(writeLabel(p, label), (e: unknown) => isHeguiError(e) && e.code === code, `expected ${code}`);
  assert.equal(sha(await readFile(p)), sha(bytes), 'a failed write changed the input');
}

async function warningCodes(bytes: Uint8Array): Promise<string[]> {
  return (await readLabel(await put(bytes))).warnings.map((w) => w.code);
}

/** Write the label to a copy and return the output bytes (the codec reads its own output back before renaming). */
async function labelled(bytes: Uint8Array, r: AigcRecord = label): Promise<Uint8Array> {
  const p = await put(bytes);
  const out = `${p}.out.mkv`;
  await writeLabel(p, r, { out });
  return new Uint8Array(await readFile(out));
}

describe('matroska: element headers', () => {
  it('sniffs Matroska and WebM by the EBML DocType, not other EBML documents', async () => {
    assert.equal((await readLabel(await put(file([info()])))).format.codec, 'matroska');
    assert.equal((await readLabel(await put(file([info()], { docType: 'matroska' })))).format.codec, 'matroska');
    await assert.rejects(
      readLabel(await put(file([info()], { docType: 'dvb' }))),
      (e: unknown) => isHeguiError(e) && e.code === 'format_unknown',
    );
  });

  it('an unknown size (all VINT bits set) on an element that is not Segment or Cluster is malformed', async () => {
    const bad = file([
      info(),
      el(ID.Tags, [tag(simpleTag('AIGC', aigc(other)))], [0x01, 255, 255, 255, 255, 255, 255, 255]),
      cluster(),
    ]);
    await refuses(bad, 'malformed');
    assert.ok((await warningCodes(bad)).includes('malformed'));
    const inner = file([info(), tags(el(0x7373, [el(0x63c0), el(0x67c8, [el(0x45a3, ['AIGC'])], [0xff])])), cluster()]);
    await refuses(inner, 'malformed');
  });

  it('a size VINT with a zero first byte (longer than 8 bytes) is malformed', async () => {
    const bad = file([
      info(),
      el(ID.Tags, [tag(simpleTag('AIGC', aigc(other)))], [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20]),
    ]);
    await refuses(bad, 'malformed');
  });

  it('an element ID with a zero first byte, or longer than 4 bytes, is malformed', async () => {
    const base = file([info(), cluster()]);
    const { children } = scanSegment(base);
    const at = children[1]!.offset; // the Cluster
    const z = base.slice();
    z[at] = 0x00;
    await refuses(z, 'malformed');
    const five = base.slice();
    five[at] = 0x08; // announces a 5-byte ID
    await refuses(five, 'malformed');
  });

  it('sizes near 2^32 past the end of the file are truncated, past a parent inside the file malformed', async () => {
    // An unknown-size Segment, so the Cluster's claimed 0xFFFFFFF0 bytes are bounded only by the file.
    const seg = cat([
      ebmlHeader(),
      idBytes(ID.Segment),
      [0x01, 255, 255, 255, 255, 255, 255, 255],
      info(),
      idBytes(ID.Cluster),
      [0x08, 0xff, 0xff, 0xff, 0xf0],
      [1, 2, 3],
    ]);
    await refuses(seg, 'truncated');
    assert.ok((await warningCodes(seg)).includes('truncated'));
    const pastParent = file([
      info(),
      el(ID.Tags, [idBytes(0x7373), [0x08, 0xff, 0xff, 0xff, 0xf0], tag(simpleTag('X', 'y'))]),
      cluster(),
    ]);
    await refuses(pastParent, 'malformed');
    assert.ok((await warningCodes(pastParent)).includes('malformed'));
  });

  it('a level-1 element running past a known Segment end is malformed', async () => {
    const good = file([info(), cluster()]);
    const { segment } = scanSegment(good);
    const bad = cat([good, [0, 0, 0, 0]]); // four bytes after the Segment: make the Segment claim 2 fewer
    bad.set(size8(segment.size! - 2), segment.sizeOffset);
    await refuses(bad, 'malformed');
  });

  it('zero-length Tags and Void elements are fine', async () => {
    const out = await labelled(file([info(), el(ID.Tags), el(ID.Void), cluster()]));
    const r = await readLabel(await put(out));
    assert.equal(r.sites.length, 1);
    assert.deepEqual(r.label, label);
  });
});

describe('matroska: bounds', () => {
  it('SimpleTags nested beyond the depth bound are oversize (write), a warning (read)', async () => {
    let st = simpleTag('LEAF', 'x');
    for (let i = 0; i < 40; i++) st = simpleTag(`L${i}`, 'x', st);
    const deep = file([info(), tags(tag(st)), cluster()]);
    await refuses(deep, 'oversize');
    assert.ok((await warningCodes(deep)).includes('oversize'));
  });

  it('a huge number of tiny level-1 elements ends in oversize: the walk counts elements, not only bytes', async () => {
    const voids = tinyVoids(420_000);
    const bad = file([info(), voids, tags(tag(simpleTag('AIGC', aigc(other))))]);
    await refuses(bad, 'oversize');
    assert.ok((await warningCodes(bad)).includes('oversize'));
  });

  it('many tiny elements below the bound are walked and the label after them found', async () => {
    const voids = tinyVoids(100_000);
    const r = await readLabel(await put(file([info(), voids, tags(tag(simpleTag('AIGC', aigc(other)))), cluster()])));
    assert.equal(r.sites.length, 1);
    assert.deepEqual(r.label, other);
  });

  it('a Tags element holding too many tiny elements is oversize', async () => {
    const voids = tinyVoids(120_000);
    await refuses(file([info(), tags(tag(simpleTag('AIGC', aigc(other))), voids), cluster()]), 'oversize');
  });
});

describe('matroska: SeekHead', () => {
  it('a SeekHead entry pointing past the end: read warns, write refuses as malformed', async () => {
    const body = [info(), tags(tag(simpleTag('TITLE', 'x'))), cluster()];
    const bad = file([el(ID.SeekHead, [seek(ID.Info, 0), seek(ID.Cues, 0xfffffff0)]), ...body]);
    await refuses(bad, 'malformed');
    assert.ok((await warningCodes(bad)).includes('seek_out_of_range'));
  });

  it('a SeekHead entry not pointing at its element is malformed', async () => {
    await refuses(file([el(ID.SeekHead, [seek(ID.Info, 3)]), info(), cluster()]), 'malformed');
  });

  it('no room before the first Cluster to index Tags written at the end → format_unsupported, input untouched', async () => {
    // SeekHead without a Tags entry and no Void to grow into; Cues hold Cluster positions, so nothing may move.
    const cues = el(ID.Cues, [el(0xbb, [el(0xb3, [[0]]), el(0xb7, [el(0xf7, [[1]]), el(0xf1, [uint(0, 8)])])])]);
    await refuses(file([info(), cluster(), cues], { index: [ID.Info, ID.Cues] }), 'format_unsupported');
  });

  it('with a Void after the SeekHead, the Tags go to the end and the SeekHead indexes them; Clusters do not move', async () => {
    const cues = el(ID.Cues, [el(0xbb, [el(0xb3, [[0]])])]);
    const src = file([voidEl(40), info(), tags(tag(simpleTag('TITLE', 'kept'))), cluster(1), cluster(2), cues], {
      index: [ID.Info, ID.Tags, ID.Cues],
    });
    const out = await labelled(src);
    const a = scanSegment(src);
    const b = scanSegment(out);
    const rel = (s: typeof a, id: number): number[] =>
      s.children.filter((c) => c.id === id).map((c) => c.offset - s.segment.dataOffset);
    assert.deepEqual(rel(b, ID.Cluster), rel(a, ID.Cluster), 'a Cluster moved');
    assert.deepEqual(rel(b, ID.Cues), rel(a, ID.Cues), 'Cues moved');
    const last = b.children.at(-1)!;
    assert.equal(last.id, ID.Tags);
    // The SeekHead's entries point at their elements, the Tags entry at the new Tags; the old Tags became a Void.
    const entries = seekEntries(out, b.children[0]!);
    const startOf = new Map(b.children.map((c) => [c.offset - b.segment.dataOffset, c.id]));
    assert.deepEqual(entries.map(([id]) => id).sort(), [ID.Info, ID.Tags, ID.Cues].sort());
    for (const [id, pos] of entries)
      assert.equal(startOf.get(pos), id, 'a SeekHead entry does not point at its element');
    assert.equal(b.children.filter((c) => c.id === ID.Tags).length, 1);
    assert.equal(b.segment.size, out.length - b.segment.dataOffset);
    const r = await readLabel(await put(out));
    assert.deepEqual(r.label, label);
    assert.ok(new TextDecoder().decode(out).includes('kept'), 'another SimpleTag was lost');
  });

  it('a stale Tags entry too narrow to update becomes a Void; a second SeekHead in the old Tags indexes the new', async () => {
    // 1-byte SeekPositions: the new Tags, after a 400-byte Cluster, needs 2 bytes, and nothing follows the SeekHead.
    const seek1 = (id: number, pos: number): Uint8Array => el(0x4dbb, [el(0x53ab, [idBytes(id)]), el(0x53ac, [[pos]])]);
    const oldTags = tags(tag(simpleTag('TITLE', 'a title long enough to leave room for a SeekHead')));
    const big = el(ID.Cluster, [el(0xe7, [[0]]), el(0xa3, [[0x81, 0, 0, 0x80], new Uint8Array(400)])]);
    const cues = el(ID.Cues, [el(0xbb, [el(0xb3, [[0]])])]);
    const headLen = seek1(ID.Info, 0).length * 2 + 5;
    const head = el(ID.SeekHead, [seek1(ID.Info, headLen), seek1(ID.Tags, headLen + info().length)]);
    const src = file([head, info(), oldTags, big, cues]);
    const out = await labelled(src);
    const b = scanSegment(out);
    const heads = b.children.filter((c) => c.id === ID.SeekHead);
    assert.equal(heads.length, 2);
    const entries = heads.flatMap((h) => seekEntries(out, h));
    const tagsEntries = entries.filter(([id]) => id === ID.Tags);
    assert.equal(tagsEntries.length, 1);
    assert.equal(tagsEntries[0]![1], b.children.at(-1)!.offset - b.segment.dataOffset);
    assert.equal(b.children.at(-1)!.id, ID.Tags);
    const a = scanSegment(src);
    assert.equal(
      b.children.find((c) => c.id === ID.Cluster)!.offset - b.segment.dataOffset,
      a.children.find((c) => c.id === ID.Cluster)!.offset - a.segment.dataOffset,
    );
    assert.deepEqual((await readLabel(await put(out))).label, label);
  });

  it('a Cluster recording its Position keeps its place: with no SeekHead and no room, format_unsupported', async () => {
    const positioned = el(ID.Cluster, [el(0xe7, [[0]]), el(0xa7, [[0]]), el(0xa3, [[0x81, 0, 0, 0x80, 1]])]);
    await refuses(file([info(), positioned]), 'format_unsupported');
    // With a Void before it, a SeekHead goes there and the Tags at the end; the Cluster does not move.
    const src = file([info(), voidEl(40), positioned]);
    const out = await labelled(src);
    const b = scanSegment(out);
    assert.deepEqual(
      b.children.map((c) => c.id).filter((id) => id !== ID.Void),
      [ID.Info, ID.SeekHead, ID.Cluster, ID.Tags],
    );
    const clusterAt = (f: ReturnType<typeof scanSegment>): number =>
      f.children.find((c) => c.id === ID.Cluster)!.offset;
    assert.equal(clusterAt(b), clusterAt(scanSegment(src)));
    assert.deepEqual((await readLabel(await put(out))).label, label);
  });

  it('a large Void before the first Cluster takes the Tags in place: same size, nothing after it moves', async () => {
    const src = file([info(), voidEl(1200), cluster(1)], { index: [ID.Info] });
    const out = await labelled(src);
    assert.equal(out.length, src.length);
    assert.ok(Buffer.from(out.subarray(-cluster(1).length)).equals(Buffer.from(cluster(1))));
  });
});

describe('matroska: label sites', () => {
  it('two AIGC SimpleTags (two Tags elements) read as 2 sites; write leaves exactly one', async () => {
    const src = file([
      info(),
      tags(tag(simpleTag('AIGC', aigc(other)))),
      cluster(),
      tags(tag(simpleTag('TITLE', 't'), simpleTag('AIGC', aigc(other)))),
    ]);
    const before = await readLabel(await put(src));
    assert.equal(before.sites.length, 2);
    assert.ok(before.findings.some((f) => f.code === 'multiple_labels'));
    const out = await labelled(src);
    const r = await readLabel(await put(out));
    assert.equal(r.sites.length, 1);
    assert.deepEqual(r.label, label);
    assert.ok(new TextDecoder().decode(out).includes('TITLE'));
  });

  it('nested and other-case AIGC SimpleTags are read as alternative sites and removed on write', async () => {
    const src = file([
      info(),
      tags(tag(simpleTag('ARTIST', 'a', simpleTag('AIGC', aigc(other)))), tag(simpleTag('aigc', aigc(other)))),
      cluster(),
    ]);
    const r = await readLabel(await put(src));
    assert.deepEqual(
      r.sites.map((s) => [s.placement, s.normative]),
      [
        ['matroska.simpletag-nested', false],
        ['matroska.simpletag-nocase', false],
      ],
    );
    const out = await readLabel(await put(await labelled(src)));
    assert.deepEqual(
      out.sites.map((s) => s.placement),
      ['matroska.simpletag'],
    );
  });

  it('a Tag whose CRC-32 covers a removed AIGC SimpleTag gets a recomputed CRC-32', async () => {
    const inner = cat([el(0x63c0), simpleTag('TITLE', 'x'), simpleTag('AIGC', aigc(other))]);
    const c = crc32(inner);
    const crcTag = el(0x7373, [[0xbf, 0x84, c & 0xff, (c >>> 8) & 0xff, (c >>> 16) & 0xff, c >>> 24], inner]);
    const out = await labelled(file([info(), tags(crcTag), cluster()]));
    const newTags = scanSegment(out).children.find((k) => k.id === ID.Tags)!;
    const t = scanHeader(out, newTags.dataOffset); // the kept Tag comes first
    const data = out.subarray(t.dataOffset, t.dataOffset + t.size!);
    assert.equal(data[0], 0xbf);
    assert.equal(Buffer.from(data).readUInt32LE(2), crc32(data.subarray(6)));
    assert.ok(Buffer.from(data).includes(Buffer.from('TITLE')));
    assert.ok(!Buffer.from(data).includes(Buffer.from('AIGC')));
  });

  it('an unknown-size Segment stays unknown; a live file without an index gets Tags before its first Cluster', async () => {
    const src = file([info(), cluster(1), cluster(2)], { unknown: true });
    const out = await labelled(src);
    const s = scanHeader(out, scanHeader(out, 0).dataOffset + scanHeader(out, 0).size!);
    assert.equal(s.size, null);
    const kids = scanSegment(out).children.map((c) => c.id);
    assert.deepEqual(kids, [ID.Info, ID.Tags, ID.Cluster, ID.Cluster]);
    const codec = codecById('matroska')!;
    assert.equal(await codec.describe!(new BufferSource(out)), 'WebM (live: unknown Segment size)');
    assert.equal(await codec.describe!(new BufferSource(file([info()], { docType: 'matroska' }))), 'Matroska');
  });

  it('a Segment size field too narrow for the new size is widened; positions stay Segment-relative', async () => {
    // A 2-byte Segment size (at most 16382) nearly full: Attachments after the Cluster fill it.
    const kids = [
      el(ID.SeekHead, [seek(ID.Info, 0), seek(ID.Tags, 0)]),
      info(),
      tags(tag(simpleTag('TITLE', 't'))),
      cluster(1),
    ];
    const pos = (k: number): number => kids.slice(0, k).reduce((a, b) => a + b.length, 0);
    kids[0] = el(ID.SeekHead, [seek(ID.Info, pos(1)), seek(ID.Tags, pos(2))]);
    kids.push(el(0x1941a469, [new Uint8Array(16290 - pos(4))]));
    const data = cat(kids);
    assert.ok(data.length < 16383);
    const src = cat([ebmlHeader(), idBytes(ID.Segment), [0x40 | (data.length >> 8), data.length & 0xff], data]);
    const out = await labelled(src);
    const seg = scanHeader(out, scanHeader(out, 0).dataOffset + scanHeader(out, 0).size!);
    assert.ok(seg.sizeWidth > 2);
    assert.equal(seg.dataOffset + seg.size!, out.length);
    assert.deepEqual((await readLabel(await put(out))).label, label);
  });

  it('several chained Segments are read, and refused for writing', async () => {
    const one = file([info(), tags(tag(simpleTag('AIGC', aigc(other)))), cluster()]);
    const two = cat([one, one]);
    assert.equal((await readLabel(await put(two))).sites.length, 2);
    await refuses(two, 'format_unsupported');
  });
});

describe('matroska: files made by ffmpeg', () => {
  it('an AIGC tag written by ffmpeg (-metadata AIGC=…) is replaced, other tags and packets kept', async () => {
    const p = join(dir, 'ffmpeg-aigc.mkv');
    await ffmpeg([
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=64x48:rate=10',
      '-t',
      '1',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-metadata',
      `AIGC=${aigc(other)}`,
      '-metadata',
      'title=Has a label',
      p,
    ]);
    const before = await readLabel(p);
    assert.deepEqual(
      before.sites.map((s) => s.placement),
      ['matroska.simpletag'],
    );
    assert.deepEqual(before.label, other);
    const out = join(dir, 'ffmpeg-aigc.out.mkv');
    const res = await writeLabel(p, label, { out });
    assert.equal(res.replaced, 1);
    assert.deepEqual(JSON.parse((await ffprobeAigc(out))!), label);
    const tagsOf = async (f: string): Promise<unknown> => {
      const t = (await ffprobe(f)).format.tags ?? {};
      return Object.fromEntries(Object.entries(t).filter(([k]) => k.toUpperCase() !== 'AIGC'));
    };
    assert.deepEqual(await tagsOf(out), await tagsOf(p));
    assert.deepEqual(await packetHashes(out), await packetHashes(p));
    const probe = JSON.stringify((await ffprobe(out)).format.tags);
    assert.equal(probe.split('AIGC').length - 1, 1, 'ffprobe sees more than one AIGC tag');
  });
});

/**
 * Hostile and edge-case inputs for the GIF codec: wrong magic, sub-block chains past the end, unknown blocks, missing trailer,
 * zero-length extensions, XMP over the bound, two labels present, XMP without the magic trailer. Each asserts the
 * exact error code.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { buildXmpPacket, createLabel, labelBytes, readLabel, writeLabel } from '../../src/index.ts';
import { gifBlockOffsets } from '../conformance/fixtures/gif.ts';
import { exiftool, exiftoolAigc } from '../support/media.ts';
import { writeOutcome as labelOutcome, outcome } from '../support/outcome.ts';

const PRODUCER = '001191440300708461136T1XGW3';
const label = createLabel({ producer: PRODUCER, produceId: 'gif-0001' });
const older = createLabel({ producer: PRODUCER, produceId: 'older-0002', label: '3' });

const writeOutcome = (bytes: Buffer): Promise<string> => labelOutcome(bytes, label);

/** The XMP extension as the XMP spec lays it out, built here independently of the codec. */
function xmpExtension(packet: string): Buffer {
  const trailer = Buffer.alloc(258);
  trailer[0] = 1;
  for (let i = 0; i < 256; i++) trailer[1 + i] = 255 - i;
  return Buffer.concat([
    Buffer.from([0x21, 0xff, 0x0b]),
    Buffer.from('XMP DataXMP', 'latin1'),
    Buffer.from(packet, 'utf8'),
    trailer,
  ]);
}

const insert = (b: Buffer, at: number, bytes: Buffer): Buffer =>
  Buffer.concat([b.subarray(0, at), bytes, b.subarray(at)]);
const blocks = (b: Buffer): number[] => gifBlockOffsets(b).slice(2);

let dir: string;
let n = 0;
let still: Buffer;
let anim: Buffer;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-gif-'));
  still = await sharp({ create: { width: 16, height: 8, channels: 3, background: '#208040' } })
    .gif()
    .toBuffer();
  const frame = (c: string) =>
    sharp({ create: { width: 16, height: 8, channels: 3, background: c } })
      .png()
      .toBuffer();
  anim = await sharp([await frame('#ff0000'), await frame('#0000ff')], { join: { animated: true } })
    .gif({ loop: 0, delay: [100, 100] })
    .toBuffer();
});
after(async () => {
  await exiftool.end();
  await rm(dir, { recursive: true, force: true });
});

describe('GIF', () => {
  it('wrong magic (an unknown version, lower case, a NUL for the version letter) → format_unknown, input untouched', async () => {
    for (const head of ['GIF90a', 'GIF88a', 'gif89a', 'GIF89\0']) {
      const bad = Buffer.from(anim);
      bad.write(head, 0, 'latin1');
      assert.equal(await outcome(readLabel(bad)), 'format_unknown', head);
      const p = join(dir, `magic-${n++}.gif`);
      await writeFile(p, bad);
      assert.equal(await outcome(writeLabel(p, label)), 'format_unknown', head);
      assert.ok((await readFile(p)).equals(bad), 'a refused write changed the input');
    }
  });

  it('a sub-block chain running past the end → truncated on write, a truncated warning on read', async () => {
    const end = still.length - 1;
    const bad = Buffer.concat([still.subarray(0, end), Buffer.from([0x21, 0xfe, 0xff, 0x61, 0x62, 0x63])]);
    assert.equal(await writeOutcome(bad), 'truncated');
    assert.deepEqual(
      (await readLabel(bad)).warnings.map((w) => w.code),
      ['truncated'],
    );
  });

  it('a label before the broken chain is still read', async () => {
    const withLabel = insert(still, blocks(still)[0]!, xmpExtension(buildXmpPacket(older)));
    const bad = Buffer.concat([withLabel.subarray(0, withLabel.length - 1), Buffer.from([0x21, 0x01, 0xfe, 0x00])]);
    const r = await readLabel(bad);
    assert.deepEqual(r.label, older);
    assert.deepEqual(
      r.warnings.map((w) => w.code),
      ['truncated'],
    );
  });

  it('an unknown block introducer or an LZW code size of 0 → malformed', async () => {
    assert.equal(await writeOutcome(insert(still, blocks(still)[0]!, Buffer.from([0x99]))), 'malformed');
    const image = blocks(still).find((o) => still[o] === 0x2c)!;
    const lct = still[image + 9]! & 0x80 ? 3 << ((still[image + 9]! & 7) + 1) : 0;
    const bad = Buffer.from(still);
    bad[image + 10 + lct] = 0;
    assert.equal(await writeOutcome(bad), 'malformed');
  });

  it('a cut global colour table, a missing trailer, a bare header → truncated', async () => {
    assert.equal(await writeOutcome(still.subarray(0, 20)), 'truncated');
    assert.deepEqual(
      (await readLabel(still.subarray(0, 20))).warnings.map((w) => w.code),
      ['truncated'],
    );
    assert.equal(await writeOutcome(still.subarray(0, still.length - 1)), 'truncated');
    assert.equal(await outcome(readLabel(still.subarray(0, 6))), 'truncated');
  });

  it('zero-length application and comment extensions are kept', async () => {
    const input = insert(still, blocks(still)[0]!, Buffer.from([0x21, 0xff, 0x00, 0x21, 0xfe, 0x00]));
    const out = Buffer.from(await labelBytes(input, label));
    assert.ok(out.includes(Buffer.from([0x21, 0xff, 0x00, 0x21, 0xfe, 0x00])), 'the empty extensions were dropped');
    assert.deepEqual((await readLabel(out)).label, label);
  });

  it('the label sits after the NETSCAPE2.0 loop extension and before the first graphic control extension', async () => {
    const out = Buffer.from(await labelBytes(anim, label));
    const at = blocks(out);
    assert.equal(out.toString('latin1', at[0]! + 3, at[0]! + 14), 'NETSCAPE2.0');
    assert.equal(out.toString('latin1', at[1]! + 3, at[1]! + 14), 'XMP DataXMP');
    assert.deepEqual([out[at[2]!], out[at[2]! + 1]], [0x21, 0xf9]);
    assert.equal(at.filter((o) => out[o] === 0x2c).length, 2, 'a frame was lost');
  });

  it('two labels (two XMP extensions) → 2 sites; write leaves exactly one and keeps the other properties', async () => {
    const dc = buildXmpPacket(older).replace(
      '</rdf:RDF>',
      '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:source>keep</dc:source></rdf:Description></rdf:RDF>',
    );
    const [, gce] = blocks(anim);
    const first = insert(anim, gce!, xmpExtension(dc));
    const input = insert(first, blocks(first).at(-1)!, xmpExtension(buildXmpPacket(older)));
    const fixed = insert(anim, gce!, Buffer.concat([xmpExtension(dc), xmpExtension(buildXmpPacket(older))]));
    for (const two of [input, fixed]) {
      assert.equal((await readLabel(two)).sites.length, 2);
      const out = Buffer.from(await labelBytes(two, label));
      const r = await readLabel(out);
      assert.equal(r.sites.length, 1);
      assert.deepEqual(r.label, label);
      assert.ok(out.toString('utf8').includes('<dc:source>keep</dc:source>'), 'the other XMP property was lost');
    }
  });

  it('XMP stored as ordinary sub-blocks (no magic trailer) is read with a warning and rewritten properly', async () => {
    const packet = Buffer.from(buildXmpPacket(older), 'utf8');
    const subBlocks: Buffer[] = [];
    for (let i = 0; i < packet.length; i += 255) {
      const part = packet.subarray(i, i + 255);
      subBlocks.push(Buffer.from([part.length]), part);
    }
    const ext = Buffer.concat([
      Buffer.from([0x21, 0xff, 0x0b]),
      Buffer.from('XMP DataXMP', 'latin1'),
      ...subBlocks,
      Buffer.from([0]),
    ]);
    const input = insert(still, blocks(still)[0]!, ext);
    const r = await readLabel(input);
    assert.deepEqual(r.label, older);
    assert.deepEqual(
      r.warnings.map((w) => w.code),
      ['xmp_no_magic_trailer'],
    );
    const again = await readLabel(await labelBytes(input, label));
    assert.deepEqual([again.label, again.warnings], [label, []]);
  });

  it('an XMP packet over the size bound → oversize on write, an unreadable-XMP warning on read', async () => {
    const huge = buildXmpPacket(older).replace('</x:xmpmeta>', `${' '.repeat(4 * 1024 * 1024)}</x:xmpmeta>`);
    const input = insert(still, blocks(still)[0]!, xmpExtension(huge));
    assert.equal(await writeOutcome(input), 'oversize');
    assert.deepEqual(
      (await readLabel(input)).warnings.map((w) => w.code),
      ['xmp_unreadable'],
    );
  });

  it('a GIF87a is raised to GIF89a and the label is seen by exiftool', async () => {
    const g87 = Buffer.from(still);
    g87.write('GIF87a', 0, 'latin1');
    const out = Buffer.from(await labelBytes(g87, label));
    assert.equal(out.toString('latin1', 0, 6), 'GIF89a');
    const p = join(dir, 'from87a.gif');
    await writeFile(p, out);
    assert.equal(await exiftoolAigc(p), (await readLabel(out)).sites[0]!.text);
  });
});

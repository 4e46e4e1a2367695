/**
 * Hostile and edge-case inputs for the PNG codec (PNG spec §5: signature, chunk length ≤ 2^31−1, CRC; TC260-PG-20259A:
 * one XMP iTXt before the first IDAT): chunk lengths near 2^32, zero-length chunks, wrong magic, CRC mismatches, a
 * missing IEND, and two labels already present. Each ends in a named error or finding, and a refused in-place write
 * leaves the file byte for byte as it was.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { crc32 } from 'node:zlib';
import { buildXmpPacket, createLabel, labelBytes, readLabel, serializeBare, writeLabel } from '../../src/index.ts';
import { pngChunkOffsets } from '../conformance/fixtures/png.ts';
import { exiftool, exiftoolAigc, exiftoolRaw, pixelHash, sha256File } from '../support/media.ts';
import { outcome } from '../support/outcome.ts';
import { aigcText, chunk, pngWith } from '../support/png-text.ts';

const PRODUCER = '001191440300708461136T1XGW3';
const label = createLabel({ producer: PRODUCER, produceId: 'png-0001' });
const older = createLabel({ producer: PRODUCER, produceId: 'older-0002', label: '2' });

/** An uncompressed iTXt chunk with the XMP keyword (PNG §11.3.4.5), built here independently of the codec. */
const xmpChunk = (packet: string): Buffer =>
  chunk('iTXt', Buffer.concat([Buffer.from('XML:com.adobe.xmp\0\0\0\0\0', 'latin1'), Buffer.from(packet, 'utf8')]));

/** A label packet with one more property beside it, which a rewrite must keep. */
const packetWith = (record = older, keep = 'keep-me'): string =>
  buildXmpPacket(record).replace(
    '</rdf:RDF>',
    `<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:source>${keep}</dc:source></rdf:Description></rdf:RDF>`,
  );

/** A chunk header claiming `length` data bytes, followed by `data` (which may be shorter). */
const rawChunk = (length: number, type: string, data: Buffer = Buffer.alloc(0)): Buffer => {
  const h = Buffer.alloc(8);
  h.writeUInt32BE(length >>> 0, 0);
  h.write(type, 4, 'latin1');
  return Buffer.concat([h, data]);
};

interface WalkedChunk {
  type: string;
  offset: number;
  data: Buffer;
}

/** The chunks of a well-formed PNG, by the test's own walker. */
function chunksOf(b: Buffer): WalkedChunk[] {
  const starts = pngChunkOffsets(b).filter((_, i) => i % 4 === 0);
  return starts
    .filter((p) => p + 12 <= b.length)
    .map((p) => ({
      type: b.toString('latin1', p + 4, p + 8),
      offset: p,
      data: b.subarray(p + 8, p + 8 + b.readUInt32BE(p)),
    }));
}

const labelChunks = (b: Buffer): WalkedChunk[] =>
  chunksOf(b).filter(
    (c) => (c.type === 'tEXt' && c.data.toString('latin1').startsWith('AIGC\0')) || c.data.includes('TC260:AIGC'),
  );

let dir: string;
let base: Buffer;
let n = 0;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-png-'));
  base = await pngWith();
});
after(async () => {
  await exiftool.end();
  await rm(dir, { recursive: true, force: true });
});

async function put(bytes: Uint8Array): Promise<string> {
  const p = join(dir, `f${n++}.png`);
  await writeFile(p, bytes);
  return p;
}

/** An in-place write fails with `code`; the file is byte-identical afterwards and no temporary file is left. */
async function refusedInPlace(bytes: Buffer, code: string): Promise<void> {
  const p = await put(bytes);
  const hash = await sha256File(p);
  assert.equal(await outcome(writeLabel(p, label)), code);
  assert.equal(await sha256File(p), hash, 'a refused write changed the input');
  assert.deepEqual(
    (await readdir(dir)).filter((f) => f.endsWith('.tmp')),
    [],
    'temporary file left behind',
  );
}

const warnings = async (b: Uint8Array): Promise<string[]> => (await readLabel(b)).warnings.map((w) => w.code);

describe('PNG: chunk lengths near 2^32', () => {
  // PNG §5.3 limits a length to 2^31−1: above it the length itself is wrong (malformed); at it the chunk only runs
  // past the end of this file (truncated).
  for (const [length, code] of [
    [0xfffffff0, 'malformed'],
    [0x80000000, 'malformed'],
    [0x7fffffff, 'truncated'],
  ] as const) {
    const hex = `0x${length.toString(16).toUpperCase()}`;
    it(`a text chunk of length ${hex} → read warns ${code}, write refuses with ${code}`, async () => {
      const bad = Buffer.concat([
        base.subarray(0, 33),
        rawChunk(length, 'tEXt', Buffer.from('AIGC\0{}')),
        base.subarray(33),
      ]);
      const r = await readLabel(bad);
      assert.deepEqual(
        r.warnings.map((w) => w.code),
        [code],
      );
      assert.deepEqual(
        r.findings.map((f) => f.code),
        ['no_label'],
      );
      await refusedInPlace(bad, code);
    });

    it(`an unknown chunk of length ${hex} after a label → the label is still read, write refuses with ${code}`, async () => {
      const bad = await pngWith(aigcText(serializeBare(older)), rawChunk(length, 'ruSt', Buffer.alloc(4)));
      const r = await readLabel(bad);
      assert.deepEqual(r.label, older);
      assert.deepEqual(
        r.warnings.map((w) => w.code),
        [code],
      );
      await refusedInPlace(bad, code);
    });
  }

  it('an IHDR length of 0xFFFFFFFF → malformed', async () => {
    const bad = Buffer.from(base);
    bad.writeUInt32BE(0xffffffff, 8);
    assert.deepEqual(await warnings(bad), ['malformed']);
    await refusedInPlace(bad, 'malformed');
  });
});

describe('PNG: zero-length chunks', () => {
  it('empty tEXt and iTXt → a text_chunk_malformed finding on read; the write keeps them and labels the file', async () => {
    for (const type of ['tEXt', 'iTXt', 'zTXt']) {
      const empty = chunk(type, Buffer.alloc(0));
      const input = await pngWith(empty);
      assert.deepEqual(await warnings(input), ['text_chunk_malformed'], type);
      const out = Buffer.from(await labelBytes(input, label));
      assert.ok(out.includes(empty), `the empty ${type} chunk was dropped`);
      assert.deepEqual((await readLabel(out)).label, label);
    }
  });

  it('an empty unknown ancillary chunk and an empty IDAT are copied; pixels unchanged', async () => {
    const input = await pngWith(chunk('ruSt', Buffer.alloc(0)));
    const idat = chunksOf(input).find((c) => c.type === 'IDAT')!;
    const withEmptyIdat = Buffer.concat([
      input.subarray(0, idat.offset),
      chunk('IDAT', Buffer.alloc(0)),
      input.subarray(idat.offset),
    ]);
    const out = Buffer.from(await labelBytes(withEmptyIdat, label));
    const list = (b: Buffer) => chunksOf(b).map((c) => `${c.type}:${c.data.length}`);
    const [ihdr, ...rest] = list(withEmptyIdat);
    assert.ok(rest.includes('ruSt:0') && rest.includes('IDAT:0'));
    assert.deepEqual(list(out), [ihdr, `iTXt:${chunksOf(out)[1]!.data.length}`, ...rest]);
    assert.deepEqual(await warnings(out), []);
    const [a, b] = [await put(withEmptyIdat), await put(out)];
    assert.equal(await pixelHash(b), await pixelHash(a));
  });

  it('an AIGC tEXt with an empty value → one site with an empty finding; the write replaces it', async () => {
    const input = await pngWith(aigcText(''));
    const r = await readLabel(input);
    assert.equal(r.sites.length, 1);
    assert.deepEqual(
      r.sites[0]!.parsed.findings.map((f) => f.code),
      ['empty'],
    );
    const out = Buffer.from(await labelBytes(input, label));
    assert.equal(labelChunks(out).length, 1);
    assert.deepEqual((await readLabel(out)).label, label);
  });
});

describe('PNG: signature, CRC, IEND', () => {
  it('wrong magic (a changed byte, the CR-LF of a text-mode transfer, no signature) → format_unknown', async () => {
    const changed = Buffer.from(base);
    changed[1] = 0x51;
    const textMode = Buffer.concat([base.subarray(0, 4), Buffer.from([0x0a]), base.subarray(6)]);
    for (const bad of [changed, textMode, base.subarray(8)]) {
      assert.equal(await outcome(readLabel(bad)), 'format_unknown');
      await refusedInPlace(bad, 'format_unknown');
    }
  });

  it('a CRC mismatch on a label chunk → a crc_mismatch finding, the label still read; the write replaces it', async () => {
    const input = await pngWith(aigcText(serializeBare(older)));
    const text = chunksOf(input)[1]!;
    input[text.offset + 8 + text.data.length + 3]! ^= 0x01;
    const r = await readLabel(input);
    assert.deepEqual(
      r.warnings.map((w) => w.code),
      ['crc_mismatch'],
    );
    assert.deepEqual(r.label, older);
    const out = Buffer.from(await labelBytes(input, label));
    assert.deepEqual((await readLabel(out)).warnings, []);
    assert.deepEqual(
      labelChunks(out).map((c) => c.type),
      ['iTXt'],
    );
  });

  it('a CRC mismatch on IDAT is not repaired or hidden: the chunk is copied byte for byte', async () => {
    const input = Buffer.from(base);
    const idat = chunksOf(input).find((c) => c.type === 'IDAT')!;
    const crcAt = idat.offset + 8 + idat.data.length;
    input.writeUInt32BE((input.readUInt32BE(crcAt) ^ 0xdeadbeef) >>> 0, crcAt);
    const out = Buffer.from(await labelBytes(input, label));
    const copied = chunksOf(out).find((c) => c.type === 'IDAT')!;
    assert.ok(
      out
        .subarray(copied.offset, copied.offset + 12 + copied.data.length)
        .equals(input.subarray(idat.offset, crcAt + 4)),
    );
  });

  it('a missing IEND, or one cut short → read warns truncated, write refuses with truncated', async () => {
    const iend = chunksOf(base).at(-1)!;
    for (const bad of [base.subarray(0, iend.offset), base.subarray(0, iend.offset + 6)]) {
      assert.deepEqual(await warnings(bad), ['truncated']);
      await refusedInPlace(bad, 'truncated');
    }
  });

  it('bytes after IEND → a trailing_data finding; the write keeps them after the new IEND', async () => {
    const input = Buffer.concat([base, Buffer.from('after the end')]);
    assert.deepEqual(await warnings(input), ['trailing_data']);
    const out = Buffer.from(await labelBytes(input, label));
    assert.equal(out.subarray(-13).toString('latin1'), 'after the end');
  });

  it('a chunk type of control bytes → malformed', async () => {
    const bad = await pngWith(chunk('\x01\x02\x03\x04', Buffer.from('x')));
    assert.deepEqual(await warnings(bad), ['malformed']);
    await refusedInPlace(bad, 'malformed');
  });
});

describe('PNG: two labels already present', () => {
  it('tEXt AIGC and an XMP label → read reports both and multiple_labels; write leaves exactly one (XMP)', async () => {
    const input = await pngWith(
      aigcText(serializeBare(older)),
      xmpChunk(packetWith(createLabel({ producer: PRODUCER, produceId: 'other-3' }))),
    );
    const r = await readLabel(input);
    assert.deepEqual(
      r.sites.map((s) => [s.placement, s.normative]),
      [
        ['png.text-aigc', false],
        ['png.xmp', true],
      ],
    );
    assert.deepEqual(
      r.findings.map((f) => f.code),
      ['multiple_labels', 'labels_disagree'],
    );
    const p = await put(input);
    const res = await writeLabel(p, label);
    assert.equal(res.replaced, 2);
    const out = await readFile(p);
    const after = await readLabel(out);
    assert.deepEqual(
      after.sites.map((s) => s.placement),
      ['png.xmp'],
    );
    assert.deepEqual(after.findings, []);
    assert.deepEqual(after.label, label);
    // Independently: one chunk carries a label, it sits before IDAT, and exiftool reads it and the kept property.
    const carriers = labelChunks(out);
    assert.deepEqual(
      carriers.map((c) => c.type),
      ['iTXt'],
    );
    assert.ok(carriers[0]!.offset < chunksOf(out).find((c) => c.type === 'IDAT')!.offset);
    assert.equal(await exiftoolAigc(p), serializeBare(label));
    assert.equal((await exiftoolRaw(p))['XMP-dc:Source'], 'keep-me');
    assert.equal(await pixelHash(p), await pixelHash(await put(input)));
  });

  it('two XMP iTXt chunks with labels → 2 sites; write leaves one, each packet keeps its other properties', async () => {
    const input = await pngWith(xmpChunk(packetWith(older, 'first')), xmpChunk(packetWith(older, 'second')));
    const r = await readLabel(input);
    assert.equal(r.sites.length, 2);
    assert.deepEqual(
      r.findings.map((f) => f.code),
      ['multiple_labels'],
    );
    const out = Buffer.from(await labelBytes(input, label));
    const after = await readLabel(out);
    assert.equal(after.sites.length, 1);
    assert.deepEqual(after.label, label);
    assert.equal(labelChunks(out).length, 1);
    const text = out.toString('utf8');
    for (const keep of ['first', 'second'])
      assert.ok(text.includes(`<dc:source>${keep}</dc:source>`), `the ${keep} packet lost its other property`);
    for (const c of chunksOf(out)) {
      const crc = out.readUInt32BE(c.offset + 8 + c.data.length);
      assert.equal(crc32(Buffer.concat([Buffer.from(c.type, 'latin1'), c.data])), crc, `${c.type} CRC`);
    }
  });

  it('an XMP label after IDAT is moved before the first IDAT (TC260-PG-20259A)', async () => {
    const iend = chunksOf(base).at(-1)!;
    const input = Buffer.concat([base.subarray(0, iend.offset), xmpChunk(packetWith()), base.subarray(iend.offset)]);
    const out = Buffer.from(await labelBytes(input, label));
    const types = chunksOf(out).map((c) => c.type);
    assert.deepEqual(types.slice(0, 2), ['IHDR', 'iTXt']);
    assert.equal(types.filter((t) => t === 'iTXt').length, 1);
    assert.ok(out.toString('utf8').includes('<dc:source>keep-me</dc:source>'));
  });
});

/**
 * OOXML codec: custom properties kept and replaced, the part created with its content type and relationship, and
 * hostile ZIP structures (sizes near 2^32, central directory past the end, overlapping entries, a compression bomb in
 * custom.xml, `../` and duplicate names, ZIP64, encryption), each with its exact error code.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { codecById, readLabel, serializeBare } from '../../src/index.ts';
import { BufferSource } from '../../src/label/io/source.ts';
import {
  customProp,
  customXml,
  type OoxmlKind,
  ooxmlOthersIdentical,
  ooxmlParts,
  unzipAigc,
  unzipPart,
  type ZipOptions,
  zipEntries,
  zipParts,
} from '../conformance/fixtures/ooxml-build.ts';
import { toolOk } from '../conformance/fixtures/tools.ts';
import { exiftoolRaw } from '../support/media.ts';
import { file, labelled, next, old, reads, refused, rejectsWith, scratch } from './docs-support.ts';
import { assertFlipChangesCanonical, assertStableRelabelling } from './stable-relabel.ts';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
let seq = 0;
const pkg = async (kind: OoxmlKind, parts: Record<string, string | Buffer>, o = {}): Promise<string> =>
  zipParts(`${scratch()}/pkg-${seq++}.${kind}`, parts, o);

/** The three parts the label touches parse as XML (python's minidom, an independent parser). */
async function wellFormed(path: string): Promise<void> {
  for (const part of ['[Content_Types].xml', '_rels/.rels', 'docProps/custom.xml']) {
    const xml = await unzipPart(path, part);
    const p = await file('part.xml', xml);
    await toolOk('python3', ['-c', 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])', p]);
  }
}

/** Offset of the central directory record naming `name`. */
function centralOf(b: Buffer, name: string): number {
  for (let i = b.indexOf('PK\x01\x02', 0, 'latin1'); i >= 0; i = b.indexOf('PK\x01\x02', i + 4, 'latin1')) {
    if (b.toString('latin1', i + 46, i + 46 + b.readUInt16LE(i + 28)) === name) return i;
  }
  throw new Error(`no central record for ${name}`);
}

/** Rename an entry in its local header and central record (same length), as a crafted archive would. */
async function renamed(path: string, from: string, to: string): Promise<Buffer> {
  assert.equal(from.length, to.length);
  const b = await readFile(path);
  const local = (await zipEntries(path)).find((e) => e.name === from)!.offset;
  b.write(to, local + 30, 'latin1');
  b.write(to, centralOf(b, from) + 46, 'latin1');
  return b;
}

describe('OOXML: custom properties', () => {
  it('two AIGC properties: two sites; write keeps one, other properties, unique pids; exiftool reads it', async () => {
    const props =
      customProp(2, 'Project', 'Hegui') + customProp(3, 'AIGC', esc(serializeBare(old))) + customProp(7, 'aigc', 'x');
    const p = await pkg('docx', ooxmlParts('docx', customXml(props)));
    await reads(p, ['ooxml.custom', 'ooxml.custom']);
    const out = await labelled(p);
    await ooxmlOthersIdentical(p, out);
    await wellFormed(out);
    const xml = (await unzipPart(out, 'docProps/custom.xml')).toString('utf8');
    assert.match(xml, /name="Project"><vt:lpwstr>Hegui</);
    const pids = [...xml.matchAll(/pid="(\d+)"/g)].map((m) => m[1]);
    assert.deepEqual(pids, ['2', '3']);
    assert.equal(await unzipAigc(out), serializeBare(next));
    const tags = await exiftoolRaw(out);
    assert.equal(tags['XML:AIGC'], serializeBare(next));
    assert.equal(tags['XML:Project'], 'Hegui');
  });

  it('custom.xml with other prefixes and no relationship: prefixes followed, relationship and override added', async () => {
    const parts = ooxmlParts('xlsx');
    parts['docProps/custom.xml'] =
      '<?xml version="1.0" encoding="UTF-8"?><op:Properties xmlns:op="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" ' +
      'xmlns:t="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><op:property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="4" name="Dept"><t:lpwstr>R&amp;D</t:lpwstr></op:property></op:Properties>';
    const p = await pkg('xlsx', parts);
    const out = await labelled(p);
    await wellFormed(out);
    const xml = (await unzipPart(out, 'docProps/custom.xml')).toString('utf8');
    assert.match(xml, /<op:property fmtid="[^"]+" pid="5" name="AIGC"><t:lpwstr>/);
    assert.match(
      (await unzipPart(out, '_rels/.rels')).toString(),
      /relationships\/custom-properties" Target="docProps\/custom.xml"/,
    );
    assert.match((await unzipPart(out, '[Content_Types].xml')).toString(), /PartName="\/docProps\/custom.xml"/);
    assert.match(xml, /pid="4" name="Dept"><t:lpwstr>R&amp;D<\/t:lpwstr><\/op:property>/);
  });

  it('names the application in describe', async () => {
    for (const [kind, name] of [
      ['docx', /DOCX/],
      ['xlsx', /XLSX/],
      ['pptx', /PPTX/],
    ] as const) {
      const p = await pkg(kind, ooxmlParts(kind));
      assert.match(await codecById('ooxml')!.describe!(new BufferSource(await readFile(p))), name);
    }
  });

  it('a ZIP that is not an OOXML package is not recognised', async () => {
    const p = await pkg('docx', { 'readme.bin': Buffer.from([0, 1, 2, 3]) });
    await rejectsWith(readLabel(p), 'format_unknown');
  });
});

describe('OOXML: stable relabelling (content binding)', () => {
  const ooxml = codecById('ooxml')!;
  const custom = customXml(customProp(2, 'Project', 'Hegui &amp; co'));
  const variants: [string, OoxmlKind, string | undefined, ZipOptions][] = [
    ['docx without custom.xml', 'docx', undefined, {}],
    ['docx with custom.xml and data descriptors', 'docx', custom, { streamed: true }],
    ['xlsx stored', 'xlsx', undefined, { method: 'store' }],
    ['pptx with custom.xml', 'pptx', customXml(customProp(5, 'AIGC', esc(serializeBare(old)))), {}],
  ];
  for (const [name, kind, xml, o] of variants) {
    it(`${name}: the same canonical form through any relabelling; every byte outside the label is bound`, async () => {
      const p = await pkg(kind, ooxmlParts(kind, xml), o);
      const outputs = await assertStableRelabelling(ooxml, await readFile(p));
      const signed = outputs[1]!;
      await ooxmlOthersIdentical(p, await file(`signed.${kind}`, signed));
      // Any byte: a part's data, a header field of a copied or a rewritten entry, the directory, the end record.
      const step = kind === 'docx' ? 1 : 7;
      for (let at = 0; at < signed.length; at += step) await assertFlipChangesCanonical(ooxml, signed, at);
    });
  }

  it('a rewritten part keeps its header fields; only method, CRC, sizes and the data-descriptor flag are new', async () => {
    const p = await pkg('docx', ooxmlParts('docx', custom), { streamed: true });
    const localOf = async (path: string) => {
      const b = await readFile(path);
      const at = (await zipEntries(path)).find((e) => e.name === 'docProps/custom.xml')!.offset;
      return b.subarray(at, at + 30 + b.readUInt16LE(at + 26) + b.readUInt16LE(at + 28));
    };
    const before = await localOf(p);
    const after = await localOf(await labelled(p));
    assert.ok(before.readUInt16LE(6) & 8, 'the input entry has a data descriptor');
    assert.equal(after.readUInt16LE(6), before.readUInt16LE(6) & ~8);
    assert.ok(after.subarray(4, 6).equals(before.subarray(4, 6)), 'version needed');
    assert.ok(after.subarray(10, 14).equals(before.subarray(10, 14)), 'modification time');
    assert.ok(after.subarray(26).equals(before.subarray(26)), 'name and extra field');
  });

  it('local and central headers that disagree, or an end record that miscounts: read, but not written', async () => {
    const out = await labelled(await pkg('docx', ooxmlParts('docx', custom)));
    const b = await readFile(out);
    const local = (await zipEntries(out)).find((e) => e.name === 'docProps/custom.xml')!.offset;
    const crc = Buffer.from(b);
    crc[local + 14]! ^= 1;
    const q = await file('crc.docx', crc);
    await reads(q, ['ooxml.custom']);
    await refused(q, 'malformed');
    const count = Buffer.from(b);
    const eocd = b.lastIndexOf('PK\x05\x06', undefined, 'latin1');
    count.writeUInt16LE(b.readUInt16LE(eocd + 8) - 1, eocd + 8);
    const r = await file('count.docx', count);
    await reads(r, ['ooxml.custom']);
    await refused(r, 'malformed');
  });
});

describe('OOXML: hostile packages', () => {
  const plain = () => pkg('docx', ooxmlParts('docx', customXml(customProp(2, 'AIGC', esc(serializeBare(old))))));

  it('an entry size near 2^32 → truncated', async () => {
    const p = await plain();
    const b = await readFile(p);
    b.writeUInt32LE(0xfffffff0, centralOf(b, 'word/document.xml') + 20);
    const q = await file('huge.docx', b);
    await rejectsWith(readLabel(q), 'truncated');
    await refused(q, 'truncated');
  });

  it('a central directory past the end of the file → truncated; an entry count of 0xFFFF without ZIP64 → malformed', async () => {
    const b = await readFile(await plain());
    const eocd = b.lastIndexOf('PK\x05\x06', undefined, 'latin1');
    const past = Buffer.from(b);
    past.writeUInt32LE(b.length + 100, eocd + 16);
    await refused(await file('past.docx', past), 'truncated');
    const count = Buffer.from(b);
    count.writeUInt16LE(0xffff, eocd + 10);
    await refused(await file('count.docx', count), 'malformed');
  });

  it('overlapping entries (two records pointing at one local header) → malformed', async () => {
    const p = await plain();
    const b = await readFile(p);
    const first = (await zipEntries(p))[0]!.offset;
    b.writeUInt32LE(first, centralOf(b, 'docProps/app.xml') + 42);
    await refused(await file('overlap.docx', b), 'malformed');
  });

  it('a compression bomb in custom.xml, honest or lying about its size → oversize', async () => {
    const bomb = customXml(`${' '.repeat(20 << 20)}${customProp(2, 'AIGC', 'x')}`);
    const p = await pkg('docx', ooxmlParts('docx', bomb));
    await reads(p, [], ['oversize']);
    await refused(p, 'oversize');
    const b = await readFile(p);
    const local = (await zipEntries(p)).find((e) => e.name === 'docProps/custom.xml')!.offset;
    b.writeUInt32LE(1000, local + 22);
    b.writeUInt32LE(1000, centralOf(b, 'docProps/custom.xml') + 24);
    const lying = await file('lying.docx', b);
    await reads(lying, [], ['oversize']);
    await refused(lying, 'oversize');
  });

  it('a ../ entry name: read warns, write refuses (malformed)', async () => {
    const parts = { ...ooxmlParts('docx'), 'aa/evil.txt': 'x' };
    const q = await file('evil.docx', await renamed(await pkg('docx', parts), 'aa/evil.txt', '../evil.txt'));
    await reads(q, [], ['bad_entry_names']);
    await refused(q, 'malformed');
  });

  it('custom.xml twice: both labels read, write refused (malformed)', async () => {
    const parts = { ...ooxmlParts('docx', customXml(customProp(2, 'AIGC', esc(serializeBare(old))))) };
    parts['docProps/custom.xmx'] = customXml(customProp(2, 'AIGC', esc(serializeBare(next))));
    const q = await file(
      'dup.docx',
      await renamed(await pkg('docx', parts), 'docProps/custom.xmx', 'docProps/custom.xml'),
    );
    await reads(q, ['ooxml.custom', 'ooxml.custom'], ['bad_entry_names']);
    assert.deepEqual(
      (await readLabel(q)).findings.map((f) => f.code),
      ['multiple_labels', 'labels_disagree'],
    );
    await refused(q, 'malformed');
  });

  it('ZIP64 (zip -fz) is read; writing is refused (format_unsupported)', async () => {
    const p = await pkg('pptx', ooxmlParts('pptx', customXml(customProp(2, 'AIGC', esc(serializeBare(old))))), {
      zip64: true,
    });
    await reads(p, ['ooxml.custom']);
    await refused(p, 'format_unsupported');
  });

  it('an encrypted custom.xml entry: read warns, write refuses (format_unsupported)', async () => {
    const p = await plain();
    const b = await readFile(p);
    const c = centralOf(b, 'docProps/custom.xml');
    b.writeUInt16LE(b.readUInt16LE(c + 8) | 1, c + 8);
    const q = await file('enc.docx', b);
    await reads(q, [], ['format_unsupported']);
    await refused(q, 'format_unsupported');
  });

  it('a zero-length custom.xml: nothing read, write refuses (malformed: no Properties element)', async () => {
    const p = await pkg('docx', ooxmlParts('docx', ''));
    await reads(p, []);
    await refused(p, 'malformed');
  });

  it('a DOCTYPE in custom.xml → read warns, write refuses (malformed)', async () => {
    const xml = customXml(customProp(2, 'AIGC', 'x')).replace('?>\n', '?>\n<!DOCTYPE x [<!ENTITY a "b">]>');
    const p = await pkg('docx', ooxmlParts('docx', xml));
    await reads(p, [], ['malformed']);
    await refused(p, 'malformed');
  });
});

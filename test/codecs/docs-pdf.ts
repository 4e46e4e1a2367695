/**
 * PDF codec: incremental updates over every cross-reference form (table, stream, hybrid), the XMP metadata stream,
 * the raw-scan fallback, and hostile structures (startxref past the end, /Prev loops, deep nesting, huge object
 * numbers, compression bombs, encryption), each with its exact error code and the input left untouched.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, copyFile, readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { codecById, readLabel, serializeBare } from '../../src/index.ts';
import { PdfDocument } from '../../src/label/codecs/pdf/document.ts';
import { buildIncrementalUpdate } from '../../src/label/codecs/pdf/update.ts';
import { BufferSource } from '../../src/label/io/source.ts';
import {
  buildPdf,
  type HandPdf,
  handPdf,
  pdfAppendOnly,
  qpdf,
  qpdfAigc,
  qpdfCheck,
  stream,
  XMP_DC,
} from '../conformance/fixtures/pdf-build.ts';
import { toolOk } from '../conformance/fixtures/tools.ts';
import { exiftoolRaw } from '../support/media.ts';
import { file, labelled, next, old, reads, refused, rejectsWith, scratch } from './docs-support.ts';
import { xmpPacket } from './jpeg-support.ts';
import {
  assertFlipChangesCanonical,
  assertStableRelabelling,
  shortLabel,
  signedLabel,
  written,
} from './stable-relabel.ts';

const lit = (s: string): string => `(${s.replace(/[\\()]/g, '\\$&')})`;
const PAGE = [
  '<< /Type /Catalog /Pages 2 0 R >>',
  '<< /Type /Pages /Kids [4 0 R] /Count 1 >>',
  '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 80] /Contents 5 0 R /Resources << /Font << /F1 3 0 R >> >> >>',
  stream('', 'BT /F1 12 Tf 10 40 Td (x) Tj ET'),
];
const latin = (s: string): Buffer => Buffer.from(s, 'latin1');
const startxrefOf = (b: Buffer): number => Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(b.toString('latin1'))![1]);

describe('PDF: incremental update over each cross-reference form', () => {
  it("relabelling replaces the previous label's update: one Info version, the original a prefix, no growth", async () => {
    const original = await file('a.pdf', handPdf());
    const once = await labelled(original, old);
    const twice = await labelled(once, next);
    const text = (await readFile(twice)).toString('latin1');
    assert.equal(text.match(/\/AIGC \(/g)?.length, 1, "the first label's update is gone");
    await pdfAppendOnly(original, twice);
    assert.equal(await qpdfAigc(twice), serializeBare(next));
    assert.match(await toolOk('pdfinfo', ['-custom', twice]), /^Title:\s+Hegui test \(PDF\)$/m);
    const again = await labelled(twice, old);
    assert.ok((await readFile(again)).equals(await readFile(once)), 'relabelling gives the bytes of a first labelling');
  });

  it('a hybrid file (table plus /XRefStm, Info in an object stream) is read and updated with a table', async () => {
    const head = Buffer.from('%PDF-1.5\n', 'latin1');
    const parts: Buffer[] = [head];
    const offsets: number[] = [];
    let pos = head.length;
    const add = (num: number, body: Buffer | string) => {
      const b = Buffer.concat([Buffer.from(`${num} 0 obj\n`), Buffer.from(body), Buffer.from('\nendobj\n')]);
      offsets[num] = pos;
      parts.push(b);
      pos += b.length;
    };
    for (const [i, o] of PAGE.entries()) add(i + 1, o);
    const info = '<< /Title (hybrid) /Producer (hand) >>';
    add(8, stream('/Type /ObjStm /N 1 /First 4', `7 0 ${info}`));
    const rows = Buffer.alloc(3 * 7);
    const row = (i: number, t: number, f2: number) => {
      rows[i * 7] = t;
      rows.writeUInt32BE(f2, i * 7 + 1);
    };
    row(0, 2, 8);
    row(1, 1, offsets[8]!);
    row(2, 1, pos);
    add(9, stream('/Type /XRef /Size 10 /W [1 4 2] /Index [7 3]', rows));
    let table = 'xref\n0 6\n0000000000 65535 f \n';
    for (let i = 1; i <= 5; i++) table += `${String(offsets[i]).padStart(10, '0')} 00000 n \n`;
    table += `trailer\n<< /Size 10 /Root 1 0 R /Info 7 0 R /XRefStm ${offsets[9]} >>\nstartxref\n${pos}\n%%EOF\n`;
    const p = await file('hybrid.pdf', Buffer.concat([...parts, Buffer.from(table)]));
    await qpdfCheck(p);
    assert.match(await codecById('pdf')!.describe!(new BufferSource(await readFile(p))), /hybrid/);
    const out = await labelled(p);
    await pdfAppendOnly(p, out);
    assert.equal(await qpdfAigc(out), serializeBare(next));
    assert.match(await toolOk('pdfinfo', ['-custom', out]), /^Title:\s+hybrid$/m);
    assert.match((await readFile(out)).toString('latin1').slice(-400), /\nxref\n7 1\n/, 'the update is a table');
  });

  it('object streams and an xref stream: the update is an xref stream; linearised files say so', async () => {
    const src = await file('hand.pdf', handPdf({ pages: 2 }));
    const os = `${scratch()}/os.pdf`;
    await qpdf(['--object-streams=generate', src, os]);
    const out = await labelled(os);
    assert.match((await readFile(out)).toString('latin1').slice(-600), /\/Type \/XRef/);
    const lin = `${scratch()}/lin.pdf`;
    await qpdf(['--linearize', src, lin]);
    assert.match(await codecById('pdf')!.describe!(new BufferSource(await readFile(lin))), /linearized/);
  });
});

describe('PDF: stable relabelling (content binding)', () => {
  const pdf = codecById('pdf')!;
  const variants: [string, string[], HandPdf][] = [
    ['classic table', ['--object-streams=disable'], {}],
    ['object streams, xref stream', ['--object-streams=generate'], { pages: 2 }],
    ['linearised', ['--linearize'], { pages: 2 }],
    ['labelled XMP', ['--object-streams=disable'], { xmp: xmpPacket('<dc:format>application/pdf</dc:format>', old) }],
  ];
  for (const [name, args, hand] of variants) {
    it(`${name}: the same canonical form through any relabelling, qpdf --check passes; a content byte changes it`, async () => {
      const src = await file('hand.pdf', handPdf(hand));
      const p = `${scratch()}/stable-${args[0]}-${hand.xmp ? 'xmp' : 'plain'}.pdf`;
      await qpdf([...args, src, p]);
      const original = await readFile(p);
      const outputs = await assertStableRelabelling(pdf, original);
      for (const out of outputs) {
        assert.ok(out.subarray(0, original.length).equals(original), 'the original stays a prefix');
        await qpdfCheck(await file('out.pdf', out));
      }
      await assertFlipChangesCanonical(pdf, outputs[1]!, original.length >> 1);
    });
  }

  it('relabelling many times does not grow the file', async () => {
    const pdfFile = await readFile(await file('grow.pdf', handPdf()));
    const long = await signedLabel(pdfFile);
    let cur = await written(pdf, pdfFile, long);
    const size = cur.length;
    for (let i = 0; i < 6; i++) cur = await written(pdf, await written(pdf, cur, shortLabel), long);
    assert.equal(cur.length, size);
    assert.equal(cur.toString('latin1').match(/\/AIGC \(/g)?.length, 1);
  });

  it('updates stacked by an earlier writer are replaced as a whole', async () => {
    const pdfFile = await readFile(
      await file('stacked.pdf', handPdf({ xmp: xmpPacket('<dc:format>application/pdf</dc:format>', old) })),
    );
    let stacked: Buffer = pdfFile;
    for (const label of [old, next, old]) {
      const doc = await PdfDocument.open(new BufferSource(stacked));
      stacked = Buffer.concat([stacked, await buildIncrementalUpdate(doc, serializeBare(label))]);
    }
    await qpdfCheck(await file('stacked-3.pdf', stacked));
    assert.ok((await written(pdf, stacked, next)).equals(await written(pdf, pdfFile, next)));
  });

  it('an update written by another tool after the label is kept, and the new label goes after it', async () => {
    const labelledPdf = await written(pdf, await readFile(await file('foreign.pdf', handPdf())), old);
    const text = labelledPdf.toString('latin1');
    const trailer = /trailer\n<< \/Size (\d+) (.*) \/Prev \d+ >>\nstartxref\n(\d+)\n%%EOF\n$/.exec(text)!;
    const num = Number(trailer[1]);
    const obj = `${num} 0 obj\n(a note from another tool)\nendobj\n`;
    const xref =
      `xref\n${num} 1\n${String(labelledPdf.length).padStart(10, '0')} 00000 n\r\n` +
      `trailer\n<< /Size ${num + 1} ${trailer[2]} /Prev ${trailer[3]} >>\nstartxref\n${labelledPdf.length + obj.length}\n%%EOF\n`;
    const foreign = Buffer.concat([labelledPdf, latin(obj + xref)]);
    await qpdfCheck(await file('foreign-update.pdf', foreign));
    const out = await written(pdf, foreign, next);
    assert.ok(out.subarray(0, foreign.length).equals(foreign), "the other tool's update is kept");
    assert.deepEqual((await readLabel(out)).label, next);
    await qpdfCheck(await file('foreign-relabelled.pdf', out));
  });
});

describe('PDF: XMP metadata stream and other placements', () => {
  const withBoth = (flate: boolean) =>
    handPdf({
      info: `<< /Title (both) /AIGC ${lit(serializeBare(old))} >>`,
      xmp: xmpPacket('<dc:format>application/pdf</dc:format>', old),
      xmpFlate: flate,
    });

  for (const flate of [false, true]) {
    it(`Info and ${flate ? 'Flate-compressed ' : ''}XMP both labelled: two sites read, one written, other XMP kept`, async () => {
      const p = await file('both.pdf', withBoth(flate));
      await reads(p, ['pdf.info', 'pdf.xmp']);
      assert.equal((await readLabel(p)).findings[0]?.code, 'multiple_labels');
      const out = await labelled(p);
      await pdfAppendOnly(p, out);
      const tags = await exiftoolRaw(out);
      assert.equal(tags['XMP-dc:Format'], 'application/pdf');
      assert.ok(!Object.keys(tags).some((k) => k.startsWith('XMP-TC260')), 'exiftool still sees the XMP label');
      assert.equal(tags['PDF:AIGC'], serializeBare(next));
    });
  }

  it('an XMP stream with a filter that cannot be decoded: read warns, write refuses', async () => {
    const p = await file('lzw.pdf', handPdf({ xmp: XMP_DC, xmpFilter: '/LZWDecode' }));
    await reads(p, [], ['format_unsupported']);
    await refused(p, 'format_unsupported');
  });

  it('/AIGC as a hex UTF-16BE string is decoded', async () => {
    const hex = `FEFF${Buffer.from(serializeBare(old), 'utf16le').swap16().toString('hex')}`;
    const p = await file('hex.pdf', handPdf({ info: `<< /AIGC <${hex}> >>` }));
    const r = await readLabel(p);
    assert.deepEqual(r.label, old);
  });

  it('a stray /AIGC literal outside every object is read (raw scan) and refused on write', async () => {
    const b = Buffer.concat([handPdf(), Buffer.from(`/AIGC ${lit(serializeBare(old))}\n`)]);
    const p = await file('stray.pdf', b);
    await reads(p, ['pdf.raw-scan']);
    assert.equal((await readLabel(p)).sites[0]!.normative, false);
    await refused(p, 'format_unsupported');
  });

  const sample = fileURLToPath(new URL('../../../shared/testdata/labels/aigctotal/pdf-info-aigc.pdf', import.meta.url));
  it('the AigcTotal sample (label after the trailer, no xref): one raw-scan site; writing is refused', {
    skip: existsSync(sample) ? false : 'shared test data not present',
  }, async () => {
    const p = `${scratch()}/aigctotal.pdf`;
    await copyFile(sample, p);
    await chmod(p, 0o644);
    await reads(p, ['pdf.raw-scan'], ['malformed']);
    await refused(p, 'malformed');
  });
});

describe('PDF: hostile structures', () => {
  const base = handPdf();
  const text = base.toString('latin1');

  it('startxref past the end of the file → truncated', async () => {
    const p = await file('past.pdf', latin(text.replace(/startxref\n\d+/, 'startxref\n9999999')));
    await reads(p, [], ['truncated']);
    await refused(p, 'truncated');
  });

  it('a /Prev chain that loops (self and two-step) → malformed', async () => {
    const self = handPdf({ trailer: `/Prev ${startxrefOf(base)}` });
    await refused(await file('self.pdf', self), 'malformed');
    const a = handPdf({ trailer: '/Prev 0000000000' });
    const b = `xref\n0 0\ntrailer\n<< /Size 8 /Root 1 0 R /Prev ${startxrefOf(a)} >>\nstartxref\n${a.length}\n%%EOF\n`;
    const two = latin(
      a.toString('latin1').replace('/Prev 0000000000', `/Prev ${String(a.length).padStart(10, '0')}`) + b,
    );
    const p = await file('loop.pdf', two);
    await reads(p, [], ['malformed']);
    await refused(p, 'malformed');
  });

  it('arrays nested 200 deep in the Info dictionary → oversize, not a stack overflow', async () => {
    const p = await file('deep.pdf', handPdf({ info: `<< /Title (x) /Deep ${'['.repeat(200)}${']'.repeat(200)} >>` }));
    await reads(p, [], ['oversize']);
    await refused(p, 'oversize');
    const t = await file('deep-trailer.pdf', handPdf({ trailer: `/X ${'<< /A '.repeat(100)}1${' >>'.repeat(100)}` }));
    await reads(t, [], ['oversize']);
  });

  it('huge object numbers (a reference, an xref subsection) → oversize', async () => {
    await refused(await file('bigref.pdf', latin(text.replace('/Info 6 0 R', '/Info 99999999999 0 R'))), 'oversize');
    const sub = await file('bigsub.pdf', latin(text.replace(/\nxref\n0 7\n/, '\nxref\n4294967290 7\n')));
    await reads(sub, [], ['oversize']);
    await refused(sub, 'oversize');
  });

  it('a cross-reference stream that inflates far past its rows → oversize', async () => {
    const objs = [...PAGE];
    const body = buildPdf(objs, '/Root 1 0 R').toString('latin1');
    const at = body.indexOf('\nxref\n') + 1;
    const bomb = stream(
      '/Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Filter /FlateDecode',
      deflateSync(Buffer.alloc(20 << 20)),
    );
    const b = Buffer.concat([
      Buffer.from(body.slice(0, at), 'latin1'),
      Buffer.from('6 0 obj\n'),
      bomb,
      Buffer.from(`\nendobj\nstartxref\n${at}\n%%EOF\n`),
    ]);
    const p = await file('bomb.pdf', b);
    await reads(p, [], ['oversize']);
    await refused(p, 'oversize');
  });

  it('a zero-length file body after the header, and an empty xref section', async () => {
    const p = await file('header-only.pdf', '%PDF-1.7\n');
    await reads(p, [], ['malformed']);
    await refused(p, 'malformed');
  });

  it('encrypted PDF → format_unsupported on read and write, naming encryption', async () => {
    const src = await file('plain.pdf', base);
    const enc = `${scratch()}/enc.pdf`;
    await qpdf(['--encrypt', 'user', 'owner', '256', '--', src, enc]);
    await rejectsWith(readLabel(enc), 'format_unsupported');
    await assert.rejects(readLabel(enc), /^HeguiError: encrypted PDF/);
    await refused(enc, 'format_unsupported');
  });
});

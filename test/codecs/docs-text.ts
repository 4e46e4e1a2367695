/**
 * Markdown front matter, HTML meta, SVG XMP and plain text: the forms read (block and flow YAML, quoted scalars,
 * several metas or metadata elements), what writing keeps, and hostile inputs with their exact error codes.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { detectFormat, labelBytes, readLabel, serializeBare, writeLabel } from '../../src/index.ts';
import { htmlAigc, markdown, svgExiftoolAigc, yamlAigc } from '../conformance/fixtures/text-build.ts';
import { pixelHash } from '../support/media.ts';
import { file, labelled, next, old, reads, refused, rejectsWith } from './docs-support.ts';

const attr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const codes = async (p: string) => (await readLabel(p)).sites.map((s) => s.parsed.findings.map((f) => f.code));

describe('Markdown front matter', () => {
  it('reads the flow form with single and double quotes, and writes the block form in its place', async () => {
    const flow = `AIGC: {Label: '1', ContentProducer: "${old.ContentProducer}", ProduceID: ${old.ProduceID}, ReservedCode1: '', ContentPropagator: '${old.ContentPropagator}', PropagateID: "${old.PropagateID}", ReservedCode2: ""}`;
    const p = await file('flow.md', markdown('\n', false, flow));
    assert.deepEqual((await readLabel(p)).label, old);
    const out = await labelled(p);
    const text = await readFile(out, 'utf8');
    assert.match(text, /date: 2025-09-01\nAIGC:\n {2}Label: "2"\n/);
    assert.match(text, / {2}ReservedCode1: "a\\"\(b\)<&>"\n/);
    assert.equal(await yamlAigc(out), JSON.stringify(next));
  });

  it('an empty front matter takes the label; the body is kept', async () => {
    const p = await file('empty.md', '---\n---\nbody\n');
    await reads(p, []);
    const out = await labelled(p);
    assert.match(await readFile(out, 'utf8'), /^---\nAIGC:\n( {2}\w+: "(?:[^"\\]|\\.)*"\n){7}---\nbody\n$/);
  });

  it('two AIGC keys: two sites; write leaves one', async () => {
    const block = (id: string) => `AIGC:\n  Label: "1"\n  ProduceID: "${id}"`;
    const p = await file('two.md', markdown('\n', false, `${block('a')}\nother: 1\n${block('b')}`));
    await reads(p, ['markdown.front-matter', 'markdown.front-matter']);
    const out = await labelled(p);
    assert.equal((await readFile(out, 'utf8')).match(/^AIGC:/gm)?.length, 1);
    assert.match(await readFile(out, 'utf8'), /\nother: 1\n/);
  });

  it('plain scalars follow the YAML core schema: Label: 1 is a number, reported as such', async () => {
    const p = await file('plain.md', markdown('\n', false, 'AIGC:\n  Label: 1\n  ContentProducer: x'));
    assert.deepEqual(await codes(p), [['non_string_value', ...Array(5).fill('missing_field')]]);
  });

  it('front matter never closed → malformed; over 1 MiB → oversize; a YAML sequence cannot take a key', async () => {
    const open = await file('open.md', '---\ntitle: x\n\n# no closing line\n');
    await rejectsWith(readLabel(open), 'malformed');
    await refused(open, 'malformed');
    const huge = await file('huge.md', `---\n${'k: v\n'.repeat(300_000)}---\n`);
    await rejectsWith(readLabel(huge), 'oversize');
    await refused(huge, 'oversize');
    const seq = await file('seq.md', '---\n- a\n- b\n---\nbody\n');
    await reads(seq, []);
    await refused(seq, 'format_unsupported');
  });

  it('Markdown without front matter: plain text by its bytes; named .md, it gets a front matter block', async () => {
    const body = '# Title\n\nAI 生成的正文。\n';
    const p = await file('bare.md', body);
    assert.equal((await detectFormat(p))?.codec, 'text', 'the bytes alone say plain text');
    assert.equal((await detectFormat(p, p))?.codec, 'markdown');
    await reads(p, []);
    const out = await labelled(p);
    const text = await readFile(out, 'utf8');
    assert.match(text, /^---\nAIGC:\n( {2}\w+: "(?:[^"\\]|\\.)*"\n){7}---\n/);
    assert.equal(text.slice(text.indexOf('\n---\n') + 5), body, 'the body follows byte for byte');
    assert.equal(await yamlAigc(out), JSON.stringify(next));
    // Relabelling replaces the entry in the block now there; the bytes are those of a first labelling.
    const again = `${out}.again`;
    await writeLabel(out, next, { out: again });
    assert.ok((await readFile(again)).equals(await readFile(out)));
    // Bytes with a name, and the CRLF and BOM of the text kept.
    const crlf = Buffer.from(`\uFEFF${body.replace(/\n/g, '\r\n')}`);
    const named = Buffer.from(await labelBytes(crlf, next, { name: 'notes.markdown' }));
    assert.equal(named.subarray(0, 9).toString('latin1'), '\xEF\xBB\xBF---\r\nA');
    assert.ok(named.subarray(named.indexOf('\r\n---\r\n') + 7).equals(crlf.subarray(3)));
  });

  it('text not named .md or .markdown stays plain text: refused with a message to act on', async () => {
    const body = '# Title\n\nAI 生成的正文。\n';
    for (const name of ['bare.txt', 'bare.mdx', 'md', 'notes.md.txt']) {
      const p = await file(name, body);
      assert.equal((await detectFormat(p, p))?.codec, 'text', name);
      await refused(p, 'format_unsupported');
    }
    await assert.rejects(labelBytes(Buffer.from(body), next), /plain text has no metadata container/);
    await assert.rejects(labelBytes(Buffer.from(body), next, { name: 'a.txt' }), /plain text has no metadata/);
    // A name never overrides magic bytes.
    const pdf = await file('fake.md', '%PDF-1.7\n');
    assert.equal((await detectFormat(pdf, pdf))?.codec, 'pdf');
  });
});

describe('HTML meta', () => {
  const page = (head: string, body = '') =>
    `<!DOCTYPE html>\n<html>\n<head>\n  <meta charset="utf-8">\n${head}</head>\n<body>${body}<p>x</p></body>\n</html>\n`;

  it('two AIGC metas (any case of the name, one in the body): two sites; write leaves one, in the head', async () => {
    const m = `  <META NAME="aigc" CONTENT="${attr(serializeBare(old))}">\n`;
    const p = await file('two.html', page(`${m}  <!-- <meta name="AIGC" content="in a comment"> -->\n`, m.trim()));
    await reads(p, ['html.meta', 'html.meta']);
    const out = await labelled(p);
    const text = await readFile(out, 'utf8');
    assert.equal(text.match(/name="AIGC"/gi)?.length, 2, 'the written meta and the commented-out one');
    assert.match(text, /<meta charset="utf-8">\n {2}<meta name="AIGC" content="[^"]+">\n {2}<!--/);
    assert.match(text, /<body><p>x<\/p>/);
    assert.equal(await htmlAigc(out), serializeBare(next));
  });

  it('a GBK page keeps every byte outside the new meta', async () => {
    const gbk = Buffer.concat([
      Buffer.from('<!DOCTYPE html><html><head><meta charset="gbk"><title>'),
      Buffer.from([0xd6, 0xd0, 0xce, 0xc4]),
      Buffer.from('</title></head><body>'),
      Buffer.from([0xd5, 0xfd, 0xce, 0xc4]),
      Buffer.from('</body></html>'),
    ]);
    const p = await file('gbk.html', gbk);
    assert.equal((await detectFormat(p))?.codec, 'html');
    const out = await labelled(p);
    const b = await readFile(out);
    const meta = /<meta name="AIGC" content="[^"]*">/.exec(b.toString('latin1'))!;
    assert.ok(Buffer.concat([b.subarray(0, meta.index), b.subarray(meta.index + meta[0].length)]).equals(gbk));
    assert.equal(meta.index, gbk.indexOf('<title>'), 'placed after the charset meta');
  });

  it('an HTML file over 32 MiB → oversize', async () => {
    const big = Buffer.concat([Buffer.from('<!DOCTYPE html><html><body>'), Buffer.alloc(33 << 20, 0x61)]);
    await rejectsWith(labelBytes(big, next), 'oversize');
  });
});

describe('SVG XMP', () => {
  const rect = '<rect width="20" height="10" fill="#08f"/>';
  const packet = (label: string) =>
    `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:TC260="http://www.tc260.org.cn/ns/AIGC/1.0/"><TC260:AIGC>${xml(label)}</TC260:AIGC></rdf:Description></rdf:RDF></x:xmpmeta>`;

  it('labels in two metadata elements, one not a child of the root: both read, one written where it belongs', async () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><metadata>${packet(serializeBare(old))}</metadata><g><metadata>${packet(serializeBare(old))}</metadata>${rect}</g></svg>`;
    const p = await file('two.svg', svg);
    const r = await readLabel(p);
    assert.deepEqual(
      r.sites.map((s) => s.normative),
      [true, false],
    );
    const out = await labelled(p);
    assert.equal(await svgExiftoolAigc(out), serializeBare(next));
    assert.equal(await pixelHash(out), await pixelHash(p));
  });

  it('a self-closing root gets a metadata child; an svg: prefix is followed', async () => {
    const p = await file('empty.svg', '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>');
    const out = await labelled(p);
    assert.match(await readFile(out, 'utf8'), /^<svg [^>]*><metadata><\?xpacket[\s\S]*<\/metadata><\/svg>$/);
    const ns = await file(
      'ns.svg',
      `<svg:svg xmlns:svg="http://www.w3.org/2000/svg" width="20" height="10">${rect.replace('<rect', '<svg:rect')}</svg:svg>`,
    );
    assert.match(await readFile(await labelled(ns), 'utf8'), /^<svg:svg [^>]*><svg:metadata>/);
  });

  it('an encoding other than UTF-8 is refused on write; a root other than svg is not SVG', async () => {
    const latin = await file(
      'latin.svg',
      `<?xml version="1.0" encoding="ISO-8859-1"?><svg xmlns="http://www.w3.org/2000/svg">${rect}</svg>`,
    );
    await reads(latin, []);
    await refused(latin, 'format_unsupported');
    const notSvg = await file('x.svg', '<?xml version="1.0"?><feed><svg/></feed>');
    assert.equal((await detectFormat(notSvg))?.codec, 'text');
  });
});

describe('plain text and sniffing order', () => {
  it('text is recognised last and never written; binary is unknown', async () => {
    const p = await file('a.txt', '本内容由人工智能生成。\n正文。');
    assert.equal((await detectFormat(p))?.codec, 'text');
    await refused(p, 'format_unsupported');
    const bin = await file('a.bin', Buffer.from([0x00, 0x01, 0xfe, 0x80, 0x41]));
    await rejectsWith(readLabel(bin), 'format_unknown');
  });

  it('each text format goes to its codec', async () => {
    const cases: [string, string][] = [
      ['\uFEFF<!-- c --><!DOCTYPE html><html></html>', 'html'],
      [
        '<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x">\n<svg xmlns="http://www.w3.org/2000/svg"/>',
        'svg',
      ],
      ['<?xml version="1.0"?><!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml"></html>', 'html'],
      ['---\ntitle: x\n---\n', 'markdown'],
      ['----\nnot front matter\n', 'text'],
      ['%PDF-1.7\n', 'pdf'],
    ];
    for (const [content, codec] of cases)
      assert.equal((await detectFormat(Buffer.from(content)))?.codec, codec, content);
  });
});

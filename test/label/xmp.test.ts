import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildXmpPacket,
  createLabel,
  isHeguiError,
  mergeXmpAigc,
  readXmpAigc,
  serializeBare,
} from '../../src/index.ts';
import { removeXmpAigc } from '../../src/label/xmp/xmp.ts';

const label = createLabel({ producer: '001191440300708461136T1XGW3', produceId: 'p<1>&"2"' });
const json = serializeBare(label);

const OTHER =
  '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">' +
  '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
  '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="Studio">' +
  '<dc:title><rdf:Alt><rdf:li xml:lang="x-default">A title</rdf:li></rdf:Alt></dc:title></rdf:Description>' +
  '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>';

describe('XMP with the TC260 AIGC property', () => {
  it('builds a packet that reads back exactly', () => {
    const p = buildXmpPacket(label);
    const props = readXmpAigc(p);
    assert.equal(props.length, 1);
    assert.equal(props[0]!.value, json);
    assert.equal(props[0]!.form, 'element');
  });

  it('merges into an existing packet, keeping every other property byte for byte', () => {
    const merged = mergeXmpAigc(OTHER, label);
    assert.ok(merged.includes('xmp:CreatorTool="Studio"'));
    assert.ok(merged.includes('<dc:title><rdf:Alt><rdf:li xml:lang="x-default">A title</rdf:li></rdf:Alt></dc:title>'));
    assert.equal(readXmpAigc(merged).length, 1);
    // Merging again replaces, never appends.
    const twice = mergeXmpAigc(merged, { ...label, Label: '2' });
    const props = readXmpAigc(twice);
    assert.equal(props.length, 1);
    assert.equal(JSON.parse(props[0]!.value).Label, '2');
    assert.equal(removeXmpAigc(twice).length < twice.length, true);
    assert.equal(readXmpAigc(removeXmpAigc(twice)).length, 0);
    // No shell of a removed label stays behind: rewriting many times does not grow the packet.
    assert.equal(removeXmpAigc(merged), OTHER);
    let again = merged;
    for (let i = 0; i < 5; i++) again = mergeXmpAigc(again, label);
    assert.equal(again.length, merged.length);
  });

  it('reads the attribute form, another prefix, entity-escaped text and the vendor packet quirks', () => {
    const attr = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:t="http://www.tc260.org.cn/ns/AIGC/1.0/" t:AIGC='${json.replace(/"/g, '&quot;')}'/></rdf:RDF></x:xmpmeta>`;
    const props = readXmpAigc(attr);
    assert.equal(props.length, 1);
    assert.equal(props[0]!.form, 'attribute');
    assert.equal(props[0]!.value, json);
    assert.equal(readXmpAigc(removeXmpAigc(attr)).length, 0);
    const vendor =
      '<?xml version="1.0" encoding="UTF-8"?><?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"??><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:TC260="http://www.tc260.org.cn/ns/AIGC/1.0/"><TC260:AIGC>{&quot;Label&quot;:&quot;1&quot;}</TC260:AIGC></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>';
    assert.equal(readXmpAigc(vendor)[0]!.value, '{"Label":"1"}');
    // Text that merely mentions the property is not a property.
    assert.equal(readXmpAigc('<x:xmpmeta><p>TC260:AIGC="x"</p></x:xmpmeta>').length, 0);
  });

  it('refuses DOCTYPE and ENTITY, undeclared entities, and oversize packets', () => {
    const bomb = `<!DOCTYPE x [<!ENTITY a "aaaa">]>${OTHER}`;
    assert.throws(
      () => readXmpAigc(bomb),
      (e) => isHeguiError(e) && e.code === 'malformed',
    );
    assert.throws(
      () => mergeXmpAigc(bomb, label),
      (e) => isHeguiError(e) && e.code === 'malformed',
    );
    const undeclared = buildXmpPacket(label).replace('&quot;', '&lol;');
    assert.throws(
      () => readXmpAigc(undeclared),
      (e) => isHeguiError(e) && e.code === 'malformed',
    );
    assert.throws(
      () => readXmpAigc(' '.repeat(5 * 1024 * 1024)),
      (e) => isHeguiError(e) && e.code === 'oversize',
    );
  });

  it('refuses to merge into a packet without rdf:RDF instead of guessing', () => {
    assert.throws(
      () => mergeXmpAigc('<x:xmpmeta xmlns:x="adobe:ns:meta/"></x:xmpmeta>', label),
      (e) => isHeguiError(e) && e.code === 'malformed',
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AIGC_FIELDS,
  charsetViolation,
  createLabel,
  parseLabelText,
  serializeBare,
  serializeWrapped,
  validateRecord,
} from '../../src/index.ts';

const P = '001191440300708461136T1XGW3';
const codes = (text: string) => parseLabelText(text).findings.map((f) => `${f.code}${f.field ? `:${f.field}` : ''}`);

describe('AIGC label record (GB 45438 App. E)', () => {
  it('first write: propagator = producer, all seven fields, standard key order, compact JSON', () => {
    const r = createLabel({ producer: P, produceId: 'id-1' });
    assert.equal(
      serializeBare(r),
      `{"Label":"1","ContentProducer":"${P}","ProduceID":"id-1","ReservedCode1":"","ContentPropagator":"${P}","PropagateID":"id-1","ReservedCode2":""}`,
    );
    assert.equal(serializeWrapped(r), `{"AIGC":${serializeBare(r)}}`);
    // Key order comes from the standard, not from the object given.
    const shuffled = Object.fromEntries([...AIGC_FIELDS].reverse().map((f) => [f, r[f]])) as typeof r;
    assert.equal(serializeBare(shuffled), serializeBare(r));
  });

  it('parses bare and wrapped forms to the same record', () => {
    const r = createLabel({ producer: P, produceId: 'x' });
    const bare = parseLabelText(serializeBare(r));
    const wrapped = parseLabelText(serializeWrapped(r));
    assert.equal(bare.form, 'bare');
    assert.equal(wrapped.form, 'wrapped');
    assert.deepEqual(bare.record, r);
    assert.deepEqual(wrapped.record, r);
    assert.deepEqual(bare.findings, []);
    assert.deepEqual(parseLabelText(`\uFEFF ${serializeBare(r)}\n`).record, r);
  });

  it('names every problem', () => {
    const base = JSON.parse(serializeBare(createLabel({ producer: P, produceId: 'x' })));
    assert.deepEqual(codes('{"Label":"1"'), ['malformed_json']);
    assert.deepEqual(codes('[1]'), ['not_object']);
    assert.deepEqual(codes('"AIGC"'), ['not_object']);
    assert.deepEqual(codes('{"AIGC":"x"}'), ['not_object:AIGC']);
    assert.deepEqual(codes(''), ['empty']);
    const { ProduceID: _drop, ...missing } = base;
    assert.deepEqual(codes(JSON.stringify(missing)), ['missing_field:ProduceID']);
    assert.deepEqual(codes(JSON.stringify({ ...base, Extra: 'x' })), ['extra_field:Extra']);
    assert.deepEqual(codes(JSON.stringify({ ...base, Label: 1 })), ['non_string_value:Label']);
    assert.deepEqual(codes(JSON.stringify({ ...base, ReservedCode1: null })), ['non_string_value:ReservedCode1']);
    assert.deepEqual(codes(JSON.stringify({ ...base, Label: '5' })), ['label_value_invalid:Label']);
    assert.deepEqual(codes(JSON.stringify({ ...base, Label: '' })), ['label_value_invalid:Label']);
    assert.deepEqual(codes(JSON.stringify({ ...base, ContentProducer: '中文平台' })), [
      'charset_violation:ContentProducer',
    ]);
    assert.deepEqual(codes(JSON.stringify({ ...base, ProduceID: 'a b' })), ['charset_violation:ProduceID']);
    assert.deepEqual(codes(JSON.stringify({ ...base, ProduceID: 'a\\\\b' })), ['charset_violation:ProduceID']);
    assert.deepEqual(codes('x'.repeat(70_000)), ['oversize']);
  });

  it('App. E j character set: printable ASCII, no space, no backslash; an escaped quote is allowed', () => {
    assert.equal(charsetViolation('abc-_/:{}!~#'), -1);
    assert.equal(charsetViolation('say "hi"'), 3);
    assert.equal(charsetViolation('say"hi"'), -1);
    assert.equal(charsetViolation('a\\b'), 1);
    assert.equal(charsetViolation('tab\t'), 3);
    assert.equal(charsetViolation('é'), 0);
    assert.equal(charsetViolation(''), -1);
    const r = parseLabelText(JSON.stringify({ ...createLabel({ producer: P, produceId: 'q"q' }) }));
    assert.deepEqual(r.findings, []);
  });

  it('a label to write needs a producer and an ID', () => {
    const r = createLabel({ producer: '', produceId: '' });
    assert.deepEqual(
      validateRecord(r).map((f) => f.field),
      ['ContentProducer', 'ProduceID'],
    );
  });
});

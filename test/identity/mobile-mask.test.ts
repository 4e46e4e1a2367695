/** Mobile numbers, masks and type detection; the USCC examples of obligations.md through the common entry point. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkIdentity, detectIdentityType } from '../../src/identity/check-identity.ts';
import { maskGeneric, maskIdNumber, maskMobile } from '../../src/identity/mask.ts';
import { validateMobile } from '../../src/identity/mobile.ts';

describe('mobile numbers', () => {
  it('accepts 11-digit numbers in allocated segments, with or without +86 and separators', () => {
    for (const s of ['13800138000', '+86 138 0013 8000', '0086-138-0013-8000', '8613800138000', '(138) 0013.8000']) {
      assert.deepEqual(
        validateMobile(s),
        { valid: true, carrier: 'China Mobile', service: 'mobile', segment: '138' },
        s,
      );
    }
    assert.equal(validateMobile('１３８００１３８０００').valid, true);
  });

  it('names the carrier by the longest matching segment', () => {
    const c = (s: string) => {
      const r = validateMobile(s);
      return [r.carrier, r.service, r.segment];
    };
    assert.deepEqual(c('13412345678'), ['China Mobile', 'mobile', '1341']); // 1340–1348; 1349 is satellite
    assert.deepEqual(c('13491234567'), ['China Telecom', 'satellite', '1349']);
    assert.deepEqual(c('17051234567'), ['China Mobile', 'mvno', '1705']);
    assert.deepEqual(c('17091234567'), ['China Unicom', 'mvno', '1709']);
    assert.deepEqual(c('17001234567'), ['China Telecom', 'mvno', '1700']);
    assert.deepEqual(c('19212345678'), ['China Broadnet', 'mobile', '192']);
    assert.deepEqual(c('19912345678'), ['China Telecom', 'mobile', '199']);
    assert.deepEqual(c('16612345678'), ['China Unicom', 'mobile', '166']);
    assert.deepEqual(c('14712345678'), ['China Mobile', 'data', '147']);
  });

  it('rejects with a named reason', () => {
    const cases: [string, string][] = [
      ['+1 202 555 0123', 'country_code'],
      ['1380013800O', 'character'],
      ['1380013800', 'length'],
      ['138001380001', 'length'],
      ['12345678901', 'prefix'],
      ['10086100861', 'prefix'],
      ['14012345678', 'segment_unknown'], // 1400 is a 13-digit IoT range
      ['15412345678', 'segment_unknown'],
      ['17412345678', 'segment_unknown'],
    ];
    for (const [s, reason] of cases) assert.deepEqual(validateMobile(s), { valid: false, reason }, s);
    assert.deepEqual(validateMobile('15412345678', { allowUnknownSegments: true }), { valid: true });
  });
});

describe('masks', () => {
  it('hide the birth date of an ID number and the middle of a mobile number', () => {
    assert.equal(maskIdNumber('11010519491231002X'), '110105********002X');
    assert.equal(maskIdNumber('11010519491231002x'), '110105********002X');
    assert.equal(maskIdNumber('110105491231002'), '110105******002');
    assert.equal(maskIdNumber('USA310078041512'), 'USA31*******512');
    assert.equal(maskMobile('+86 138 0013 8000'), '138****8000');
    assert.equal(
      maskMobile('12345'),
      '12345'.replace(/./g, (c, i) => (i === 0 || i === 4 ? c : '*')),
    );
    assert.equal(maskGeneric('abc'), '***');
    assert.equal(maskGeneric(''), '');
  });
});

describe('checkIdentity', () => {
  it('detects the type from the shape', () => {
    assert.equal(detectIdentityType('11010519491231002X'), 'resident');
    assert.equal(detectIdentityType('110105491231002'), 'resident');
    assert.equal(detectIdentityType('91440300708461136T'), 'uscc');
    assert.equal(detectIdentityType('91110102MACQD9K640'), 'uscc');
    assert.equal(detectIdentityType('13800138000'), 'mobile');
    assert.equal(detectIdentityType('+86 13800138000'), 'mobile');
    assert.equal(detectIdentityType('110105194912310021'), 'resident'); // wrong check, still an ID shape
  });

  it('validates the published examples and masks personal numbers, not organisation codes', () => {
    const a = checkIdentity('11010519491231002X');
    assert.equal(a.result.valid, true);
    assert.equal(a.masked, '110105********002X');
    for (const code of ['91440300708461136T', '91110102MACQD9K640']) {
      const u = checkIdentity(code);
      assert.equal(u.type, 'uscc');
      assert.equal(u.result.valid, true, code);
      assert.equal(u.masked, code);
    }
    const m = checkIdentity('13800138000', 'mobile');
    assert.equal(m.masked, '138****8000');
    assert.equal(checkIdentity('91440300708461136T', 'resident').result.valid, false);
    // An ID number checked as a USCC is not valid, and not shown in full either.
    const wrong = checkIdentity('11010519491231002X', 'uscc');
    assert.equal(wrong.result.valid, false);
    assert.equal(wrong.masked, '1101**********002X');
  });
});

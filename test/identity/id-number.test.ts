/** GB 11643-family numbers: valid and invalid fixtures, legacy forms, the published example, no echo of the number. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkBirthDate } from '../../src/identity/birth-date.ts';
import { mod11_2Check } from '../../src/identity/check-char.ts';
import { upgradeLegacyResidentId, validateIdNumber } from '../../src/identity/id-number.ts';
import { lookupRegion } from '../../src/identity/regions.ts';

/** Complete 17 characters with their check character. */
const id = (first17: string) => first17 + mod11_2Check(first17)!;
const today = new Date(2025, 5, 15);
const check = (s: string) => validateIdNumber(s, { today });

describe('resident ID (GB 11643)', () => {
  it('accepts the example of obligations.md and parses region, birth date and sex', () => {
    const r = check('11010519491231002X');
    assert.deepEqual(r, {
      valid: true,
      kind: 'resident',
      region: { code: '110105', province: '北京市', prefecture: '市辖区', county: '朝阳区', level: 'county' },
      birthDate: '1949-12-31',
      sex: 'female',
      checksumVerified: true,
    });
  });

  it('accepts a lower-case x, full-width digits and surrounding spaces as the same number', () => {
    assert.equal(check('11010519491231002x').valid, true);
    assert.equal(check(' １１０１０５１９４９１２３１００２Ｘ ').valid, true);
    assert.equal(check('11010519491231002 X').reason, 'length');
  });

  it('computes the MOD 11-2 check character, including X for 10', () => {
    assert.equal(mod11_2Check('11010519491231002'), 'X');
    assert.equal(mod11_2Check('1101051949123100'), undefined);
    assert.equal(mod11_2Check('1101051949123100A'), undefined);
  });

  it('rejects with a named reason', () => {
    const cases: [string, string][] = [
      ['1101051949123100', 'length'],
      ['11010519491231002X1', 'length'],
      ['11010519491231002Y', 'character'],
      ['1101051949123I002X', 'character'],
      [id('99999919800101001'), 'region_unknown'], // 9…: the permanent residence reading, province 99 unknown
      [id('12345619800101001'), 'region_unknown'],
      [id('11000019800101001'), 'region_unknown'], // a province code is not an address code
      [id('11010519990230001'), 'birth_date_invalid'], // 30 February
      [id('11010519000229001'), 'birth_date_invalid'], // 1900 was not a leap year
      [id('11010518991231001'), 'birth_date_invalid'], // before 1900-01-01
      [id('11010519991301001'), 'birth_date_invalid'],
      [id('11010519990100001'), 'birth_date_invalid'],
      [id('11010520250616001'), 'birth_date_future'], // the day after "today"
      ['110105194912310021', 'checksum'],
    ];
    for (const [s, reason] of cases) {
      const r = check(s);
      assert.equal(r.valid, false, s);
      assert.equal(r.reason, reason, s);
      assert.ok(!JSON.stringify(r).includes(s.slice(6, 14)), 'the result never echoes the number');
    }
  });

  it('accepts real leap days, today, and codes abolished long ago', () => {
    assert.equal(check(id('11010520000229001')).valid, true);
    assert.equal(check(id('11010520040229001')).valid, true);
    assert.equal(check(id('11010520250615001')).valid, true);
    assert.equal(check(id('11010319800101001')).region?.county, '崇文区'); // merged into Dongcheng in 2010
    assert.equal(check(id('11022119800101001')).valid, true); // Changping county, a district since 1999
  });

  it('reads sex from the parity of the sequence code', () => {
    assert.equal(check(id('11010519800101001')).sex, 'male');
    assert.equal(check(id('11010519800101002')).sex, 'female');
    assert.equal(check(id('11010519800101000')).sex, 'female');
  });

  it('accepts every correctly checked number and rejects every wrong check character (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('110105', '310104', '440305', '510107', '650102', '130101'),
        fc.date({ min: new Date(Date.UTC(1900, 0, 1)), max: new Date(Date.UTC(2024, 11, 31)), noInvalidDate: true }),
        fc.integer({ min: 0, max: 999 }),
        fc.integer({ min: 0, max: 10 }),
        (region, birth, seq, wrong) => {
          const ymd = birth.toISOString().slice(0, 10).replaceAll('-', '');
          const first17 = `${region}${ymd}${String(seq).padStart(3, '0')}`;
          assert.equal(check(id(first17)).valid, true);
          const bad = '10X98765432'[wrong]!;
          if (bad !== mod11_2Check(first17)) assert.equal(check(first17 + bad).reason, 'checksum');
        },
      ),
    );
  });
});

describe('HK/Macao/Taiwan residence permits and permanent residence IDs', () => {
  it('reads the 810000/820000/830000 address codes as residence permits', () => {
    for (const [code, who] of [
      ['810000', 'HK'],
      ['820000', 'MO'],
      ['830000', 'TW'],
    ] as const) {
      const r = check(id(`${code}19900101003`));
      assert.equal(r.valid, true);
      assert.equal(r.kind, 'hmt_residence_permit');
      assert.equal(r.permitFor, who);
      assert.equal(r.sex, 'male');
    }
    assert.equal(check(`${id('81000019900101003').slice(0, 17)}0`).reason, 'checksum');
  });

  it('reads the 2023 foreigner permanent residence ID (9, province, nationality, birth date, sequence, check)', () => {
    const r = check(id('93115619800101002'));
    assert.equal(r.valid, true);
    assert.equal(r.kind, 'foreign_permanent_residence');
    assert.equal(r.region?.province, '上海市');
    assert.equal(r.nationality, '156');
    assert.equal(r.birthDate, '1980-01-01');
    assert.equal(check(id('93115619800230002')).reason, 'birth_date_invalid');
    assert.equal(check('931156198001010020').reason, 'checksum');
  });

  it('recognises the 15-character permanent residence ID and says its check is not verified', () => {
    const r = check('USA310078041512');
    assert.equal(r.valid, true);
    assert.equal(r.kind, 'foreign_permanent_residence_legacy');
    assert.equal(r.nationality, 'USA');
    assert.equal(r.region?.province, '上海市');
    assert.equal(r.checksumVerified, false);
    assert.equal(check('US1310078041512').reason, 'character');
    assert.equal(check('USA990078041512').reason, 'region_unknown');
  });
});

describe('first-generation 15-digit resident ID', () => {
  it('is recognised, parsed and reported as legacy_15_digit (the cards expired in 2013)', () => {
    const r = check('110105491231002');
    assert.equal(r.valid, false);
    assert.equal(r.reason, 'legacy_15_digit');
    assert.equal(r.birthDate, '1949-12-31');
    assert.equal(r.sex, 'female');
    assert.equal(r.region?.county, '朝阳区');
  });

  it('checks its date as 19YYMMDD and its region', () => {
    assert.equal(check('110105990230002').reason, 'birth_date_invalid');
    assert.equal(check('999999490101002').reason, 'region_unknown');
    assert.equal(check('11010549123100A').reason, 'character');
  });

  it('upgrades to the 18-digit number', () => {
    assert.equal(upgradeLegacyResidentId('110105491231002'), '11010519491231002X');
    assert.equal(upgradeLegacyResidentId('11010549123100'), undefined);
  });
});

describe('GB/T 2260 table and birth dates', () => {
  it('knows current, abolished and special codes, at the right level', () => {
    assert.equal(lookupRegion('440305')?.county, '南山区');
    assert.equal(lookupRegion('440300')?.level, 'prefecture');
    assert.equal(lookupRegion('810000')?.province, '香港特别行政区');
    assert.equal(lookupRegion('110103')?.county, '崇文区');
    assert.equal(lookupRegion('999999'), undefined);
    assert.equal(lookupRegion('11010'), undefined);
  });

  it('checks birth dates as real calendar dates between 1900-01-01 and today', () => {
    assert.deepEqual(checkBirthDate('19000101', today), { iso: '1900-01-01' });
    assert.deepEqual(checkBirthDate('20240229', today), { iso: '2024-02-29' });
    assert.deepEqual(checkBirthDate('20230229', today), { problem: 'birth_date_invalid' });
    assert.deepEqual(checkBirthDate('19991131', today), { problem: 'birth_date_invalid' });
    assert.deepEqual(checkBirthDate('2024012', today), { problem: 'birth_date_invalid' });
    assert.deepEqual(checkBirthDate('20991231', today), { problem: 'birth_date_future' });
  });
});

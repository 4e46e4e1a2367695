import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatProviderCode, isHeguiError, parseProviderCode, validateUscc } from '../../src/index.ts';

const problems = (c: string) => parseProviderCode(c).problems.map((p) => p.problem);

describe('provider code (TC260-PG-20252A) and USCC (GB 32100 / GB 11714)', () => {
  it('accepts the codes real vendors write', () => {
    for (const c of [
      '001191440300708461136T1XGW3',
      '001191110102MACQD9K64010000', // Doubao
      '00119144030008867405X210001', // Jimeng, producer
      '00119144030008867405X220001', // Jimeng, propagator
    ]) {
      const r = parseProviderCode(c);
      assert.equal(r.valid, true, `${c}: ${JSON.stringify(r.problems)}`);
    }
    assert.deepEqual(parseProviderCode('001191110102MACQD9K64010000').code, {
      formatCode: '00',
      subjectType: '1',
      binding: '1',
      uscc: '91110102MACQD9K640',
      serviceType: '1',
      modelCode: '0000',
    });
  });

  it('names what is wrong', () => {
    assert.deepEqual(problems('0011914403007084611361XGW3'), ['length']);
    assert.deepEqual(problems('001191440300708461136t1XGW3'), ['character']);
    assert.deepEqual(problems('011191440300708461136T1XGW3'), ['format_code']);
    assert.deepEqual(problems('002191440300708461136T1XGW3'), ['subject_type']);
    assert.deepEqual(problems('001091440300708461136T1XGW3'), ['binding']);
    assert.deepEqual(problems('001191440300708461136A1XGW3'), ['uscc_checksum']);
    assert.deepEqual(problems('001191440300708461136T9XGW3'), ['service_type']);
    assert.deepEqual(problems('0011914403007084611I6T1XGW3'), ['uscc_character']);
  });

  it('builds a code from a USCC and refuses an invalid one', () => {
    assert.equal(formatProviderCode({ uscc: '91440300708461136T', modelCode: 'XGW3' }), '001191440300708461136T1XGW3');
    assert.throws(
      () => formatProviderCode({ uscc: '91440300708461136A' }),
      (e) => isHeguiError(e) && e.code === 'usage',
    );
  });

  it('USCC: check character and the GB 11714 organisation code', () => {
    for (const c of ['91440300708461136T', '91110102MACQD9K640', '9144030008867405X2', '91110108335469089C']) {
      assert.equal(validateUscc(c).valid, true, c);
    }
    assert.equal(validateUscc('91440300708461136').reason, 'length');
    assert.equal(validateUscc('9144030070846113IT').reason, 'character');
    assert.equal(validateUscc('91440300708461137T').reason, 'checksum');
    // Swap two digits of the organisation code and recompute the USCC check character: only GB 11714 catches it.
    const body = '914403007084611 63'.replace(' ', '');
    const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
    const w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    const sum = [...body].reduce((s, ch, i) => s + alphabet.indexOf(ch) * w[i]!, 0);
    const code = body + alphabet[(31 - (sum % 31)) % 31];
    assert.equal(validateUscc(code).reason, 'organisation_code_checksum');
  });
});

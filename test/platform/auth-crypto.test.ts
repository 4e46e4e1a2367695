/** scrypt password hashes, the password policy, HOTP/TOTP against RFC 4226 and RFC 6238 vectors, Base32 (RFC 4648). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashPassword, needsRehash, parsePasswordHash, verifyPassword } from '../../src/platform/auth/password.ts';
import { checkPassword } from '../../src/platform/auth/password-policy.ts';
import { base32Decode, base32Encode, hotp, otpauthUri, totp, verifyTotp } from '../../src/platform/auth/totp.ts';

describe('scrypt passwords', () => {
  it('round-trips, salts each hash, and refuses a wrong password', async () => {
    const a = await hashPassword('Correct-Horse-9-Battery');
    const b = await hashPassword('Correct-Horse-9-Battery');
    assert.match(a, /^\$scrypt\$v=1\$ln=15,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a, b);
    assert.equal(await verifyPassword('Correct-Horse-9-Battery', a), true);
    assert.equal(await verifyPassword('Correct-Horse-9-Battery', b), true);
    assert.equal(await verifyPassword('correct-Horse-9-Battery', a), false);
    assert.equal(await verifyPassword('Correct-Horse-9-Battery', 'not a hash'), false);
  });

  it('keeps its parameters in the encoding and flags weaker ones for rehash', async () => {
    const h = await hashPassword('Correct-Horse-9-Battery', { ln: 16, r: 8, p: 1 });
    assert.deepEqual(parsePasswordHash(h)?.params, { ln: 16, r: 8, p: 1 });
    assert.equal(await verifyPassword('Correct-Horse-9-Battery', h), true);
    assert.equal(needsRehash(h), false);
    assert.equal(needsRehash(h.replace('ln=16', 'ln=14')), true);
    await assert.rejects(hashPassword('x', { ln: 14, r: 8, p: 1 }), /below N=2\^15/);
  });

  it('normalises to NFKC so full-width input matches', async () => {
    const h = await hashPassword('Ｐａｓｓ-word-1234');
    assert.equal(await verifyPassword('Pass-word-1234', h), true);
  });
});

describe('password policy', () => {
  it('names each problem', () => {
    assert.deepEqual(checkPassword('Short-1'), ['too_short']);
    assert.deepEqual(checkPassword('alllowercaseletters'), ['too_simple']);
    assert.deepEqual(checkPassword('Aaaaaaaaaaaa1'), ['too_simple']);
    assert.deepEqual(checkPassword('Zhangsan-2024!', 'zhangsan'), ['contains_username']);
    assert.deepEqual(checkPassword('P@ssw0rd1234'), ['common']);
    assert.deepEqual(checkPassword('Correct-Horse-9-Battery', 'alice'), []);
  });
});

const SEED_SHA1 = Buffer.from('12345678901234567890');
const SEED_SHA256 = Buffer.from('12345678901234567890123456789012');
const SEED_SHA512 = Buffer.from('1234567890123456789012345678901234567890123456789012345678901234');

describe('HOTP (RFC 4226 Appendix D)', () => {
  it('matches the ten published values', () => {
    const expected = [
      '755224',
      '287082',
      '359152',
      '969429',
      '338314',
      '254676',
      '287922',
      '162583',
      '399871',
      '520489',
    ];
    assert.deepEqual(
      expected.map((_, i) => hotp(SEED_SHA1, BigInt(i))),
      expected,
    );
  });
});

describe('TOTP (RFC 6238 Appendix B)', () => {
  const table: [number, string, string, string][] = [
    [59, '94287082', '46119246', '90693936'],
    [1111111109, '07081804', '68084774', '25091201'],
    [1111111111, '14050471', '67062674', '99943326'],
    [1234567890, '89005924', '91819424', '93441116'],
    [2000000000, '69279037', '90698825', '38618901'],
    [20000000000, '65353130', '77737706', '47863826'],
  ];
  it('matches every vector for SHA-1, SHA-256 and SHA-512 at 8 digits', () => {
    for (const [t, s1, s256, s512] of table) {
      assert.equal(totp(SEED_SHA1, t, 8, 'sha1'), s1, `SHA-1 at ${t}`);
      assert.equal(totp(SEED_SHA256, t, 8, 'sha256'), s256, `SHA-256 at ${t}`);
      assert.equal(totp(SEED_SHA512, t, 8, 'sha512'), s512, `SHA-512 at ${t}`);
    }
  });

  it('uses the last six digits for the 6-digit default', () => {
    assert.equal(totp(SEED_SHA1, 1111111109), '081804');
  });

  it('accepts one step either side, not two, and never the same or an earlier step twice', () => {
    const t = 1234567890;
    const step = BigInt(Math.floor(t / 30));
    assert.equal(verifyTotp(SEED_SHA1, totp(SEED_SHA1, t - 30), t), step - 1n);
    assert.equal(verifyTotp(SEED_SHA1, totp(SEED_SHA1, t + 30), t), step + 1n);
    assert.equal(verifyTotp(SEED_SHA1, totp(SEED_SHA1, t - 60), t), undefined);
    assert.equal(verifyTotp(SEED_SHA1, totp(SEED_SHA1, t + 60), t), undefined);
    assert.equal(verifyTotp(SEED_SHA1, totp(SEED_SHA1, t), t, step), undefined, 'replay of the accepted step');
    assert.equal(verifyTotp(SEED_SHA1, totp(SEED_SHA1, t - 30), t, step), undefined, 'an earlier step');
    assert.equal(verifyTotp(SEED_SHA1, totp(SEED_SHA1, t + 30), t, step), step + 1n);
    assert.equal(verifyTotp(SEED_SHA1, '12345', t), undefined);
  });
});

describe('Base32 (RFC 4648 §10) and otpauth URIs', () => {
  it('encodes the test vectors (without padding) and decodes them back', () => {
    const v: [string, string][] = [
      ['', ''],
      ['f', 'MY'],
      ['fo', 'MZXQ'],
      ['foo', 'MZXW6'],
      ['foob', 'MZXW6YQ'],
      ['fooba', 'MZXW6YTB'],
      ['foobar', 'MZXW6YTBOI'],
    ];
    for (const [plain, enc] of v) {
      assert.equal(base32Encode(Buffer.from(plain)), enc);
      assert.equal(base32Decode(`${enc}======`.slice(0, enc.length + ((8 - (enc.length % 8)) % 8))).toString(), plain);
    }
    assert.equal(base32Encode(SEED_SHA1), 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
  });

  it('builds the key URI authenticator apps read', () => {
    assert.equal(
      otpauthUri(SEED_SHA1, 'alice@example', 'Hegui 合规'),
      'otpauth://totp/Hegui%20%E5%90%88%E8%A7%84:alice%40example?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Hegui+%E5%90%88%E8%A7%84&algorithm=SHA1&digits=6&period=30',
    );
  });
});

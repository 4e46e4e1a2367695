/** Personal information at rest: key loading, AES-256-GCM envelopes, key rotation, keyed lookups, log scrubbing. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { mod11_2Check } from '../../src/identity/check-char.ts';
import {
  fingerprint,
  keyRingFromFile,
  keyRingFromKey,
  loadKeyRing,
  parseKeyMaterial,
} from '../../src/platform/pii/key-ring.ts';
import { PiiCipher } from '../../src/platform/pii/pii-cipher.ts';
import { IdentifierProtector } from '../../src/platform/pii/protected-identifier.ts';
import { containsIdentifier, REDACTED_FIELD, redact, redactFields, scrubText } from '../../src/platform/pii/redact.ts';
import { createLogger } from '../../src/server/logger.ts';

const k1 = randomBytes(32);
const k2 = randomBytes(32);
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-pii-'));
});
after(() => rm(dir, { recursive: true, force: true }));

describe('keys', () => {
  it('reads 32 bytes as base64, base64url or hex', () => {
    assert.deepEqual(parseKeyMaterial(k1.toString('base64'), 'k'), k1);
    assert.deepEqual(parseKeyMaterial(k1.toString('base64url'), 'k'), k1);
    assert.deepEqual(parseKeyMaterial(k1.toString('hex'), 'k'), k1);
  });

  it('explains what is wrong, with the code secret_key_missing and without the key', () => {
    const short = randomBytes(16).toString('base64');
    assert.throws(
      () => loadKeyRing({}),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, 'secret_key_missing');
        assert.match(e.message, /set HEGUI_SECRET_KEY to 32 random bytes/);
        return true;
      },
    );
    assert.throws(
      () => loadKeyRing({ HEGUI_SECRET_KEY: short }),
      (e: Error) => {
        assert.match(e.message, /holds 16 bytes; 32 are needed/);
        assert.ok(!e.message.includes(short));
        return true;
      },
    );
    assert.throws(() => loadKeyRing({ HEGUI_SECRET_KEY: 'not base64 at all!' }), /neither base64 nor hex/);
    assert.throws(() => loadKeyRing({ HEGUI_SECRET_KEY_FILE: join(dir, 'missing.json') }), /cannot be read \(ENOENT\)/);
    assert.throws(
      () => loadKeyRing({ HEGUI_SECRET_KEY: k1.toString('base64'), HEGUI_SECRET_KEY_FILE: 'x' }),
      /either HEGUI_SECRET_KEY or HEGUI_SECRET_KEY_FILE/,
    );
    assert.throws(() => keyRingFromFile({ current: 'b', keys: { a: k1.toString('base64') } }), /"current" must name/);
  });

  it('loads a key file with several keys', async () => {
    const file = join(dir, 'keys.json');
    await writeFile(
      file,
      JSON.stringify({ current: 'new', lookup: 'old', keys: { old: k1.toString('hex'), new: k2.toString('base64') } }),
    );
    const ring = loadKeyRing({ HEGUI_SECRET_KEY_FILE: file });
    assert.equal(ring.current.id, 'new');
    assert.equal(ring.lookup.id, 'old');
    assert.equal(ring.byId.size, 2);
  });
});

describe('AES-256-GCM envelopes', () => {
  const cipher = new PiiCipher(keyRingFromKey(k1));

  it('gives a different ciphertext each time for the same value, and decrypts each', () => {
    const a = cipher.encrypt('13800138000', 'mobile');
    const b = cipher.encrypt('13800138000', 'mobile');
    assert.notEqual(a, b);
    assert.match(a, /^hg1\.k[0-9a-f]{8}\.[A-Za-z0-9_-]+$/);
    assert.ok(!a.includes('13800138000'));
    assert.equal(cipher.decrypt(a, 'mobile'), '13800138000');
    assert.equal(cipher.decrypt(b, 'mobile'), '13800138000');
    // 12-byte nonce + 11 bytes + 16-byte tag
    assert.equal(Buffer.from(a.split('.')[2]!, 'base64url').length, 12 + 11 + 16);
  });

  it('binds the purpose and detects tampering', () => {
    const a = cipher.encrypt('11010519491231002X', 'id_number');
    assert.throws(() => cipher.decrypt(a, 'mobile'), /does not authenticate/);
    const raw = Buffer.from(a.split('.')[2]!, 'base64url');
    raw[14]! ^= 1;
    const tampered = `${a.split('.').slice(0, 2).join('.')}.${raw.toString('base64url')}`;
    assert.throws(() => cipher.decrypt(tampered, 'id_number'), /does not authenticate/);
    assert.throws(() => cipher.decrypt('hg1.kdeadbeef.AAAA', 'id_number'), /not in the key ring/);
  });

  it('decrypts across a key rotation and re-encrypts under the current key', () => {
    const before = new PiiCipher(keyRingFromFile({ current: 'a', keys: { a: k1.toString('base64') } }));
    const old = before.encrypt('11010519491231002X', 'id_number');
    const after = new PiiCipher(
      keyRingFromFile({ current: 'b', lookup: 'a', keys: { a: k1.toString('base64'), b: k2.toString('base64') } }),
    );
    assert.equal(after.decrypt(old, 'id_number'), '11010519491231002X');
    const fresh = after.reEncrypt(old, 'id_number');
    assert.equal(after.keyIdOf(fresh), 'b');
    assert.equal(after.decrypt(fresh, 'id_number'), '11010519491231002X');
    assert.equal(after.reEncrypt(fresh, 'id_number'), fresh);
    // The lookup key stays 'a', so hashes made before the rotation still match.
    assert.equal(after.lookupHash('13800138000', 'mobile'), before.lookupHash('13800138000', 'mobile'));
    // A key ring that no longer holds 'a' cannot read the old value.
    const onlyB = new PiiCipher(keyRingFromFile({ current: 'b', keys: { b: k2.toString('base64') } }));
    assert.throws(() => onlyB.decrypt(old, 'id_number'), /not in the key ring/);
  });
});

describe('protected identifiers and keyed lookups', () => {
  const protector = new IdentifierProtector(new PiiCipher(keyRingFromKey(k1)));

  it('normalises before hashing, so the same number typed differently is found', () => {
    const a = protector.protect('mobile', '+86 138-0013-8000');
    assert.equal(a.masked, '138****8000');
    assert.equal(a.lookup, protector.lookup('mobile', '13800138000'));
    assert.equal(a.lookup, protector.lookup('mobile', '００８６１３８００１３８０００'.replace(/^００８６/, '0086')));
    assert.equal(protector.reveal(a), '13800138000');
    const id = protector.protect('id_number', '11010519491231002x');
    assert.equal(id.masked, '110105********002X');
    assert.equal(id.lookup, protector.lookup('id_number', '11010519491231002X'));
    assert.notEqual(protector.lookup('mobile', '13800138000'), protector.lookup('id_number', '13800138000'));
  });

  it('keeps lookups stable across instances and differs under another key', () => {
    const again = new IdentifierProtector(new PiiCipher(keyRingFromKey(k1)));
    const other = new IdentifierProtector(new PiiCipher(keyRingFromKey(k2)));
    assert.equal(again.lookup('mobile', '13800138000'), protector.lookup('mobile', '13800138000'));
    assert.notEqual(other.lookup('mobile', '13800138000'), protector.lookup('mobile', '13800138000'));
  });

  it('re-protects a record after rotation: new ciphertext under the new key, same lookup', () => {
    const p = protector.protect('mobile', '13800138000');
    const rotated = new IdentifierProtector(
      new PiiCipher(
        keyRingFromFile({
          current: 'n',
          lookup: fingerprint(k1),
          keys: { [fingerprint(k1)]: k1.toString('base64'), n: k2.toString('base64') },
        }),
      ),
    );
    const moved = rotated.reProtect(p);
    assert.match(moved.ciphertext, /^hg1\.n\./);
    assert.equal(rotated.reveal(moved), '13800138000');
    assert.equal(moved.lookup, rotated.lookup('mobile', '13800138000'));
  });
});

describe('log scrubbing', () => {
  it('removes ID numbers and mobile numbers in any form and keeps other numbers', () => {
    const cases: [string, string][] = [
      ['id 11010519491231002X ok', 'id [redacted-id] ok'],
      ['id=11010519491231002x;', 'id=[redacted-id];'],
      ['"110105 19491231 002X"', '"[redacted-id]"'],
      ['old 110105491231002', 'old [redacted-id]'],
      ['call 13800138000.', 'call [redacted-mobile].'],
      ['+86 138 0013 8000', '[redacted-mobile]'],
      ['+8613800138000', '[redacted-mobile]'],
      ['0086-138-0013-8000', '[redacted-mobile]'],
      ['１３８００１３８０００', '[redacted-mobile]'],
      ['"time":1735689600000', '"time":1735689600000'],
      ['"responseTime":6.138001380001234567', '"responseTime":6.138001380001234567'],
      ['order 12345', 'order 12345'],
      ['uuid 3f2a1380013800f1', 'uuid 3f2a1380013800f1'],
      ['ID11010519491231002X', 'ID[redacted-id]'],
      ['tel13800138000x', 'tel[redacted-mobile]x'],
    ];
    for (const [input, out] of cases) assert.equal(scrubText(input), out, input);
    assert.deepEqual(redact({ a: ['13800138000'], n: 13800138000, t: 1735689600000 }), {
      a: ['[redacted-mobile]'],
      n: '[redacted-mobile]',
      t: 1735689600000,
    });
  });

  it('finds every valid ID number and mobile number wherever it sits in text (property)', () => {
    const idNumber = fc
      .tuple(
        fc.constantFrom('110105', '440305', '310101'),
        fc.date({ min: new Date(1950, 0, 1), max: new Date(2005, 0, 1), noInvalidDate: true }),
        fc.integer({ min: 0, max: 999 }),
      )
      .map(([region, d, seq]) => {
        const ymd = `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, '0')}${String(d.getDate()).padStart(2, '0')}`;
        const first = `${region}${ymd}${String(seq).padStart(3, '0')}`;
        return first + mod11_2Check(first)!;
      });
    const mobile = fc
      .tuple(fc.constantFrom('138', '159', '186', '199', '177'), fc.integer({ min: 0, max: 99_999_999 }))
      .map(([seg, n]) => seg + String(n).padStart(8, '0'));
    const filler = fc.string({ unit: fc.constantFrom('a', ' ', ':', '"', '=', '中', ',', '/', '-') });
    fc.assert(
      fc.property(filler, fc.oneof(idNumber, mobile), filler, (pre, secret, post) => {
        const line = `${pre}${secret}${post}`;
        const out = scrubText(line);
        assert.ok(!out.includes(secret), line);
        assert.ok(!containsIdentifier(out));
      }),
      { numRuns: 500 },
    );
  });
});

describe('log field redaction', () => {
  it('replaces secret and identifier fields at any depth, case-insensitively, in objects and arrays', () => {
    const input = {
      user: { name: 'a', password: 'p1', profile: { idNumber: '11010519491231002X', Mobile: '13800138000' } },
      body: { prompt: 'hi' },
      headers: { Authorization: 'Bearer sk-1', 'x-api-key': 'k', accept: '*/*' },
      items: [{ token: 't' }, 'plain', 3, null],
      n: 1,
    };
    const copy = structuredClone(input);
    assert.deepEqual(redactFields(input), {
      user: { name: 'a', password: REDACTED_FIELD, profile: { idNumber: REDACTED_FIELD, Mobile: REDACTED_FIELD } },
      body: REDACTED_FIELD,
      headers: { Authorization: REDACTED_FIELD, 'x-api-key': REDACTED_FIELD, accept: '*/*' },
      items: [{ token: REDACTED_FIELD }, 'plain', 3, null],
      n: 1,
    });
    assert.deepEqual(input, copy, 'the logged object itself is not changed');
  });

  it('returns an object with nothing to hide as it is, and leaves class instances to their serialisers', () => {
    const clean = { a: { b: [1, { c: 'x' }] }, when: new Date(0) };
    assert.equal(redactFields(clean), clean);
    const err = Object.assign(new Error('x'), { password: 'p' });
    assert.equal(redactFields({ err }).err, err);
  });

  it('replaces what sits deeper than it looks, and survives a cycle', () => {
    type Deep = { next?: Deep; password?: string };
    const root: Deep = {};
    let at = root;
    for (let i = 0; i < 20; i++) at = at.next = {};
    at.password = 'deep';
    assert.ok(!JSON.stringify(redactFields(root)).includes('deep'));
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic['self'] = cyclic;
    assert.doesNotThrow(() => redactFields(cyclic));
  });

  it('keeps the fields and the numbers out of the server log lines', () => {
    const lines: string[] = [];
    const log = createLogger({ destination: { write: (l: string) => void lines.push(l) } });
    log.info({ account: { password: 'hunter2', phone: '13800138000' }, note: 'call 13900139000' }, 'created');
    log.info({ req: { headers: { cookie: 'sid=abc' } } }, 'id 11010519491231002X');
    const all = lines.join('');
    for (const secret of ['hunter2', '13800138000', '13900139000', 'sid=abc', '11010519491231002X'])
      assert.ok(!all.includes(secret), `${secret} is not in the log`);
    assert.match(all, /"password":"\[redacted\]"/);
    assert.match(all, /"msg":"created"/);
  });
});

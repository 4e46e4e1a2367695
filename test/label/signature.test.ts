/**
 * SM3withSM2 and Ed25519 label signatures: cross-checked against sm-crypto (SM2) in both directions and against
 * node:crypto's own Ed25519 with a raw key; key handling (PEM PKCS#8, SPKI, SEC1), DER strictness, the SecurityData
 * layout and its App. E j character set, and a real producer's signed label.
 */
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  charsetViolation,
  createLabel,
  generateKeyPair,
  isHeguiError,
  labelMessage,
  loadPrivateKey,
  loadPublicKey,
  parseSecurityData,
  serializeBare,
  signRecord,
} from '../../src/index.ts';
import { decodeSignatureDer, encodeSignatureDer, parseSpki } from '../../src/label/security/der.ts';
import { sm2KeyFromPoint } from '../../src/label/security/keys.ts';
import { PRODUCER_SIGNED_FIELDS } from '../../src/label/security/security-data.ts';
import { SM2_N } from '../../src/label/security/sm2.ts';
import { smCrypto } from '../support/sm-crypto.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const sm2Pair = generateKeyPair('sm2');
const signer = loadPrivateKey(sm2Pair.privatePem);
const publicHex = hex(parseSpki(signer.publicKey.spki)!.key);

describe('SM2 against sm-crypto (user ID 1234567812345678, Z per GM/T 0009)', () => {
  it('ours signs → sm-crypto verifies (DER), for arbitrary messages', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (msg) => {
        const sig = await signer.sign(msg);
        assert.ok(
          smCrypto.sm2.doVerifySignature(Array.from(msg), hex(sig), publicHex, { der: true, hash: true }),
          'sm-crypto rejects our signature',
        );
        assert.ok(signer.publicKey.verify(msg, sig));
      }),
      { numRuns: 25 },
    );
  });

  it('sm-crypto signs → ours verifies, DER and raw r‖s', async () => {
    const pair = smCrypto.sm2.generateKeyPairHex();
    const key = sm2KeyFromPoint(Buffer.from(pair.publicKey, 'hex'))!;
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (msg) => {
        const der = smCrypto.sm2.doSignature(Array.from(msg), pair.privateKey, { der: true, hash: true });
        const raw = smCrypto.sm2.doSignature(Array.from(msg), pair.privateKey, { hash: true });
        assert.ok(key.verify(msg, Buffer.from(der, 'hex')), 'our verifier rejects sm-crypto DER');
        assert.ok(key.verify(msg, Buffer.from(raw, 'hex')), 'our verifier rejects sm-crypto r‖s');
        const other = Buffer.concat([Buffer.from(msg), Buffer.of(0)]);
        assert.equal(key.verify(other, Buffer.from(der, 'hex')), false, 'a changed message still verifies');
      }),
      { numRuns: 25 },
    );
  });

  it('a user ID other than the default is a different signature (Z covers the ID)', async () => {
    const msg = Buffer.from('"Label":"1"');
    const sig = await signer.sign(msg);
    assert.equal(
      smCrypto.sm2.doVerifySignature(Array.from(msg), hex(sig), publicHex, { der: true, hash: true, userId: 'other' }),
      false,
    );
  });

  it('an SM2 PEM key loads the same from PKCS#8 and SEC1, and the public PEM matches', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'SM2' });
    const pkcs8 = loadPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
    const sec1 = loadPrivateKey(privateKey.export({ format: 'pem', type: 'sec1' }).toString());
    assert.deepEqual(pkcs8.publicKey.spki, sec1.publicKey.spki);
    assert.deepEqual(loadPublicKey(sm2Pair.publicPem).spki, signer.publicKey.spki);
    assert.equal(signer.publicKey.id, loadPublicKey(sm2Pair.publicPem).id);
  });
});

describe('SM2 signature encoding and hostile input', () => {
  const msg = Buffer.from('abc');
  it('DER is minimal and round-trips; non-minimal, negative, trailing or short encodings are refused', async () => {
    const sig = await signer.sign(msg);
    const rs = decodeSignatureDer(sig)!;
    assert.deepEqual(encodeSignatureDer(rs.r, rs.s), sig);
    const padded = Buffer.from(sig);
    assert.equal(decodeSignatureDer(Buffer.concat([padded, Buffer.of(0)])), null, 'trailing byte');
    assert.equal(decodeSignatureDer(Buffer.from('3006020100020100', 'hex'))?.r, 0n);
    assert.equal(decodeSignatureDer(Buffer.from('30070202007f020101', 'hex')), null, 'non-minimal INTEGER');
    assert.equal(decodeSignatureDer(Buffer.from('3006020180020101', 'hex')), null, 'negative INTEGER');
    assert.equal(decodeSignatureDer(Buffer.from('3081060201010201', 'hex')), null, 'non-minimal length');
    assert.equal(decodeSignatureDer(Buffer.from('30', 'hex')), null);
  });

  it('r or s out of [1, n−1] never verifies; garbage never throws', async () => {
    const key = signer.publicKey;
    for (const [r, s] of [
      [0n, 1n],
      [1n, 0n],
      [SM2_N, 1n],
      [1n, SM2_N],
    ] as const) {
      assert.equal(key.verify(msg, encodeSignatureDer(r, s)), false);
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 90 }), (junk) => {
        assert.equal(key.verify(msg, junk), false);
      }),
    );
  });

  it('a point off the curve is not a key', () => {
    const bits = Buffer.from(parseSpki(signer.publicKey.spki)!.key);
    bits[64]! ^= 1;
    assert.equal(sm2KeyFromPoint(bits), null);
    const spki = Buffer.from(signer.publicKey.spki);
    spki[spki.length - 1]! ^= 1;
    assert.throws(
      () => loadPublicKey(spki),
      (e: unknown) => isHeguiError(e) && e.code === 'usage',
    );
  });

  it('keys of other algorithms and encrypted keys are refused with a usage error', () => {
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const refused = (f: () => unknown) => assert.throws(f, (e: unknown) => isHeguiError(e) && e.code === 'usage');
    refused(() => loadPrivateKey(p256.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()));
    refused(() => loadPublicKey(rsa.publicKey.export({ format: 'pem', type: 'spki' }).toString()));
    refused(() =>
      loadPrivateKey(
        rsa.privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'x' }).toString(),
      ),
    );
    refused(() => loadPrivateKey('not a key'));
  });
});

describe('Ed25519', () => {
  const pair = generateKeyPair('ed25519');
  const ed = loadPrivateKey(pair.privatePem);
  it('ours signs → node:crypto verifies with the raw 32-byte key (JWK), and the reverse', async () => {
    const raw = parseSpki(ed.publicKey.spki)!.key;
    assert.equal(raw.length, 32);
    const jwk = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') },
      format: 'jwk',
    });
    const msg = Buffer.from('"Label":"1","ContentProducer":"x","ProduceID":"y"');
    const sig = await ed.sign(msg);
    assert.equal(sig.length, 64);
    assert.ok(nodeVerify(null, msg, jwk, sig));
    const other = generateKeyPairSync('ed25519');
    const theirs = nodeSign(null, msg, other.privateKey);
    const theirKey = loadPublicKey(other.publicKey.export({ format: 'pem', type: 'spki' }).toString());
    assert.ok(theirKey.verify(msg, theirs));
    assert.equal(theirKey.verify(Buffer.from('x'), theirs), false);
    assert.equal(ed.publicKey.verify(msg, theirs), false);
  });
});

describe('SecurityData in ReservedCode1', () => {
  const label = createLabel({ producer: '001191440300708461136T1XGW3', produceId: 'order-42' });

  it("the guide's layout, upper-case hex, inside the App. E j character set even when nested in the label JSON", async () => {
    for (const s of [signer, loadPrivateKey(generateKeyPair('ed25519').privatePem)]) {
      const signed = await signRecord(label, { signer: s, role: 'producer', digest: new Uint8Array(32).fill(7) });
      const text = signed.ReservedCode1;
      assert.equal(charsetViolation(text), -1);
      // As stored, the value is 0x21, 0x23–0x5B, 0x5D–0x7E and the escape \" only (App. E j).
      const stored = JSON.stringify(text);
      assert.match(stored.slice(1, -1), /^(?:[\x21\x23-\x5b\x5d-\x7e]|\\")+$/);
      assert.ok(serializeBare(signed).includes(stored));
      const parsed = parseSecurityData(text);
      assert.equal(parsed.kind, 'security_data');
      if (parsed.kind !== 'security_data') return;
      assert.equal(parsed.version, 1);
      assert.deepEqual(
        parsed.entries.map((e) => e.Type),
        ['DS', 'Bnd', 'DS', 'PubKey'],
      );
      assert.match(String(parsed.entries[0]!['Signature']), /^[0-9A-F]+$/);
      assert.equal(parsed.entries[1]!['Hash'], '07'.repeat(32));
      assert.ok(text.startsWith('{"SecurityData":{"Type":"TC260PG","Version":1,"PubSD":[{"Type":"DS","AlgID":"'));
    }
  });

  it("the signed message is the guide's App. A.1 string", () => {
    assert.equal(
      Buffer.from(labelMessage(label, PRODUCER_SIGNED_FIELDS)).toString(),
      '"Label":"1","ContentProducer":"001191440300708461136T1XGW3","ProduceID":"order-42"',
    );
  });

  it("reads `PubSd` (Honor's spelling) and tells other values apart", () => {
    assert.equal(
      parseSecurityData('{"SecurityData":{"Type":"TC260PG","PubSd":[{"Type":"DS"}]}}').kind,
      'security_data',
    );
    assert.equal(parseSecurityData('L-1234abcd').kind, 'other');
    assert.equal(parseSecurityData('{"Type":"TC260PG"}').kind, 'other');
    assert.equal(parseSecurityData('').kind, 'empty');
  });
});

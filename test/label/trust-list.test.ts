/** Trust lists: PEM inline or by path, validity dates, and every malformed input refused with a usage error. */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateKeyPair, isHeguiError, loadTrustList, parseTrustList } from '../../src/index.ts';
import { keyStatus } from '../../src/label/security/trust-list.ts';

const P = '001191440300708461136T1XGW3';
const sm2 = generateKeyPair('sm2');
const ed = generateKeyPair('ed25519');
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-trust-'));
  await mkdir(join(dir, 'keys'));
  await writeFile(join(dir, 'keys/ed.pem'), ed.publicPem);
});
after(() => rm(dir, { recursive: true, force: true }));

const usage = (message: RegExp) => (e: unknown) => isHeguiError(e) && e.code === 'usage' && message.test(e.message);

describe('trust list', () => {
  it('reads PEM inline and by a path relative to the list, with algorithms and dates', async () => {
    const file = join(dir, 'trust.json');
    await writeFile(
      file,
      JSON.stringify({
        version: 1,
        providers: {
          [P]: {
            name: 'Example AI',
            keys: [
              { alg: 'sm2', publicKey: sm2.publicPem, validFrom: '2025-09-01', validUntil: '2026-09-01T00:00:00Z' },
              { alg: 'ed25519', publicKey: 'keys/ed.pem' },
            ],
          },
        },
      }),
    );
    const t = await loadTrustList(file);
    const p = t.providers.get(P)!;
    assert.equal(p.name, 'Example AI');
    assert.deepEqual(
      p.keys.map((k) => k.key.alg),
      ['sm2', 'ed25519'],
    );
    const k = p.keys[0]!;
    assert.equal(keyStatus(k, new Date('2025-08-31T23:59:59Z')), 'not_yet_valid');
    assert.equal(keyStatus(k, new Date('2026-01-01')), 'valid');
    assert.equal(keyStatus(k, new Date('2026-09-01T00:00:00Z')), 'expired', 'validUntil is exclusive');
    assert.equal(keyStatus(p.keys[1]!, new Date('2099-01-01')), 'valid');
  });

  it('refuses what it cannot use, naming where', async () => {
    const cases: [unknown, RegExp, string?][] = [
      [{ providers: { [P]: { keys: [] } } }, /providers\.001191440300708461136T1XGW3\.keys/],
      [{ providers: { [P]: { keys: [{ publicKey: 'not pem and no such file' }] } } }, /key file/, 'io'],
      [{ providers: { [P]: { keys: [{ publicKey: sm2.publicPem, alg: 'ed25519' }] } } }, /is sm2, not ed25519/],
      [{ providers: { [P]: { keys: [{ publicKey: sm2.publicPem, validUntil: 'soon' }] } } }, /ISO 8601/],
      [{ providers: { [P]: { keys: [{ publicKey: sm2.publicPem, colour: 'red' }] } } }, /colour/],
      [
        { providers: { [P]: { keys: [{ publicKey: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----' }] } } },
        /keys\.0/,
      ],
      [{ version: 2, providers: {} }, /version/],
      [[], /top level|expected object/],
    ];
    for (const [json, message, code = 'usage'] of cases) {
      await assert.rejects(parseTrustList(json, dir), (e: unknown) => {
        assert.ok(isHeguiError(e));
        assert.equal(e.code, code);
        assert.match(e.message, message);
        return true;
      });
    }
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{ nope');
    await assert.rejects(loadTrustList(bad), usage(/not valid JSON/));
    await assert.rejects(loadTrustList(join(dir, 'missing.json')), (e: unknown) => isHeguiError(e) && e.code === 'io');
  });
});

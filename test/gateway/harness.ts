/**
 * The gateway under test: `hegui serve` with a `gateway` section pointing at a local OpenAI-compatible upstream, a
 * small review library (one blocked term), a label signing key and its trust list, and three users made through the
 * real HTTP API: a verified one, an unverified one, and one the restriction test double restricts from face editing.
 */
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import {
  type AccessRefusal,
  type ConsentCheck,
  EmergencySwitch,
  type FunctionCheck,
} from '../../src/gateway/access.ts';
import { generateKeyPair } from '../../src/label/security/keys.ts';
import { parseTrustList, type TrustList } from '../../src/label/security/trust-list.ts';
import { serialiseLibrary } from '../../src/review/compiled/artifact.ts';
import { compile } from '../review/support.ts';
import { ADMIN_PASSWORD, lastSmsCode, registerUser, startTestServer, type TestServer } from '../server/harness.ts';
import { sqliteDatabase } from '../store/dialects.ts';
import { BLOCKED_TERM, type FakeUpstream, startUpstream } from './upstream.ts';

export const PRODUCER = '001191350100M000100Y4310001';

/** TEST DOUBLE of the enforcement slice's restriction check: the accounts in `restricted` may not use `fn`. */
export class RestrictionDouble implements FunctionCheck {
  readonly name = 'restriction_test_double';
  readonly restricted = new Map<string, string>();
  async check(accountId: string, fn: string): Promise<AccessRefusal | undefined> {
    return this.restricted.get(accountId) === fn
      ? { code: 'restricted', message: `the use of "${fn}" is restricted for this account` }
      : undefined;
  }
}

/** TEST DOUBLE of the consent slice: consent "consent-ok" is on record, nothing else. */
export const consentDouble: ConsentCheck = {
  async check({ consentRef }) {
    return consentRef === 'consent-ok'
      ? undefined
      : { code: 'consent_required', message: 'no recorded consent of the person edited' };
  },
};

export interface GatewayEnv {
  s: TestServer;
  upstream: FakeUpstream;
  trust: TrustList;
  emergency: EmergencySwitch;
  restrictions: RestrictionDouble;
  users: { verified: User; unverified: User; restricted: User };
  client(user: User, o?: { timeout?: number }): OpenAI;
  close(): Promise<void>;
}

export interface User {
  id: string;
  token: string;
  apiKey: string;
}

export async function startGateway(o: { upstreamTimeoutMs?: number } = {}): Promise<GatewayEnv> {
  const dir = await mkdtemp(join(tmpdir(), 'hegui-gw-'));
  const upstream = await startUpstream();
  const libFile = join(dir, 'review.hglib');
  await writeFile(libFile, serialiseLibrary(compile([BLOCKED_TERM])));
  const pair = generateKeyPair('sm2');
  const keyFile = join(dir, 'label-key.pem');
  await writeFile(keyFile, pair.privatePem);
  const trust = await parseTrustList({ providers: { [PRODUCER]: { keys: [{ publicKey: pair.publicPem }] } } }, dir);
  const emergency = new EmergencySwitch();
  const restrictions = new RestrictionDouble();
  const models: Record<string, string> = {
    'chat-model': 'echo-up',
    'failing-model': 'fail-up',
    'slow-model': 'slow-up',
    'cut-model': 'cut-up',
    'endless-model': 'endless-up',
    'bad-model': 'bad-up',
  };
  const database = await sqliteDatabase(true);
  const s = await startTestServer(
    database.db,
    {},
    {
      gateway: {
        contentProducer: PRODUCER,
        reviewLibrary: libFile,
        labelSigningKeyFile: keyFile,
        auditSigningKeyFile: join(dir, 'audit-key.pem'),
        upstreamTimeoutMs: o.upstreamTimeoutMs ?? 1500,
        upstreams: [
          { name: 'text-server', baseUrl: upstream.url, apiKey: 'upstream-secret', models },
          // A second upstream for media, to exercise per-model routing.
          { name: 'media-server', baseUrl: upstream.url, models: { 'image-model': 'img-up', 'tts-model': 'tts-up' } },
        ],
      },
    },
    { gateway: { checks: [restrictions], consent: consentDouble, emergency } },
  );
  const admin = await s.login('admin', ADMIN_PASSWORD);
  assert.ok(admin);
  const make = async (name: string, verify: boolean): Promise<User> => {
    const u = await registerUser(s, name);
    const docs = (await s.call('GET', '/api/agreements')).body.documents as { kind: string; version: number }[];
    const acc = await s.call('POST', '/api/me/agreements', {
      token: u.token,
      body: { documents: docs.map((d) => ({ kind: d.kind, version: d.version })), channel: 'web' },
    });
    assert.equal(acc.status, 201, JSON.stringify(acc.body));
    if (verify) {
      const mobile = { alice: '+86 139 1234 5678', carol: '+86 150 0000 0001' }[name] ?? '+86 138 0013 8000';
      const start = await s.call('POST', '/api/me/verifications/sms', { token: u.token, body: { mobile } });
      assert.equal(start.status, 201, JSON.stringify(start.body));
      const code = await lastSmsCode(s);
      const ok = await s.call('POST', `/api/me/verifications/${start.body.id}/complete`, {
        token: u.token,
        body: { code },
      });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
    }
    const key = await s.call('POST', '/api/api-keys', {
      token: u.token,
      body: { name: 'gateway', scopes: ['self.read'] },
    });
    assert.equal(key.status, 201, JSON.stringify(key.body));
    return { id: u.id, token: u.token, apiKey: key.body.token };
  };
  const users = {
    verified: await make('alice', true),
    unverified: await make('bob', false),
    restricted: await make('carol', true),
  };
  restrictions.restricted.set(users.restricted.id, 'face-edit');
  return {
    s,
    upstream,
    trust,
    emergency,
    restrictions,
    users,
    client: (user, c = {}) =>
      new OpenAI({ apiKey: user.apiKey, baseURL: `${s.url}/v1`, maxRetries: 0, timeout: c.timeout ?? 20_000 }),
    close: async () => {
      await s.close();
      await upstream.close();
      await database.dispose();
    },
  };
}

/**
 * The gateway under test: `hegui serve` with a `gateway` section pointing at a local OpenAI-compatible upstream, a
 * small review library (one blocked term), a label signing key and its trust list, on a test database (SQLite unless a
 * test passes one of `forEachDialect`), and three users made through the real HTTP API: a verified one, an unverified
 * one, and one restricted from face editing by an enforcement action. Staff act through the API too: emergency stops,
 * consent records, enforcement.
 */
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { generateKeyPair } from '../../src/label/security/keys.ts';
import { parseTrustList, type TrustList } from '../../src/label/security/trust-list.ts';
import { serialiseLibrary } from '../../src/review/compiled/artifact.ts';
import { hash256ToHex } from '../../src/review/image/hash256.ts';
import { hashImage } from '../../src/review/image/hasher.ts';
import { compile } from '../review/support.ts';
import { ADMIN_PASSWORD, lastSmsCode, registerUser, startTestServer, type TestServer } from '../server/harness.ts';
import { sqliteDatabase, type TestDatabase } from '../store/dialects.ts';
import { BLOCKED_TERM, type FakeUpstream, forbiddenPicture, REVIEW_TERM, startUpstream } from './upstream.ts';

export const PRODUCER = '001191350100M000100Y4310001';

export interface GatewayEnv {
  s: TestServer;
  upstream: FakeUpstream;
  trust: TrustList;
  db: TestDatabase;
  /** An admin's session token. */
  admin: string;
  users: { verified: User; unverified: User; restricted: User };
  /** A further verified user with an API key. */
  user(name: string): Promise<User>;
  /** Start an emergency stop (as the admin); returns a function that ends it. */
  stop(scope: { kind: 'all' | 'model' | 'capability' | 'group'; value?: string }): Promise<() => Promise<void>>;
  client(user: User, o?: { timeout?: number }): OpenAI;
  close(): Promise<void>;
}

/** An upstream run by another process: only its address is known here. */
function elsewhere(url: string): FakeUpstream {
  return {
    url,
    requests: [],
    aborted: 0,
    flooded: 0,
    nextAbort: () => new Promise<void>(() => {}),
    close: async () => {},
  };
}

export interface User {
  id: string;
  token: string;
  apiKey: string;
}

export async function startGateway(
  o: {
    upstreamTimeoutMs?: number;
    db?: TestDatabase;
    rateLimit?: { perMinute: number; burst: number };
    /** An upstream already running elsewhere (the bench runs it in another process); its requests are not seen here. */
    upstreamUrl?: string;
  } = {},
): Promise<GatewayEnv> {
  const dir = await mkdtemp(join(tmpdir(), 'hegui-gw-'));
  const upstream = o.upstreamUrl ? elsewhere(o.upstreamUrl) : await startUpstream();
  const libFile = join(dir, 'review.hglib');
  await writeFile(
    libFile,
    serialiseLibrary(
      compile([
        // Severity 1: one point per strike, so tests can walk up the enforcement ladder step by step.
        { pattern: BLOCKED_TERM, action: 'block', severity: 1 },
        { pattern: REVIEW_TERM, action: 'review', severity: 2 },
        {
          kind: 'image-hash',
          pattern: `pdq:${hash256ToHex((await hashImage(await forbiddenPicture())).hash)}`,
          riskCode: 'A.1.f',
          action: 'block',
        },
      ]),
    ),
  );
  const pair = generateKeyPair('sm2');
  const keyFile = join(dir, 'label-key.pem');
  await writeFile(keyFile, pair.privatePem);
  const trust = await parseTrustList({ providers: { [PRODUCER]: { keys: [{ publicKey: pair.publicPem }] } } }, dir);
  const models: Record<string, string> = {
    'chat-model': 'echo-up',
    'failing-model': 'fail-up',
    'slow-model': 'slow-up',
    'cut-model': 'cut-up',
    'endless-model': 'endless-up',
    'flood-model': 'flood-up',
    'runaway-model': 'runaway-up',
    'bad-model': 'bad-up',
    'paced-model': 'paced-up',
    'split-model': 'split-up',
  };
  const database = o.db ? undefined : await sqliteDatabase(true);
  const db = o.db ?? database!.db;
  const s = await startTestServer(
    db,
    {},
    {
      gateway: {
        contentProducer: PRODUCER,
        reviewLibrary: libFile,
        labelSigningKeyFile: keyFile,
        upstreamTimeoutMs: o.upstreamTimeoutMs ?? 1500,
        personalVoices: { 'voice-of-li': 'person:li' },
        ...(o.rateLimit ? { rateLimit: o.rateLimit } : {}),
        upstreams: [
          { name: 'text-server', baseUrl: upstream.url, apiKey: 'upstream-secret', models },
          // A second upstream for media, to exercise per-model routing.
          {
            name: 'media-server',
            baseUrl: upstream.url,
            models: { 'image-model': 'img-up', 'bad-image-model': 'bad-img-up', 'tts-model': 'tts-up' },
          },
        ],
      },
    },
  );
  const admin = await s.login('admin', ADMIN_PASSWORD);
  assert.ok(admin);
  let extraUsers = 0;
  const make = async (name: string, verify: boolean): Promise<User> => {
    const u = await registerUser(s, name);
    const docs = (await s.call('GET', '/api/agreements')).body.documents as { kind: string; version: number }[];
    const acc = await s.call('POST', '/api/me/agreements', {
      token: u.token,
      body: { documents: docs.map((d) => ({ kind: d.kind, version: d.version })), channel: 'web' },
    });
    assert.equal(acc.status, 201, JSON.stringify(acc.body));
    if (verify) {
      const mobile =
        { alice: '+86 139 1234 5678', carol: '+86 150 0000 0001' }[name] ??
        `+86 137 0000 ${String(1000 + ++extraUsers).slice(-4)}`;
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
  const restriction = await s.call('POST', '/api/enforcement/actions', {
    token: admin,
    body: {
      accountId: users.restricted.id,
      level: 'restriction',
      functions: ['face-edit'],
      reason: 'edited faces without consent',
      evidence: { complaint: 'TS-TEST' },
      rule: 'platform-rules.4',
    },
  });
  assert.equal(restriction.status, 201, JSON.stringify(restriction.body));
  return {
    s,
    upstream,
    trust,
    db,
    admin,
    users,
    user: (name) => make(name, true),
    async stop(scope) {
      const r = await s.call('POST', '/api/emergency/stops', {
        token: admin,
        body: { scope, reason: 'incident drill' },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return async () => {
        const e = await s.call('POST', `/api/emergency/stops/${r.body.id}/end`, {
          token: admin,
          body: { reason: 'drill over' },
        });
        assert.equal(e.status, 200, JSON.stringify(e.body));
      };
    },
    client: (user, c = {}) =>
      new OpenAI({ apiKey: user.apiKey, baseURL: `${s.url}/v1`, maxRetries: 0, timeout: c.timeout ?? 20_000 }),
    close: async () => {
      await s.close();
      await upstream.close();
      await database?.dispose();
    },
  };
}

/**
 * Verification providers against local HTTP servers that stand in for the operator's services: the SMS webhook
 * (templates, headers from the environment, retries, timeouts, answers that report failure), a KYC service
 * (synchronous and polled), a business registry and the national network identity service. And the rule that only a
 * provider's `complete` makes a Verified result.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { httpCallSchema } from '../../src/platform/accounts/verification/http-call.ts';
import {
  NationalIdentityVerification,
  nationalIdentitySchema,
} from '../../src/platform/accounts/verification/national-identity.ts';
import { type Challenge, isVerified, type Verified } from '../../src/platform/accounts/verification/provider.ts';
import { KycResidentIdVerification, kycHttpSchema } from '../../src/platform/accounts/verification/resident-id-kyc.ts';
import { smsWebhookSchema, WebhookSmsSender } from '../../src/platform/accounts/verification/sms-sender.ts';
import {
  HttpOrganisationRegistry,
  registryHttpSchema,
  UsccRegistryVerification,
} from '../../src/platform/accounts/verification/uscc-registry.ts';
import { keyRingFromKey } from '../../src/platform/pii/key-ring.ts';
import { PiiCipher } from '../../src/platform/pii/pii-cipher.ts';
import { IdentifierProtector } from '../../src/platform/pii/protected-identifier.ts';

type Handler = (req: { path: string; body: string; headers: IncomingMessage['headers'] }, res: ServerResponse) => void;
let server: Server;
let base = '';
const handlers = new Map<string, Handler>();
const seen: { path: string; body: string; headers: IncomingMessage['headers'] }[] = [];

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const r = { path: req.url ?? '', body, headers: req.headers };
      seen.push(r);
      const h = handlers.get((req.url ?? '').split('?')[0]!);
      if (h) h(r, res);
      else res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

const json = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
const cipher = new PiiCipher(keyRingFromKey(randomBytes(32)));
const protector = new IdentifierProtector(cipher);
const subject = { accountId: 'acc-1', accountKind: 'person' as const };

function challengeFrom(
  start: { state: Record<string, unknown>; display: Record<string, string> },
  method: Challenge['method'],
): Challenge {
  return {
    id: 'ch-1',
    accountId: 'acc-1',
    method,
    provider: 'x',
    status: 'open',
    completedBy: 'subject',
    createdAt: new Date().toISOString(),
    expiresAt: new Date(Date.now() + 60_000).toISOString(),
    attempts: 0,
    maxAttempts: 5,
    state: start.state,
    display: start.display,
  };
}

describe('SMS webhook sender', () => {
  it('fills the JSON template with escaped values and a header from the environment', async () => {
    handlers.set('/sms', (_r, res) => json(res, 200, { result: { ok: true } }));
    process.env['HEGUI_TEST_SMS_KEY'] = 'secret-abc';
    const sender = new WebhookSmsSender(
      smsWebhookSchema.parse({
        url: `${base}/sms`,
        headers: { 'x-key': '{{env.HEGUI_TEST_SMS_KEY}}' },
        body: '{"phone":"{{mobile}}","msg":"code \\"{{code}}\\" {{minutes}} min","ref":"{{reference}}"}',
        successPath: 'result.ok',
        successValue: true,
      }),
    );
    seen.length = 0;
    await sender.send({ mobile: '13800138000', code: '123456', minutes: 5, reference: 'r1' });
    assert.deepEqual(JSON.parse(seen[0]!.body), { phone: '13800138000', msg: 'code "123456" 5 min', ref: 'r1' });
    assert.equal(seen[0]!.headers['x-key'], 'secret-abc');
    assert.equal(seen[0]!.headers['content-type'], 'application/json');
  });

  it('encodes form bodies for form gateways', async () => {
    handlers.set('/form', (_r, res) => json(res, 200, {}));
    const sender = new WebhookSmsSender(
      smsWebhookSchema.parse({
        url: `${base}/form?sig={{reference}}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'to={{mobile}}&text={{code}} 验证码',
      }),
    );
    seen.length = 0;
    await sender.send({ mobile: '13800138000', code: '654321', minutes: 5, reference: 'a b' });
    assert.equal(seen[0]!.path, '/form?sig=a%20b');
    assert.equal(new URLSearchParams(seen[0]!.body).get('text'), '654321 验证码');
  });

  it('retries after 5xx and 429, then succeeds', async () => {
    let n = 0;
    handlers.set('/flaky', (_r, res) => {
      n++;
      if (n === 1) return json(res, 503, {});
      if (n === 2) return json(res, 429, {});
      json(res, 200, {});
    });
    const sender = new WebhookSmsSender(
      smsWebhookSchema.parse({ url: `${base}/flaky`, body: '{}', retries: 2, retryDelayMs: 1 }),
    );
    await sender.send({ mobile: '13800138000', code: '1', minutes: 5, reference: 'r' });
    assert.equal(n, 3);
  });

  it('gives up with verification_unavailable after the retries, without quoting the answer', async () => {
    handlers.set('/down', (_r, res) => json(res, 500, { error: 'secret detail 13800138000' }));
    const sender = new WebhookSmsSender(
      smsWebhookSchema.parse({ url: `${base}/down`, body: '{}', retries: 1, retryDelayMs: 1 }),
    );
    await assert.rejects(
      sender.send({ mobile: '13800138000', code: '1', minutes: 5, reference: 'r' }),
      (e: Error & { code: string }) => {
        assert.equal(e.code, 'verification_unavailable');
        assert.equal(e.message, 'SMS gateway: the service answered HTTP 500 (after 2 attempts)');
        return true;
      },
    );
  });

  it('does not retry a 4xx, times out a silent gateway, and refuses an answer that reports failure', async () => {
    let n = 0;
    handlers.set('/bad', (_r, res) => {
      n++;
      json(res, 400, {});
    });
    const bad = new WebhookSmsSender(
      smsWebhookSchema.parse({ url: `${base}/bad`, body: '{}', retries: 3, retryDelayMs: 1 }),
    );
    await assert.rejects(bad.send({ mobile: '1', code: '1', minutes: 5, reference: 'r' }), /answered HTTP 400/);
    assert.equal(n, 1);
    const held: ServerResponse[] = [];
    handlers.set('/silent', (_r, res) => held.push(res));
    const silent = new WebhookSmsSender(
      smsWebhookSchema.parse({ url: `${base}/silent`, body: '{}', timeoutMs: 200, retries: 0 }),
    );
    await assert.rejects(silent.send({ mobile: '1', code: '1', minutes: 5, reference: 'r' }), /timed out/);
    for (const r of held) r.end();
    handlers.set('/nok', (_r, res) => json(res, 200, { code: 'FAIL' }));
    const nok = new WebhookSmsSender(
      smsWebhookSchema.parse({ url: `${base}/nok`, body: '{}', successPath: 'code', successValue: 'OK' }),
    );
    await assert.rejects(nok.send({ mobile: '1', code: '1', minutes: 5, reference: 'r' }), /does not report success/);
  });

  it('names a placeholder that has no value', async () => {
    const s = new WebhookSmsSender(smsWebhookSchema.parse({ url: `${base}/sms`, body: '{"x":"{{nothing}}"}' }));
    await assert.rejects(
      s.send({ mobile: '1', code: '1', minutes: 5, reference: 'r' }),
      /placeholder \{\{nothing\}\} has no value/,
    );
  });
});

describe('KYC resident-ID provider', () => {
  it('verifies at once when the service answers synchronously, sending name and number only to it', async () => {
    handlers.set('/kyc', (r, res) => {
      const b = JSON.parse(r.body) as { idNo: string; name: string };
      json(res, 200, {
        data: { result: b.idNo === '11010519491231002X' && b.name === '张三' ? '1' : '2', serial: 'S-9' },
      });
    });
    const p = new KycResidentIdVerification(
      kycHttpSchema.parse({
        start: { url: `${base}/kyc`, body: '{"name":"{{name}}","idNo":"{{idNumber}}","ref":"{{reference}}"}' },
        startOutcome: {
          resultPath: 'data.result',
          matchValues: ['1'],
          mismatchValues: ['2'],
          referencePath: 'data.serial',
        },
      }),
      protector,
    );
    const s = await p.start(subject, { name: '张三', idNumber: '11010519491231002x' });
    assert.equal(s.ready, true);
    assert.equal(s.display['idNumber'], '110105********002X');
    assert.ok(!JSON.stringify(s.state).includes('11010519491231002X'));
    const r = await p.complete(challengeFrom(s, 'resident_id'));
    assert.ok(isVerified(r));
    assert.equal(r.evidenceRef, 'kyc:S-9');
    assert.equal(r.level, 'substantial');
    assert.equal(protector.reveal(r.identifiers.idNumber!), '11010519491231002X');

    const no = await p.start(subject, { name: '李四', idNumber: '11010519491231002X' });
    const nr = await p.complete(challengeFrom(no, 'resident_id'));
    assert.deepEqual([nr.status, isVerified(nr) ? '' : nr.reason], ['failed', 'mismatch']);
  });

  it('polls an asynchronous service by token until it decides', async () => {
    let decided = false;
    handlers.set('/kyc/start', (_r, res) => json(res, 200, { token: 'T1', url: 'https://kyc.example/face/T1' }));
    handlers.set('/kyc/result', (r, res) =>
      json(res, 200, { state: decided ? 'PASS' : 'WAIT', token: JSON.parse(r.body).t }),
    );
    const p = new KycResidentIdVerification(
      kycHttpSchema.parse({
        start: { url: `${base}/kyc/start`, body: '{"n":"{{name}}","i":"{{idNumber}}"}' },
        tokenPath: 'token',
        redirectPath: 'url',
        result: { url: `${base}/kyc/result`, body: '{"t":"{{token}}"}' },
        resultOutcome: { resultPath: 'state', matchValues: ['PASS'], mismatchValues: ['FAIL'], referencePath: 'token' },
      }),
      protector,
    );
    const s = await p.start(subject, { name: '张三', idNumber: '11010519491231002X' });
    assert.equal(s.ready, false);
    assert.equal(s.display['continueAt'], 'https://kyc.example/face/T1');
    const c = challengeFrom(s, 'resident_id');
    assert.equal((await p.complete(c)).status, 'pending');
    decided = true;
    const r = await p.complete(c);
    assert.ok(isVerified(r));
    assert.equal(r.evidenceRef, 'kyc:T1');
  });

  it('stops a number that fails the format check before any call', async () => {
    const p = new KycResidentIdVerification(
      kycHttpSchema.parse({ start: { url: `${base}/never` }, startOutcome: { resultPath: 'r', matchValues: [1] } }),
      protector,
    );
    seen.length = 0;
    await assert.rejects(p.start(subject, { name: 'x', idNumber: '110105194912310021' }), /not a valid ID number/);
    assert.equal(seen.length, 0);
  });
});

describe('USCC registry provider', () => {
  it('checks the format, asks the registry and verifies only on a match', async () => {
    handlers.set('/registry', (r, res) => {
      const b = JSON.parse(r.body) as { code: string };
      json(res, 200, { status: b.code === '91440300708461136T' ? 'MATCH' : 'NO' });
    });
    const p = new UsccRegistryVerification(
      new HttpOrganisationRegistry(
        registryHttpSchema.parse({
          request: { url: `${base}/registry`, body: '{"code":"{{uscc}}","name":"{{organisationName}}"}' },
          outcome: { resultPath: 'status', matchValues: ['MATCH'], mismatchValues: ['NO'] },
        }),
      ),
    );
    const s = await p.start(subject, { uscc: '91440300708461136t', organisationName: '示例' });
    const r = await p.complete(challengeFrom(s, 'uscc'));
    assert.ok(isVerified(r));
    assert.equal(r.identifiers.uscc, '91440300708461136T');
    const s2 = await p.start(subject, { uscc: '91110102MACQD9K640', organisationName: '示例' });
    assert.equal((await p.complete(challengeFrom(s2, 'uscc'))).status, 'failed');
    await assert.rejects(
      p.start(subject, { uscc: '91440300708461136X', organisationName: 'x' }),
      /not a valid unified/,
    );
  });
});

describe('national network identity provider', () => {
  it('starts an authentication, shows where to continue, and verifies on the result', async () => {
    handlers.set('/nid/start', (r, res) =>
      json(res, 200, { bizSeq: `B-${JSON.parse(r.body).ref}`, qr: 'nid://auth/xyz' }),
    );
    handlers.set('/nid/result', (_r, res) => json(res, 200, { resultCode: 'C0000000', pid: 'PID-123' }));
    const p = new NationalIdentityVerification(
      nationalIdentitySchema.parse({
        start: { url: `${base}/nid/start`, body: '{"ref":"{{reference}}"}', headers: { 'x-app-id': 'app-1' } },
        tokenPath: 'bizSeq',
        continueAtPath: 'qr',
        result: { url: `${base}/nid/result`, body: '{"bizSeq":"{{token}}"}' },
        resultOutcome: { resultPath: 'resultCode', matchValues: ['C0000000'], mismatchValues: ['C0000001'] },
        networkIdPath: 'pid',
      }),
      cipher,
    );
    const s = await p.start();
    assert.equal(s.display['continueAt'], 'nid://auth/xyz');
    const r = await p.complete(challengeFrom(s, 'national_identity'));
    assert.ok(isVerified(r));
    assert.equal(r.level, 'high');
    assert.match(r.evidenceRef, /^nid:[0-9a-f]{24}:[A-Za-z0-9_-]{43}$/);
    assert.ok(!r.evidenceRef.includes('PID-123'));
  });
});

describe('only a provider makes a Verified result', () => {
  it('does not accept a look-alike object, and the type system refuses to build one', () => {
    const fake = {
      status: 'verified',
      method: 'sms',
      provider: 'format-check',
      level: 'low',
      evidenceRef: 'none',
      verifiedAt: new Date().toISOString(),
      identifiers: {},
    };
    assert.equal(isVerified(fake as never), false);
    // @ts-expect-error — a Verified value needs the provider-only brand; a format check cannot produce one.
    const forged: Verified = fake;
    assert.equal(isVerified(forged), false);
    assert.ok(httpCallSchema.safeParse({ url: 'not a url' }).success === false);
  });
});

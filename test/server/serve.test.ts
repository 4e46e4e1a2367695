/**
 * `hegui serve` as an operator runs it (the built bin/hegui.js): start-up output, configuration errors, and graceful
 * shutdown on SIGTERM while a request is in flight — that request (an SMS verification waiting on a local SMS
 * gateway) still completes, new connections are refused, and the process exits 0.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { containsIdentifier } from '../../src/platform/pii/redact.ts';
import { run } from '../support/run.ts';
import { STRONG } from './harness.ts';

const BIN = fileURLToPath(new URL('../../bin/hegui.js', import.meta.url));
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-serve-'));
});
after(() => rm(dir, { recursive: true, force: true }));

const baseEnv = (extra: Record<string, string> = {}) => {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const k of Object.keys(env)) if (k.startsWith('HEGUI_') && !(k in extra)) delete env[k];
  delete env['NODE_ENV'];
  return { ...env, ...extra };
};

describe('hegui serve: configuration errors', () => {
  it('lists every problem, names where each came from, and exits 2', async () => {
    const r = await run(process.execPath, [BIN, 'serve', '--port', 'abc'], {
      env: baseEnv({ HEGUI_LOG_LEVEL: 'loud', HEGUI_SECRET_KEY: 'c2hvcnQ=' }),
    });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /2 problem/);
    assert.match(r.stderr, /port \(from --port\)/);
    assert.match(r.stderr, /logLevel \(from HEGUI_LOG_LEVEL\)/);
  });

  it('explains a short secret key without showing it', async () => {
    const r = await run(process.execPath, [BIN, 'serve', '--port', '0', '--data', dir], {
      env: baseEnv({ HEGUI_SECRET_KEY: 'c2hvcnQ=' }),
    });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /HEGUI_SECRET_KEY holds 5 bytes; 32 are needed/);
    assert.doesNotMatch(r.stderr, /c2hvcnQ/);
  });

  it('refuses to run without a key, or with the development SMS sender, in production', async () => {
    const noKey = await run(process.execPath, [BIN, 'serve', '--port', '0', '--data', dir], {
      env: baseEnv({ NODE_ENV: 'production' }),
    });
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /NODE_ENV=production needs HEGUI_SECRET_KEY/);
    const devSms = await run(process.execPath, [BIN, 'serve', '--port', '0', '--data', dir], {
      env: baseEnv({ NODE_ENV: 'production', HEGUI_SECRET_KEY: randomBytes(32).toString('hex') }),
    });
    assert.equal(devSms.code, 2);
    assert.match(devSms.stderr, /development SMS sender .* refused with NODE_ENV=production/);
  });
});

interface Gateway {
  server: Server;
  url: string;
  received: { body: string; auth: string | undefined }[];
  arrived: Promise<void>;
  release(): void;
}

async function holdingGateway(): Promise<Gateway> {
  let arrive!: () => void;
  const arrived = new Promise<void>((r) => {
    arrive = r;
  });
  let release!: () => void;
  const released = new Promise<void>((r) => {
    release = r;
  });
  const received: Gateway['received'] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', async () => {
      received.push({ body, auth: req.headers.authorization });
      arrive();
      await released;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"OK"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  const url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/send`;
  return { server, url, received, arrived, release };
}

function waitForLine(child: ChildProcess, re: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d.toString();
      const m = re.exec(buf);
      if (m) {
        child.stdout!.off('data', onData);
        resolve(m);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited ${code} before printing ${re}: ${buf.slice(-2000)}`)));
  });
}

describe('hegui serve: graceful shutdown', () => {
  it('finishes a request in flight after SIGTERM, refuses new connections, closes and exits 0', async () => {
    const gw = await holdingGateway();
    const configFile = join(dir, 'config.json');
    await writeFile(
      configFile,
      JSON.stringify({
        verification: {
          sms: {
            provider: 'webhook',
            webhook: {
              url: gw.url,
              headers: { authorization: 'Bearer {{env.TEST_SMS_TOKEN}}' },
              body: '{"to":"{{mobile}}","text":"验证码 {{code}}，{{minutes}} 分钟内有效","ref":"{{reference}}"}',
              timeoutMs: 60_000,
              retries: 0,
              successPath: 'status',
              successValue: 'OK',
            },
          },
        },
      }),
    );
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data', dir, '--config', configFile], {
      env: baseEnv({
        HEGUI_SECRET_KEY: randomBytes(32).toString('base64'),
        HEGUI_ADMIN_PASSWORD: 'Serve-Test-Pass-77',
        TEST_SMS_TOKEN: 'tok-123',
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const [, url] = await waitForLine(child, /listening on (http:\/\/127\.0\.0\.1:\d+)/);
      const reg = await fetch(`${url}/api/users/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'shutdown-user', password: STRONG }),
      });
      assert.equal(reg.status, 201);
      const { token } = (await reg.json()) as { token: string };
      const inFlight = fetch(`${url}/api/me/verifications/sms`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ mobile: '13800138000' }),
      });
      await gw.arrived;
      child.kill('SIGTERM');
      // The listener closes: a new connection is refused (bounded wait, no timing assertion).
      let refused = false;
      for (let i = 0; i < 200 && !refused; i++) {
        refused = await fetch(`${url}/healthz`, { headers: { connection: 'close' } }).then(
          () => false,
          () => true,
        );
        if (!refused) await new Promise((r) => setTimeout(r, 25));
      }
      assert.ok(refused, 'new connections are refused during shutdown');
      gw.release();
      const res = await inFlight;
      assert.equal(res.status, 201);
      const body = (await res.json()) as { status: string; display: { mobile: string } };
      assert.equal(body.status, 'open');
      assert.equal(body.display.mobile, '138****8000');
      assert.equal(await exited, 0);
      assert.match(output, /stopped/);

      const sent = JSON.parse(gw.received[0]!.body) as { to: string; text: string; ref: string };
      assert.equal(sent.to, '13800138000');
      assert.match(sent.text, /^验证码 \d{6}，5 分钟内有效$/);
      assert.match(sent.ref, /^[0-9a-f]{24}$/);
      assert.equal(gw.received[0]!.auth, 'Bearer tok-123');
      assert.ok(!output.includes('13800138000'));
      assert.ok(!containsIdentifier(output));
    } finally {
      gw.release();
      child.kill('SIGKILL');
      await new Promise<void>((r) => gw.server.close(() => r()));
    }
  });
});

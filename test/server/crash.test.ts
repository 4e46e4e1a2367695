/**
 * Crash safety of `hegui serve` as an operator runs it (the built bin/hegui.js), on both databases: a burst of writes
 * over HTTP, SIGKILL in the middle of it, a restart on the same data → the database is consistent, the log verifies,
 * and every write that was acknowledged (a 2xx received) is there with its audit event. The output of both runs holds
 * no ID or mobile number in clear.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { verifyDatabase } from '../../src/platform/audit/verify/verify-database.ts';
import { forEachDialect } from '../store/dialects.ts';
import { ADMIN_PASSWORD, assertNoIdentifier, STRONG } from './harness.ts';

const BIN = fileURLToPath(new URL('../../bin/hegui.js', import.meta.url));
const WORKERS = 6;
const KILL_AFTER = 40;

interface Server {
  child: ChildProcess;
  url: string;
  output: () => string;
}

forEachDialect('hegui serve killed during a burst of writes', (ctx) => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let configFile: string;
  const outputs: string[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hegui-crash-'));
    configFile = join(dir, 'config.json');
    await writeFile(configFile, JSON.stringify({ rateLimit: { burst: 10_000, perMinute: 100_000 } }));
    const where = ctx.db.options.databaseUrl
      ? { HEGUI_DATABASE_URL: ctx.db.options.databaseUrl, HEGUI_DATA_DIR: join(dir, 'data') }
      : { HEGUI_DATA_DIR: ctx.db.options.dataDir! };
    env = { PATH: process.env['PATH'] ?? '' };
    Object.assign(env, where, {
      HEGUI_PORT: '0',
      HEGUI_SECRET_KEY: randomBytes(32).toString('base64'),
      HEGUI_ADMIN_PASSWORD: ADMIN_PASSWORD,
    });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const start = async (): Promise<Server> => {
    const child = spawn(process.execPath, [BIN, 'serve', '--config', configFile], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d) => (out += d));
    child.stderr!.setEncoding('utf8').on('data', (d) => (out += d));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) {
          clearInterval(timer);
          resolve(m[1]!);
        }
      }, 20);
      child.once('exit', (code) => {
        clearInterval(timer);
        reject(new Error(`exited ${code}: ${out.slice(-2000)}`));
      });
    });
    return { child, url, output: () => out };
  };

  const post = async (url: string, body: unknown, token?: string) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  };

  it('keeps every acknowledged write and a log that verifies', async () => {
    const first = await start();
    // A mobile number goes through the server before the burst: it must not reach the output in clear.
    const u = await post(`${first.url}/api/users/register`, {
      username: 'crash-pii',
      password: STRONG,
      kind: 'person',
    });
    assert.equal(u.status, 201, JSON.stringify(u.body));
    const sms = await post(`${first.url}/api/me/verifications/sms`, { mobile: '13800138000' }, u.body.token);
    assert.ok(sms.status < 300, JSON.stringify(sms.body));

    const acked: { username: string; id: string }[] = [];
    let killed = false;
    const worker = async (w: number) => {
      for (let i = 0; !killed; i++) {
        const username = `burst-${w}-${i}`;
        try {
          const r = await post(`${first.url}/api/users/register`, { username, password: STRONG, kind: 'person' });
          if (r.status >= 200 && r.status < 300) acked.push({ username, id: r.body.account.id });
          else assert.fail(`${username}: ${r.status} ${JSON.stringify(r.body)}`);
        } catch (e) {
          if (killed) return; // the connection died with the server: this write was never acknowledged
          throw e;
        }
        if (acked.length >= KILL_AFTER && !killed) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      }
    };
    const exited = new Promise((r) => first.child.once('exit', r));
    await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
    await exited;
    assert.equal(first.child.signalCode, 'SIGKILL');
    outputs.push(first.output());

    const second = await start();
    try {
      const db = ctx.db.store.db;
      if (ctx.dialect === 'sqlite') {
        const check = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(db);
        assert.equal(check.rows[0]?.integrity_check, 'ok');
      }
      const accounts = await db.selectFrom('account').select(['id', 'username']).execute();
      const byName = new Map(accounts.map((a) => [a.username, a.id]));
      const created = new Set(
        (await db.selectFrom('audit_entry').select('subject').where('type', '=', 'account.created').execute()).map(
          (e) => e.subject,
        ),
      );
      assert.ok(acked.length >= KILL_AFTER);
      for (const a of acked) {
        assert.equal(byName.get(a.username), a.id, `${a.username} was acknowledged and must be there`);
        assert.ok(created.has(`account:${a.id}`), `${a.username} has its audit event`);
      }
      // Nothing half-written: every end-user account has its event, acknowledged or not.
      for (const a of accounts) {
        if (a.username.startsWith('burst-')) assert.ok(created.has(`account:${a.id}`), a.username);
      }
      const report = await verifyDatabase(db, ctx.db.store.location);
      assert.equal(report.ok, true, JSON.stringify(report.problems.slice(0, 3)));
      // The restarted server takes writes again and signs in the admin created on the first start.
      const login = await post(`${second.url}/api/auth/login`, { username: 'admin', password: ADMIN_PASSWORD });
      assert.equal(login.status, 200, JSON.stringify(login.body));
      const again = await post(`${second.url}/api/users/register`, { username: 'after-crash', password: STRONG });
      assert.equal(again.status, 201);
    } finally {
      const exited2 = new Promise((r) => second.child.once('exit', r));
      second.child.kill('SIGTERM');
      await exited2;
      outputs.push(second.output());
    }
    assert.equal(second.child.exitCode, 0, second.output().slice(-2000));
    assert.equal((await verifyDatabase(ctx.db.store.db, ctx.db.store.location)).ok, true);
    const all = outputs.join('\n');
    assert.ok(all.includes('request completed'), 'the output holds the request log');
    assertNoIdentifier(all, 'the server output');
  });
});

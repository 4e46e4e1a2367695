/**
 * A real server for HTTP tests: `hegui serve`'s start-up path on an ephemeral port, on a test database of either
 * dialect (test/store/dialects.ts: the SQLite folder becomes the data folder, or HEGUI_DATABASE_URL names the
 * PostgreSQL database), its log written to a file that `close()` scans for ID numbers and mobile numbers in clear
 * (none may be there) — and `close()` also checks that the tamper-evident log of the run verifies.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { verifyDatabase } from '../../src/platform/audit/verify/verify-database.ts';
import { containsIdentifier } from '../../src/platform/pii/redact.ts';
import type { Platform } from '../../src/platform/platform.ts';
import { loadConfig } from '../../src/server/config.ts';
import { createLogger } from '../../src/server/logger.ts';
import { type RunningServer, type StartOptions, startServer } from '../../src/server/serve.ts';
import type { TestDatabase } from '../store/dialects.ts';

export const ADMIN_PASSWORD = 'Test-Operator-Pass-1';
export const STRONG = 'Correct-Horse-9-Battery';

/** Every identity number the HTTP tests send: none of them may appear in the log. */
export const TEST_IDENTIFIERS = [
  '11010519491231002X',
  '110105194912310021',
  '44030519900101123X',
  '13800138000',
  '13912345678',
  '15000000001',
  '138 0013 8000',
];

export interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON a route answers
  body: any;
  headers: Headers;
}

export interface TestServer {
  url: string;
  running: RunningServer;
  platform: Platform;
  db: TestDatabase;
  printed: string[];
  logFile: string;
  call(
    method: string,
    path: string,
    o?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Reply>;
  login(username: string, password: string, totp?: string): Promise<string>;
  readLog(): Promise<string>;
  close(): Promise<void>;
}

/** Generous limits unless a test sets its own: every test talks from 127.0.0.1. */
const TEST_CONFIG = {
  rateLimit: { burst: 1000, perMinute: 60_000 },
  loginThrottle: { maxFailures: 5, windowMinutes: 15 },
};

export async function startTestServer(
  db: TestDatabase,
  env: Record<string, string> = {},
  fileConfig: Record<string, unknown> = {},
  extra: Partial<StartOptions> = {},
): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'hegui-server-'));
  const where = db.options.databaseUrl
    ? { HEGUI_DATABASE_URL: db.options.databaseUrl, HEGUI_DATA_DIR: dir }
    : { HEGUI_DATA_DIR: db.options.dataDir! };
  const logFile = join(dir, 'server.log');
  const configFile = join(dir, 'config.json');
  await writeFile(configFile, JSON.stringify({ ...TEST_CONFIG, ...fileConfig }));
  const config = loadConfig(
    {
      HEGUI_PORT: '0',
      ...where,
      // One key per database, as servers sharing a database in production share their key.
      HEGUI_SECRET_KEY: createHash('sha256')
        .update(`test key of ${where.HEGUI_DATABASE_URL ?? where.HEGUI_DATA_DIR}`)
        .digest('base64'),
      HEGUI_ADMIN_PASSWORD: ADMIN_PASSWORD,
      HEGUI_LOG_LEVEL: 'info',
      ...env,
    },
    { config: configFile },
  );
  const printed: string[] = [];
  const logger = createLogger({ level: 'info', destination: pino.destination({ dest: logFile, sync: true }) });
  const running = await startServer(config, { print: (l) => printed.push(l), logger, ...extra });
  const url = running.url;
  const call: TestServer['call'] = async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (o.token) headers['authorization'] = `Bearer ${o.token}`;
    if (o.body !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(url + path, {
      method,
      headers,
      ...(o.body !== undefined ? { body: typeof o.body === 'string' ? o.body : JSON.stringify(o.body) } : {}),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {}
    return { status: res.status, body, headers: res.headers };
  };
  const login = async (username: string, password: string, totp?: string) => {
    const r = await call('POST', '/api/auth/login', { body: { username, password, ...(totp ? { totp } : {}) } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.token as string;
  };
  return {
    url,
    running,
    platform: running.platform,
    db,
    printed,
    logFile,
    call,
    login,
    readLog: () => readFile(logFile, 'utf8'),
    close: async () => {
      await running.shutdown('test finished');
      const report = await verifyDatabase(db.store.db, db.store.location);
      assert.ok(report.entries > 0, "the run's writes are in the log");
      assert.equal(report.ok, true, `the log of the run verifies: ${JSON.stringify(report.problems.slice(0, 3))}`);
      const log = await readFile(logFile, 'utf8');
      assert.ok(log.includes('request completed'), 'the log captured the requests');
      assertNoIdentifier(log, 'the log');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * No test identity number in `text`, as a number of its own: digits inside a longer run do not count (a response time
 * of 2.672415000000001 ms holds "15000000001"). The failure names the line with the number masked, so it says where
 * it leaked without repeating it. Then nothing shaped like an ID or mobile number either.
 */
export function assertNoIdentifier(text: string, where: string): void {
  for (const [n, id] of TEST_IDENTIFIERS.entries()) {
    const alone = new RegExp(`(?<![\\d.])${id}(?!\\d)`);
    const line = text.split('\n').find((l) => alone.test(l));
    assert.ok(
      line === undefined,
      `identity number #${n} reached ${where}: ${line?.replaceAll(id, '<ID>').slice(0, 2000)}`,
    );
  }
  assert.ok(!containsIdentifier(text), `something shaped like an ID or mobile number reached ${where}`);
}

/** The code the development SMS sender wrote to the log for the latest message. */
export async function lastSmsCode(s: TestServer): Promise<string> {
  const lines = (await s.readLog()).split('\n').filter((l) => l.includes('"smsDevelopment":true'));
  const last = lines[lines.length - 1];
  assert.ok(last, 'the development SMS sender logged a code');
  return JSON.parse(last).devCode as string;
}

/** Register an end user and return its token and id. */
export async function registerUser(
  s: TestServer,
  username: string,
  kind: 'person' | 'organisation' = 'person',
): Promise<{ token: string; id: string }> {
  const r = await s.call('POST', '/api/users/register', { body: { username, password: STRONG, kind } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { token: r.body.token, id: r.body.account.id };
}

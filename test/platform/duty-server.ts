/**
 * A real server with the duty slices on a test database (SQLite or PostgreSQL, test/store/dialects.ts): its audit log,
 * a clock the test moves, a token per staff role and helpers to read the log's events and verify it.
 */
import assert from 'node:assert/strict';
import { verifyDatabase } from '../../src/platform/audit/verify/verify-database.ts';
import { createDutySlices, type DutySliceOptions } from '../../src/platform/duty-slices.ts';
import { ADMIN_PASSWORD, registerUser, STRONG, startTestServer, type TestServer } from '../server/harness.ts';
import type { TestDatabase } from '../store/dialects.ts';

export interface DutyServer {
  s: TestServer;
  tokens: Record<'admin' | 'reviewer' | 'compliance_officer' | 'auditor', string>;
  clock: { at: number; advanceHours(h: number): void };
  user(name: string): Promise<{ token: string; id: string }>;
  eventTypes(): Promise<string[]>;
  verifyLog(): Promise<void>;
}

export async function startDutyServer(
  db: TestDatabase,
  o: Omit<DutySliceOptions, 'store' | 'log' | 'now'> = {},
  env: Record<string, string> = {},
  fileConfig: Record<string, unknown> = {},
): Promise<DutyServer> {
  const clock = {
    at: Date.now(),
    advanceHours(h: number) {
      clock.at += h * 3_600_000;
    },
  };
  const now = () => new Date(clock.at);
  const s = await startTestServer(db, env, fileConfig, {
    duties: ({ store, log }) => createDutySlices({ ...o, store, log, now }),
  });
  const admin = await s.login('admin', ADMIN_PASSWORD);
  const tokens = { admin } as DutyServer['tokens'];
  for (const role of ['reviewer', 'compliance_officer', 'auditor'] as const) {
    const username = `staff-${role.replace('_', '-')}`;
    const r = await s.call('POST', '/api/staff', { token: admin, body: { username, role, password: STRONG } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    tokens[role] = await s.login(username, STRONG);
  }
  return {
    s,
    tokens,
    clock,
    user: (name) => registerUser(s, name),
    eventTypes: async () =>
      (await db.store.db.selectFrom('audit_entry').select('type').orderBy('idx').execute()).map((r) => r.type),
    verifyLog: async () => {
      const report = await verifyDatabase(db.store.db, db.dialect);
      assert.equal(report.ok, true, JSON.stringify(report).slice(0, 800));
      assert.ok(report.entries > 0);
    },
  };
}

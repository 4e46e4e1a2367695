/** A real server whose governance duties run on the test database of `forEachDialect`, with staff of every role. */
import assert from 'node:assert/strict';
import { verifyDatabase } from '../../src/platform/audit/verify/verify-database.ts';
import { createGovernance, type Governance } from '../../src/platform/governance.ts';
import { ADMIN_PASSWORD, registerUser, STRONG, startTestServer, type TestServer } from '../server/harness.ts';
import type { TestDatabase } from '../store/dialects.ts';

export type Who = 'admin' | 'reviewer' | 'reviewer2' | 'officer' | 'officer2' | 'auditor' | 'user';

export interface GovernanceServer {
  s: TestServer;
  g: Governance;
  tokens: Record<Who, string>;
  /** The audit events of these types, in order. */
  events(prefix: string): Promise<{ type: string; actor: string; subject: string | null; payload: unknown }[]>;
  /** The log verifies end to end. */
  verifyLog(): Promise<void>;
  close(): Promise<void>;
}

/** The governance clock runs this many milliseconds ahead of real time (tests of deadlines and claim expiry). */
export const clock = { aheadMs: 0 };

export async function startGovernanceServer(db: TestDatabase): Promise<GovernanceServer> {
  let g: Governance | undefined;
  const s = await startTestServer(
    db,
    {},
    {},
    {
      governance: async ({ store, log }) => {
        g = await createGovernance(store, log, { now: () => new Date(Date.now() + clock.aheadMs) });
        return g;
      },
    },
  );
  const admin = await s.login('admin', ADMIN_PASSWORD);
  const staff = async (username: string, role: string) => {
    const r = await s.call('POST', '/api/staff', { token: admin, body: { username, role, password: STRONG } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return s.login(username, STRONG);
  };
  const tokens: Record<Who, string> = {
    admin,
    reviewer: await staff('rev-one', 'reviewer'),
    reviewer2: await staff('rev-two', 'reviewer'),
    officer: await staff('officer-one', 'compliance_officer'),
    officer2: await staff('officer-two', 'compliance_officer'),
    auditor: await staff('auditor-one', 'auditor'),
    user: (await registerUser(s, 'plain-user')).token,
  };
  return {
    s,
    g: g!,
    tokens,
    events: async (prefix) => {
      const rows = await db.store.db
        .selectFrom('audit_entry')
        .select(['type', 'actor', 'subject', 'payload'])
        .where('type', 'like', `${prefix}%`)
        .orderBy('idx')
        .execute();
      return rows.map((r) => ({ ...r, payload: JSON.parse(r.payload ?? 'null') }));
    },
    verifyLog: async () => {
      const report = await verifyDatabase(db.store.db, db.store.location);
      assert.equal(report.ok, true, JSON.stringify(report));
    },
    close: () => s.close(),
  };
}

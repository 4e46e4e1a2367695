/**
 * A real server with the oversight duties over a test database (SQLite or PostgreSQL, from forEachDialect): the
 * accounts live in the server's in-memory stores, the duties in the SQL store with its audit log. Staff of every role
 * and an end user are signed in, so each test can call as any role.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { verifyDatabase } from '../../src/platform/audit/verify/verify-database.ts';
import type { Role } from '../../src/platform/auth/roles.ts';
import { createOversight, type Oversight, type OversightOptions } from '../../src/platform/oversight.ts';
import type { Store } from '../../src/store/index.ts';
import { ADMIN_PASSWORD, registerUser, STRONG, startTestServer, type TestServer } from '../server/harness.ts';
import type { TestDatabase } from '../store/dialects.ts';

export interface OversightServer {
  s: TestServer;
  store: Store;
  oversight: Oversight;
  tokens: Map<Role, string>;
  userId: string;
  /** Audit events of these types, oldest first. */
  events(prefix: string): Promise<{ type: string; actor: string; subject: string | null; payload: unknown }[]>;
  /** The audit log verifies end to end. */
  verifyLog(): Promise<void>;
  close(): Promise<void>;
}

export async function startOversightServer(
  db: TestDatabase,
  o: { options?: Partial<OversightOptions> } = {},
): Promise<OversightServer> {
  const store = db.store;
  let oversight: Oversight | undefined;
  const s = await startTestServer(
    db,
    {},
    {},
    {
      oversight: (deps) => {
        oversight = createOversight({ ...deps, ...o.options });
        return oversight;
      },
    },
  );
  const instance = randomBytes(3).toString('hex');
  const tokens = new Map<Role, string>();
  const admin = await s.login('admin', ADMIN_PASSWORD);
  tokens.set('admin', admin);
  for (const role of ['reviewer', 'compliance_officer', 'auditor'] as const) {
    // Unique per instance: two servers may share one database.
    const username = `staff-${role.replace('_', '-')}-${instance}`;
    const r = await s.call('POST', '/api/staff', { token: admin, body: { username, role, password: STRONG } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    tokens.set(role, await s.login(username, STRONG));
  }
  const u = await registerUser(s, `oversight-user-${instance}`);
  tokens.set('user', u.token);
  return {
    s,
    store,
    oversight: oversight!,
    tokens,
    userId: u.id,
    async events(prefix) {
      const rows = await store.db
        .selectFrom('audit_entry')
        .select(['type', 'actor', 'subject', 'payload'])
        .where('type', 'like', `${prefix}%`)
        .orderBy('idx')
        .execute();
      return rows.map((r) => ({ ...r, payload: r.payload === null ? null : JSON.parse(r.payload) }));
    },
    async verifyLog() {
      const report = await verifyDatabase(store.db, store.location);
      assert.equal(report.ok, true, JSON.stringify(report.problems));
      assert.ok(report.entries > 0);
    },
    close: () => s.close(),
  };
}

/** Every role but those listed gets 403 forbidden for this call. */
export async function assertOnlyRoles(
  o: OversightServer,
  allowed: Role[],
  method: string,
  path: string,
  body?: unknown,
): Promise<void> {
  for (const [role, token] of o.tokens) {
    const r = await o.s.call(method, path, { token, ...(body !== undefined ? { body } : {}) });
    const label = `${role} ${method} ${path} → ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`;
    if (allowed.includes(role)) assert.ok(!(r.status === 403 && r.body.error?.code === 'forbidden'), label);
    else {
      assert.equal(r.status, 403, label);
      assert.equal(r.body.error.code, 'forbidden', label);
    }
  }
  const anon = await o.s.call(method, path, body !== undefined ? { body } : {});
  assert.equal(anon.status, 401, `anonymous ${method} ${path}`);
}

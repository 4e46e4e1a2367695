/** Retention per record type with the legal minimum of 6 months, legal holds, and verification after a purge. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { isHeguiError } from '../../src/errors.ts';
import { type RetentionConfig, RetentionPolicy, subtractPeriod } from '../../src/platform/audit/retention-policy.ts';
import type { VerifyReport } from '../../src/platform/audit/verify/report.ts';
import { forEachDialect } from '../store/dialects.ts';
import { auditOn, event, hegui } from './support.ts';

describe('retention policy', () => {
  it('refuses anything under 6 months, naming every offending rule', () => {
    const bads: RetentionConfig[] = [
      { default: '90d' },
      { types: { 'gateway.request': '5m' } },
      { types: { x: '183d' } },
    ];
    for (const bad of bads) {
      assert.throws(
        () => new RetentionPolicy(bad),
        (e) => isHeguiError(e) && e.code === 'usage' && /legal minimum of 6 months/.test(e.message),
      );
    }
    assert.throws(() => new RetentionPolicy({ default: 'soon' }), /is not a period/);
    for (const ok of ['184d', '6m', '1y', 'forever']) assert.ok(new RetentionPolicy({ default: ok }));
  });

  it('resolves exact types, then the longest prefix, then the default', () => {
    const p = new RetentionPolicy({
      default: '2y',
      types: { 'gateway.*': '6m', 'gateway.image.*': '1y', 'a.b': 'forever' },
    });
    assert.deepEqual(p.periodFor('gateway.chat'), { months: 6 });
    assert.deepEqual(p.periodFor('gateway.image.generated'), { months: 12 });
    assert.equal(p.periodFor('a.b'), 'forever');
    assert.deepEqual(p.periodFor('complaint.filed'), { months: 24 });
  });

  it('counts calendar months and never cuts later than six months back', () => {
    assert.equal(subtractPeriod(new Date('2025-08-31T12:00:00Z'), { months: 6 }), '2025-02-28T12:00:00.000Z');
    assert.equal(subtractPeriod(new Date('2024-03-31T00:00:00Z'), { months: 1 }), '2024-02-29T00:00:00.000Z');
    const p = new RetentionPolicy({ default: '184d' });
    // 184 days before 2025-08-31 is 2025-02-28: the same as 6 months; the cutoff is the earlier of the two.
    assert.ok(p.cutoff('x', new Date('2025-08-31T00:00:00Z'))! <= '2025-02-28T00:00:00.000Z');
    assert.equal(new RetentionPolicy().cutoff('x', new Date()), null, 'kept forever by default');
  });
});

forEachDialect('retention job', (ctx) => {
  it('purges payloads past retention, skips holds, keeps hashes; the log still verifies', async () => {
    const db = await ctx.fresh();
    let now = new Date('2024-01-10T00:00:00Z');
    const { log, retention, holds } = await auditOn(db.store, {
      now: () => now,
      retention: { types: { 'gateway.request': '6m' } },
    });
    await db.store.transaction(async (trx) => {
      for (let i = 0; i < 6; i++) await log.append(trx, event(i, { type: 'gateway.request' }));
      await log.append(trx, event(99, { type: 'complaint.filed' }));
    });
    now = new Date('2024-06-01T00:00:00Z');
    await db.store.transaction((trx) => log.append(trx, event(100, { type: 'gateway.request' })));
    const hold = await holds.place('account:compliance', { subject: 'thing:3', reason: 'court order 2024-17' });

    now = new Date('2024-07-01T00:00:00Z');
    assert.deepEqual(
      await retention.run('system:retention', now),
      { purged: 0, byType: {} },
      'nothing is 6 months old',
    );

    now = new Date('2024-07-20T00:00:00Z');
    const report = await retention.run('system:retention', now);
    assert.deepEqual(report, { purged: 5, byType: { 'gateway.request': 5 } }, 'thing:3 is held, the June entry young');
    const rows = await db.store.db
      .selectFrom('audit_entry')
      .selectAll()
      .where('type', '=', 'gateway.request')
      .execute();
    const gone = rows.filter((r) => r.payload === null);
    assert.deepEqual(gone.map((r) => r.subject).sort(), ['thing:0', 'thing:1', 'thing:2', 'thing:4', 'thing:5']);
    for (const r of gone) {
      assert.equal(r.purged_at, '2024-07-20T00:00:00.000Z');
      assert.equal(r.payload_sha256.length, 32);
      assert.equal(r.leaf_hash.length, 32);
    }
    const other = await db.store.db
      .selectFrom('audit_entry')
      .select('payload')
      .where('type', '=', 'complaint.filed')
      .execute();
    assert.ok(
      other.every((r) => r.payload !== null),
      'types without retention are kept',
    );
    const logged = await db.store.db
      .selectFrom('audit_entry')
      .select('payload')
      .where('type', '=', 'audit.retention.purged')
      .execute();
    assert.deepEqual(
      logged.map((r) => JSON.parse(r.payload!)),
      [{ recordType: 'gateway.request', loggedBefore: '2024-01-20T00:00:00.000Z', count: 5 }],
    );

    await log.checkpoint();
    const ok = await hegui(['log', 'verify', ...db.cliArgs]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /5 entries: payload purged per retention/);

    await holds.release('account:compliance', hold.id);
    assert.equal((await retention.run('system:retention', now)).purged, 1, 'released: the held entry goes too');
  });

  it('verify reports a payload removed before the legal minimum, or removed without a purge', async () => {
    const db = await ctx.fresh();
    const { log } = await auditOn(db.store, { now: () => new Date('2024-01-10T00:00:00Z') });
    await db.store.transaction(async (trx) => {
      for (let i = 0; i < 4; i++) await log.append(trx, event(i));
    });
    const [a, b] = [1, 3];
    await sql`update audit_entry set payload = null, purged_at = ${'2024-03-01T00:00:00.000Z'} where idx = ${a}`.execute(
      db.store.db,
    );
    await sql`update audit_entry set payload = null where idx = ${b}`.execute(db.store.db);
    const res = await hegui(['log', 'verify', ...db.cliArgs, '--json']);
    assert.equal(res.code, 1);
    const r = JSON.parse(res.stdout) as VerifyReport;
    assert.equal(r.firstBadEntry, a);
    assert.deepEqual(
      r.problems.map((p) => [p.code, p.entry]),
      [
        ['purge_invalid', a],
        ['purge_invalid', b],
      ],
    );
  });

  it('refuses to start with a retention under the legal minimum', async () => {
    await assert.rejects(
      auditOn(ctx.db.store, { retention: { types: { 'gateway.request': '30d' } } }),
      (e) => isHeguiError(e) && e.code === 'usage' && e.message.includes('gateway.request'),
    );
  });
});

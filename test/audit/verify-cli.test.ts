/**
 * Tampering with stored log rows by direct SQL, then `hegui log verify` (the real binary, built by `npm run build`):
 * it fails and names the first bad entry. On both databases.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { sql } from 'kysely';
import type { VerifyReport } from '../../src/platform/audit/verify/report.ts';
import { forEachDialect, type TestDatabase } from '../store/dialects.ts';
import { refLeafHash } from './rfc9162-reference.ts';
import { appendMany, auditOn, hegui } from './support.ts';

/** A log of 41 entries (the key's event + 40) with checkpoints every 10 entries and one at the end. */
async function loggedDatabase(fresh: () => Promise<TestDatabase>): Promise<TestDatabase> {
  const db = await fresh();
  const { log } = await auditOn(db.store, { checkpoint: { everyEntries: 10 } });
  await appendMany(db.store, log, 40, 3);
  await log.checkpoint();
  return db;
}

async function verifyJson(db: TestDatabase, extra: string[] = []): Promise<{ code: number | null; r: VerifyReport }> {
  const res = await hegui(['log', 'verify', ...db.cliArgs, '--json', ...extra]);
  assert.ok(res.stdout.startsWith('{'), res.stderr);
  return { code: res.code, r: JSON.parse(res.stdout) as VerifyReport };
}

const codes = (r: VerifyReport) => new Set(r.problems.map((p) => p.code));

forEachDialect('hegui log verify', (ctx) => {
  const fresh = () => ctx.fresh();

  it('passes an untouched log (exit 0), also with the key pinned; refuses a foreign key', async () => {
    const db = await loggedDatabase(fresh);
    const text = await hegui(['log', 'verify', ...db.cliArgs]);
    assert.equal(text.code, 0, text.stderr + text.stdout);
    assert.match(text.stdout, /^Log verified: 41 entries, 5 signed checkpoint\(s\) checked/);
    const key = await db.store.db.selectFrom('audit_signing_key').select('public_key').executeTakeFirstOrThrow();
    const dir = await mkdtemp(join(tmpdir(), 'hegui-pin-'));
    await writeFile(join(dir, 'ours.pem'), key.public_key);
    assert.equal((await verifyJson(db, ['--public-key', join(dir, 'ours.pem')])).code, 0);
    const { generateKeyPairSync } = await import('node:crypto');
    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await writeFile(join(dir, 'other.pem'), other);
    const foreign = await verifyJson(db, ['--public-key', join(dir, 'other.pem')]);
    assert.equal(foreign.code, 1);
    assert.ok(codes(foreign.r).has('checkpoint_key_unknown'));
  });

  it('an edited payload: names that entry', async () => {
    const db = await loggedDatabase(fresh);
    await sql`update audit_entry set payload = ${'{"i":999}'} where idx = 17`.execute(db.store.db);
    const text = await hegui(['log', 'verify', ...db.cliArgs]);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /FAILED: 1 problem\(s\); first bad entry: 17\n {2}entry 17: the payload does not match/);
  });

  it('an edited actor: the leaf no longer matches', async () => {
    const db = await loggedDatabase(fresh);
    await sql`update audit_entry set actor = ${'account:someone-else'} where idx = 12`.execute(db.store.db);
    const { code, r } = await verifyJson(db);
    assert.equal(code, 1);
    assert.equal(r.firstBadEntry, 12);
    assert.deepEqual([...codes(r)], ['leaf_mismatch']);
  });

  it('a deleted row: names the missing entry', async () => {
    const db = await loggedDatabase(fresh);
    await sql`delete from audit_entry where idx = 20`.execute(db.store.db);
    const { code, r } = await verifyJson(db);
    assert.equal(code, 1);
    assert.equal(r.firstBadEntry, 20);
    assert.equal(r.problems[0]!.code, 'entry_missing');
  });

  it('two rows swapped: names the first of them', async () => {
    const db = await loggedDatabase(fresh);
    await sql`update audit_entry set idx = -1 where idx = 5`.execute(db.store.db);
    await sql`update audit_entry set idx = 5 where idx = 6`.execute(db.store.db);
    await sql`update audit_entry set idx = 6 where idx = -1`.execute(db.store.db);
    const { code, r } = await verifyJson(db);
    assert.equal(code, 1);
    assert.equal(r.firstBadEntry, 5);
    assert.ok(codes(r).has('leaf_mismatch'));
  });

  it('an edit that recomputes the entry hashes: caught by the interior nodes and the signed root', async () => {
    const db = await loggedDatabase(fresh);
    const e = await db.store.db.selectFrom('audit_entry').selectAll().where('idx', '=', 13).executeTakeFirstOrThrow();
    const payload = '{"i":13,"note":"forged"}';
    const payloadSha = createHash('sha256').update(payload).digest();
    const leaf = refLeafHash(
      Buffer.from(
        JSON.stringify(['hegui.audit/v1', 13, e.logged_at, e.type, e.actor, e.subject, payloadSha.toString('hex')]),
      ),
    );
    await db.store.db
      .updateTable('audit_entry')
      .set({ payload, payload_sha256: payloadSha, leaf_hash: leaf })
      .where('idx', '=', 13)
      .execute();
    const { code, r } = await verifyJson(db);
    assert.equal(code, 1);
    assert.ok(codes(r).has('node_mismatch') && codes(r).has('checkpoint_root_mismatch'), JSON.stringify(r.problems));
    assert.equal(r.firstBadEntry, 12, 'the pair of entries 12–13 under the first disagreeing node');
  });

  it('the newest rows removed: the truncation is named and the checkpoints point past the end', async () => {
    const db = await loggedDatabase(fresh);
    await sql`delete from audit_entry where idx >= 38`.execute(db.store.db);
    const { code, r } = await verifyJson(db);
    assert.equal(code, 1);
    assert.equal(r.firstBadEntry, 38);
    assert.ok(codes(r).has('entry_missing') && codes(r).has('checkpoint_beyond_log'));
  });

  it('a forged checkpoint signature or root', async () => {
    const db = await loggedDatabase(fresh);
    const [a, b] = await db.store.db.selectFrom('audit_checkpoint').selectAll().orderBy('tree_size').execute();
    const sig = Buffer.from(a!.signature);
    sig[5]! ^= 0xff;
    await db.store.db
      .updateTable('audit_checkpoint')
      .set({ signature: sig })
      .where('tree_size', '=', a!.tree_size)
      .execute();
    const root = Buffer.from(b!.root_hash);
    root[0]! ^= 1;
    await db.store.db
      .updateTable('audit_checkpoint')
      .set({ root_hash: root })
      .where('tree_size', '=', b!.tree_size)
      .execute();
    const { code, r } = await verifyJson(db);
    assert.equal(code, 1);
    assert.ok(codes(r).has('checkpoint_signature_invalid'));
    assert.ok(codes(r).has('checkpoint_root_mismatch'));
  });

  it('a database that is not there or not a log: exit 2 with a message', async () => {
    const missing = await hegui(['log', 'verify', '--data', join(tmpdir(), 'hegui-no-such-dir-x')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot open the SQLite database|holds no Hegui audit log/);
    const empty = await ctx.fresh({ migrate: false });
    if (empty.dialect === 'sqlite') await sql`create table x (y integer)`.execute(empty.store.db);
    const notLog = await hegui(['log', 'verify', ...empty.cliArgs]);
    assert.equal(notLog.code, 2);
    assert.match(notLog.stderr, /holds no Hegui audit log/);
  });
});

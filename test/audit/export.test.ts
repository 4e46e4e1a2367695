/** The regulator export (Provisions Art. 21) through the real CLI, verified offline, and tampered with. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import type { ExportedEntry, ExportManifest } from '../../src/platform/audit/export/manifest.ts';
import type { VerifyReport } from '../../src/platform/audit/verify/report.ts';
import { forEachDialect, type TestDatabase } from '../store/dialects.ts';
import { mth, refLeafHash, refVerifyConsistency, refVerifyInclusion } from './rfc9162-reference.ts';
import { auditOn, event, hegui, keyFile } from './support.ts';

const T0 = Date.parse('2025-03-01T00:00:00Z');
const minute = (i: number) => new Date(T0 + i * 60_000).toISOString();

/** 60 entries one minute apart from 2025-03-01T00:00Z (after the key's event), checkpoints every 10. */
async function minuteLog(ctxFresh: () => Promise<TestDatabase>) {
  const db = await ctxFresh();
  const key = keyFile();
  let i = -1;
  const { log } = await auditOn(db.store, {
    signingKeyFile: key,
    checkpoint: { everyEntries: 10 },
    now: () => new Date(T0 + Math.max(i, 0) * 60_000),
  });
  for (i = 0; i < 60; i++) {
    await db.store.transaction((trx) => log.append(trx, event(i, i === 15 ? { actor: '=HYPERLINK("x")' } : {})));
  }
  return { db, key, log };
}

async function exportTo(db: TestDatabase, key: string, from: string, to: string) {
  const out = join(await mkdtemp(join(tmpdir(), 'hegui-export-')), 'bundle');
  const r = await hegui(['export', '--from', from, '--to', to, '--out', out, '--key', key, ...db.cliArgs, '--json']);
  assert.equal(r.code, 0, r.stderr);
  return { out, manifest: JSON.parse(r.stdout) as ExportManifest };
}

const verifyDir = async (dir: string) => {
  const r = await hegui(['log', 'verify', dir, '--json']);
  return { code: r.code, r: JSON.parse(r.stdout) as VerifyReport };
};
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

async function rewrite(dir: string, name: string, edit: (text: string) => string, fixManifest = true) {
  const text = edit(await readFile(join(dir, name), 'utf8'));
  await writeFile(join(dir, name), text);
  if (!fixManifest) return;
  const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as ExportManifest;
  m.files = m.files.map((f) => (f.name === name ? { ...f, sha256: sha(text), bytes: Buffer.byteLength(text) } : f));
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(m));
}

forEachDialect('regulator export', (ctx) => {
  it('exports a period as JSON lines, CSV and a manifest whose proofs check out independently', async () => {
    const { db, key } = await minuteLog(() => ctx.fresh());
    const { out, manifest: m } = await exportTo(db, key, minute(10), '2025-03-01T08:30:00+08:00');
    const lines = (await readFile(join(out, 'events.jsonl'), 'utf8')).trimEnd().split('\n');
    const entries = lines.map((l) => JSON.parse(l) as ExportedEntry);
    assert.equal(entries.length, 20);
    assert.equal(m.entries.count, 20);
    assert.deepEqual(m.period, { from: minute(10), to: minute(30) });
    assert.ok(entries.every((e) => e.loggedAt >= minute(10) && e.loggedAt < minute(30)));
    assert.deepEqual(
      entries.map((e) => e.index),
      Array.from({ length: 20 }, (_, k) => m.entries.first! + k),
    );
    for (const f of m.files) assert.equal(sha(await readFile(join(out, f.name))), f.sha256);
    const csv = await readFile(join(out, 'events.csv'), 'utf8');
    assert.ok(csv.startsWith('\uFEFFindex,logged_at,type,actor,subject,payload,status,payload_sha256,leaf_hash\r\n'));
    assert.match(csv, /,"'=HYPERLINK\(""x""\)",/, 'a formula-like cell is defused');

    // The proofs, checked with the independent reference against the database's own leaves.
    const all = await db.store.db.selectFrom('audit_entry').select('leaf_hash').orderBy('idx').execute();
    const leaves = all.map((r) => r.leaf_hash);
    const cp = m.checkpoint;
    assert.ok(cp.treeSize > m.entries.last!);
    const root = mth(leaves.slice(0, cp.treeSize));
    assert.equal(cp.rootHash, root.toString('hex'));
    const hex = (h: string) => Buffer.from(h, 'hex');
    assert.ok(
      refVerifyInclusion(leaves[m.entries.first!]!, m.entries.first!, cp.treeSize, m.proofs.first!.map(hex), root),
    );
    assert.ok(
      refVerifyInclusion(leaves[m.entries.last!]!, m.entries.last!, cp.treeSize, m.proofs.last!.map(hex), root),
    );
    const latestRoot = hex(m.latestCheckpoint.rootHash);
    assert.ok(
      refVerifyConsistency(cp.treeSize, m.latestCheckpoint.treeSize, m.proofs.consistency.map(hex), root, latestRoot),
    );
    // The export itself is a logged event.
    const exported = await db.store.db
      .selectFrom('audit_entry')
      .select('type')
      .where('type', '=', 'audit.export.created')
      .execute();
    assert.equal(exported.length, 1);

    const text = await hegui(['log', 'verify', out]);
    assert.equal(text.code, 0, text.stdout);
    assert.match(text.stdout, /^Export verified: 20 entries/);
  });

  it('an edited, removed or re-hashed exported entry fails verification and is named', async () => {
    const { db, key } = await minuteLog(() => ctx.fresh());
    const fresh = async () => (await exportTo(db, key, minute(20), minute(40))).out;

    const edited = await fresh();
    await rewrite(edited, 'events.jsonl', (t) => t.replace('"i\\":25', '"i\\":2500'));
    const a = await verifyDir(edited);
    assert.equal(a.code, 1);
    assert.ok(a.r.problems.some((p) => p.code === 'payload_mismatch'));
    const first = JSON.parse((await readFile(join(edited, 'events.jsonl'), 'utf8')).split('\n')[0]!) as ExportedEntry;
    assert.equal(a.r.firstBadEntry, first.index + 5);

    const removed = await fresh();
    await rewrite(removed, 'events.jsonl', (t) =>
      t
        .split('\n')
        .filter((_, k) => k !== 3)
        .join('\n'),
    );
    const b = await verifyDir(removed);
    assert.equal(b.code, 1);
    assert.equal(b.r.firstBadEntry, first.index + 3);

    const rehashed = await fresh();
    await rewrite(rehashed, 'events.jsonl', (t) =>
      t
        .split('\n')
        .map((l, k) => {
          if (k !== 6) return l;
          const e = JSON.parse(l) as ExportedEntry;
          const payload = '{"forged":true}';
          const payloadSha256 = sha(payload);
          const leaf = JSON.stringify([
            'hegui.audit/v1',
            e.index,
            e.loggedAt,
            e.type,
            e.actor,
            e.subject,
            payloadSha256,
          ]);
          return JSON.stringify({
            ...e,
            payload,
            payloadSha256,
            leafHash: refLeafHash(Buffer.from(leaf)).toString('hex'),
          });
        })
        .join('\n'),
    );
    const c = await verifyDir(rehashed);
    assert.equal(c.code, 1);
    assert.ok(
      c.r.problems.some((p) => p.code === 'proof_invalid'),
      JSON.stringify(c.r.problems),
    );

    const csvEdited = await fresh();
    await rewrite(csvEdited, 'events.csv', (t) => t.replace('account:3', 'account:9'), false);
    const d = await verifyDir(csvEdited);
    assert.equal(d.code, 1);
    assert.deepEqual(
      d.r.problems.map((p) => p.code),
      ['file_hash_mismatch', 'export_malformed'],
    );
  });

  it('an empty period exports and verifies; no key and no covering checkpoint is refused', async () => {
    const { db, key } = await minuteLog(() => ctx.fresh());
    const { out, manifest } = await exportTo(db, key, '2020-01-01', '2020-02-01');
    assert.equal(manifest.entries.count, 0);
    assert.equal((await verifyDir(out)).code, 0);
    await db.store.transaction(async (trx) => {
      const { log } = await auditOn(db.store, { signingKeyFile: null });
      await log.append(trx, event(1000));
    });
    const broken = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    delete broken.checkpoint;
    await writeFile(join(out, 'manifest.json'), JSON.stringify(broken));
    const b = await verifyDir(out);
    assert.equal(b.code, 1);
    assert.equal(b.r.problems[0]?.code, 'export_malformed');
    const noKey = await hegui([
      'export',
      '--from',
      '2025-01-01',
      '--to',
      '2099-01-01',
      '--out',
      join(out, '..', 'b2'),
      ...db.cliArgs,
    ]);
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /no signed checkpoint covers the period/);
  });
});

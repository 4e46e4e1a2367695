/**
 * Labelling Measures Art. 9 records (content handed out without its explicit label) copied into the tamper-evident
 * log: records written by a real labelling run, `hegui log ingest-deliveries` (the built CLI) and the library function,
 * on both databases. Each record becomes one entry found by its id, once however often and however concurrently its
 * file is read; the log verifies afterwards; the retention job keeps the record six months.
 */
import assert from 'node:assert/strict';
import { appendFile, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { sql } from 'kysely';
import {
  applyPolicy,
  DELIVERY_EVENT_TYPE,
  deliverySubject,
  findUnlabelledDelivery,
  type IngestReport,
  ingestDeliveryRecords,
  parsePolicy,
  verifyDatabase,
} from '../../src/index.ts';
import type { Store } from '../../src/store/index.ts';
import { forEachDialect, type TestDatabase } from '../store/dialects.ts';
import { auditOn, hegui, keyFile } from './support.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-art9-log-'));
  await mkdir(join(dir, 'in'));
  for (let i = 0; i < 6; i++) await writeFile(join(dir, 'in', `answer-${i}.txt`), `Generated answer ${i}.\n`);
});
after(() => rm(dir, { recursive: true, force: true }));

let files = 0;
/** A records file written by applyPolicy for `n` deliveries (the first with a keyed recipient, the rest plain). */
async function deliver(n: number, file = join(dir, `records-${files++}.jsonl`)): Promise<string> {
  const policy = parsePolicy(
    {
      version: 1,
      services: { 'face-generation': { withoutExplicitOnRequest: { allowed: true, agreement: 'UA §7' } } },
    },
    dir,
  );
  for (let i = 0; i < n; i++) {
    await applyPolicy(join(dir, 'in', `answer-${i % 6}.txt`), policy, 'face-generation', {
      producer: '001191440300708461136T1XGW3',
      produceId: `p-${files}-${i}`,
      out: join(dir, 'out', `${files}-${i}.txt`),
      withoutExplicit: {
        recipient: `user-${i}`,
        recordLog: file,
        ...(i === 0 ? { recipientKey: { id: 'k1', key: new Uint8Array(32).fill(3) } } : {}),
      },
    });
  }
  return file;
}

const lines = async (file: string) => (await readFile(file, 'utf8')).trimEnd().split('\n');

async function ingestCli(db: TestDatabase, args: string[]): Promise<{ code: number | null; r: IngestReport }> {
  const res = await hegui(['log', 'ingest-deliveries', ...args, ...db.cliArgs, '--json']);
  assert.ok(res.stdout.startsWith('{'), res.stderr);
  return { code: res.code, r: JSON.parse(res.stdout) as IngestReport };
}

const entries = (store: Store) =>
  store.db.selectFrom('audit_entry').selectAll().where('type', '=', DELIVERY_EVENT_TYPE).orderBy('idx').execute();

forEachDialect('Art. 9 records into the log', (ctx) => {
  it('hegui log ingest-deliveries: one entry per record, found by its id; a rerun adds nothing; the log verifies', async () => {
    const db = await ctx.fresh();
    const key = keyFile();
    await auditOn(db.store, { signingKeyFile: key });
    const file = await deliver(3);
    const first = await ingestCli(db, [file, '--key', key, '--actor', 'cli:ops']);
    assert.equal(first.code, 0);
    assert.deepEqual([first.r.added, first.r.already, first.r.invalid], [3, 0, 0]);
    for (const line of await lines(file)) {
      const record = JSON.parse(line);
      const found = await findUnlabelledDelivery(db.store, record.id);
      assert.ok(found, `record ${record.id} is in the log`);
      assert.deepEqual(found.record, record, 'the payload is the record as written');
      const entry = await db.store.db
        .selectFrom('audit_entry')
        .selectAll()
        .where('idx', '=', found.index)
        .executeTakeFirstOrThrow();
      assert.equal(entry.type, DELIVERY_EVENT_TYPE);
      assert.equal(entry.subject, deliverySubject(record.id));
      assert.equal(entry.actor, 'cli:ops');
      assert.equal(entry.payload, line, 'the payload text is the line itself');
    }
    assert.equal(await findUnlabelledDelivery(db.store, '00000000-0000-4000-8000-000000000000'), null);

    const again = await ingestCli(db, [file]);
    assert.equal(again.code, 0);
    assert.deepEqual([again.r.added, again.r.already], [0, 3]);
    assert.equal((await entries(db.store)).length, 3, 'nothing added twice');

    const verified = await hegui(['log', 'verify', ...db.cliArgs]);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    const checkpoint = await db.store.db
      .selectFrom('audit_checkpoint')
      .select('tree_size')
      .orderBy('tree_size', 'desc')
      .executeTakeFirstOrThrow();
    const size = (await db.store.db.selectFrom('audit_head').select('tree_size').executeTakeFirstOrThrow()).tree_size;
    assert.equal(checkpoint.tree_size, size, 'with --key a checkpoint covers the new entries');
  });

  it('new lines, a copy of the file, a bad line and an unfinished last line: each record once, the rest reported', async () => {
    const db = await ctx.fresh();
    await auditOn(db.store);
    const file = await deliver(2);
    assert.equal((await ingestCli(db, [file])).r.added, 2);
    await deliver(2, file);
    const copy = join(dir, 'copy.jsonl');
    await copyFile(file, copy);
    const [firstLine] = await lines(file);
    // An old record written before records had an id, a bad line, and a record still being written.
    const legacy = { ...JSON.parse(firstLine!), produceId: 'legacy' };
    delete legacy.id;
    await appendFile(copy, `${JSON.stringify(legacy)}\n{"type":"hegui.unlabelled-delivery","version":1}\nnot json\n`);
    const unfinished = JSON.stringify({ ...JSON.parse(firstLine!), id: 'c0ffee00-0000-4000-8000-000000000001' });
    await appendFile(copy, unfinished.slice(0, 40));

    const r = await ingestCli(db, [file, copy]);
    assert.equal(r.code, 1, 'bad lines: exit 1, every good line ingested');
    const [a, b] = r.r.files;
    assert.deepEqual([a!.records, a!.added, a!.already, a!.invalid], [4, 2, 2, 0]);
    assert.deepEqual([b!.records, b!.added, b!.already, b!.invalid], [5, 1, 4, 2]);
    assert.deepEqual(
      b!.problems.map((p) => [p.line, p.code]),
      [
        [6, 'malformed'],
        [7, 'malformed'],
      ],
    );
    assert.match(b!.problems[0]!.message, /id|time|recipient/);
    assert.equal(b!.incompleteLastLine, true);
    assert.equal((await entries(db.store)).length, 5);

    // The writer finishes its line: the next run takes it.
    await appendFile(copy, `${unfinished.slice(40)}\n`);
    const done = await ingestCli(db, [copy]);
    assert.deepEqual([done.r.added, done.r.files[0]!.incompleteLastLine], [1, false]);
    const found = await findUnlabelledDelivery(db.store, 'c0ffee00-0000-4000-8000-000000000001');
    assert.equal(found?.record?.id, 'c0ffee00-0000-4000-8000-000000000001');
    const legacyEntry = (await entries(db.store)).find((e) => e.payload?.includes('"legacy"'));
    assert.match(legacyEntry!.subject!, /^unlabelled_delivery:sha256-[0-9a-f]{64}$/);
    assert.equal((await verifyDatabase(db.store.db, db.store.location)).ok, true);
  });

  it('two runs at once over the same files add each record exactly once', async () => {
    const db = await ctx.fresh();
    await auditOn(db.store);
    const file = await deliver(6);
    const copy = join(dir, 'concurrent-copy.jsonl');
    await copyFile(file, copy);
    const [x, y] = await Promise.all([ingestCli(db, [file, copy]), ingestCli(db, [copy, file])]);
    assert.equal(x.code, 0);
    assert.equal(y.code, 0);
    assert.equal(x.r.added + y.r.added, 6);
    assert.equal(x.r.already + y.r.already, 18);
    const logged = await entries(db.store);
    assert.equal(logged.length, 6);
    assert.equal(new Set(logged.map((e) => e.subject)).size, 6);
    assert.equal((await verifyDatabase(db.store.db, db.store.location)).ok, true);
  });

  it('retention keeps a record at least six months, then only its hashes; a missing file is exit 2', async () => {
    const db = await ctx.fresh();
    let now = new Date('2025-09-01T08:00:00Z');
    // The shortest retention the log accepts.
    const { log, retention } = await auditOn(db.store, { now: () => now, retention: { default: '184d' } });
    const file = await deliver(1);
    const { id } = JSON.parse((await lines(file))[0]!);
    assert.equal((await ingestDeliveryRecords(db.store, log, [file], { actor: 'system:test' })).added, 1);

    now = new Date('2026-02-28T08:00:00Z');
    assert.equal((await retention.run('system:retention', now)).purged, 0, 'under six months: kept');
    assert.ok((await findUnlabelledDelivery(db.store, id))?.record);

    now = new Date('2026-03-05T08:00:00Z');
    const purge = await retention.run('system:retention', now);
    assert.equal(purge.byType[DELIVERY_EVENT_TYPE], 1);
    const found = await findUnlabelledDelivery(db.store, id);
    assert.equal(found?.record, null, 'the payload is purged past retention; the entry stays');
    const report = await verifyDatabase(db.store.db, db.store.location);
    assert.equal(report.ok, true);
    assert.equal(report.purged, purge.purged, 'the purged entries verify from their kept hashes');

    const missing = await hegui(['log', 'ingest-deliveries', join(dir, 'no-such.jsonl'), ...db.cliArgs]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no-such\.jsonl: no such file/);

    // A database from before this table existed: exit 2, nothing appended.
    await sql`drop table unlabelled_delivery`.execute(db.store.db);
    const size = async () =>
      (await db.store.db.selectFrom('audit_head').select('tree_size').executeTakeFirstOrThrow()).tree_size;
    const sizeBefore = await size();
    const old = await hegui(['log', 'ingest-deliveries', file, ...db.cliArgs]);
    assert.equal(old.code, 2);
    assert.match(old.stderr, /not migrated for these records/);
    assert.equal(await size(), sizeBefore);
  });
});

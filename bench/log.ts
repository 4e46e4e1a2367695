/**
 * The tamper-evident log: appends per second into the Merkle log against plain INSERTs of the same rows into a table
 * of the same shape on the same database (one event per transaction, 100 per transaction as a slice writes, and 100
 * concurrent writers of one event each grouped into shared transactions as the server writes), on SQLite and PostgreSQL; then inclusion and consistency proof latency (median, p99) at 1 M entries, built once with a
 * bulk load that computes the same hashes. `npm run bench -- log`. PostgreSQL comes from HEGUI_BENCH_DATABASE_URL or
 * HEGUI_TEST_DATABASE_URL (a role allowed to create databases); without it that half is skipped.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { type AuditSlice, createAuditLog } from '../src/platform/audit/create-audit-log.ts';
import { GroupCommit } from '../src/platform/audit/group-commit.ts';
import { openStore, type Store, type StoreOptions } from '../src/store/index.ts';
import { bulkLoad } from './log-bulk.ts';
import { benchDir, median } from './util.ts';

const PG_URL = (process.env['HEGUI_BENCH_DATABASE_URL'] ?? process.env['HEGUI_TEST_DATABASE_URL'])?.trim() || undefined;
const MILLION = Number(process.env['HEGUI_BENCH_LOG_SIZE'] ?? 1_000_000);

const event = (i: number) => ({
  type: 'gateway.request',
  actor: `api_key:${i % 97}`,
  subject: `request:${i}`,
  payload: { request: `req-${i}`, model: 'm1', decision: i % 17 === 0 ? 'block' : 'pass', tokens: 812 },
});

async function plainTable(store: Store): Promise<void> {
  const { bigint, binary } = store.dialect.columnTypes;
  await store.db.schema.dropTable('bench_plain').ifExists().execute();
  await store.db.schema
    .createTable('bench_plain')
    .addColumn('idx', bigint, (c) => c.primaryKey())
    .addColumn('logged_at', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('payload', 'text')
    .addColumn('payload_sha256', binary, (c) => c.notNull())
    .addColumn('leaf_hash', binary, (c) => c.notNull())
    .addColumn('purged_at', 'text')
    .execute();
  await store.db.schema.createIndex('bench_plain_logged_at').on('bench_plain').column('logged_at').execute();
}

/** Rows per second over `total` rows written `perTx` per transaction. */
async function rate(
  total: number,
  perTx: number,
  write: (i: number, trx: Parameters<Parameters<Store['transaction']>[0]>[0]) => Promise<unknown>,
  store: Store,
) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < total; i += perTx) {
    await store.transaction(async (trx) => {
      for (let k = i; k < i + perTx; k++) await write(k, trx);
    });
  }
  return total / (Number(process.hrtime.bigint() - t0) / 1e9);
}

/**
 * Rows per second over `total` rows from `writers` concurrent callers, one row per call, each call awaiting its commit
 * through a group commit (src/platform/audit/group-commit.ts): how a server's concurrent requests write.
 */
async function concurrentRate(
  total: number,
  writers: number,
  write: (i: number, trx: Parameters<Parameters<Store['transaction']>[0]>[0]) => Promise<unknown>,
  group: GroupCommit,
) {
  let next = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: writers }, async () => {
      for (let i = next++; i < total; i = next++) await group.transaction((trx) => write(i, trx));
    }),
  );
  return total / (Number(process.hrtime.bigint() - t0) / 1e9);
}

async function appendRates(label: string, store: Store, audit: AuditSlice): Promise<void> {
  await plainTable(store);
  const hash = Buffer.alloc(32, 7);
  let plainIdx = 0;
  const plain = (i: number, trx: Parameters<Parameters<Store['transaction']>[0]>[0]) => {
    const e = event(i);
    return trx
      .insertInto('bench_plain' as never)
      .values({
        idx: plainIdx++,
        logged_at: new Date().toISOString(),
        type: e.type,
        actor: e.actor,
        subject: e.subject,
        payload: JSON.stringify(e.payload),
        payload_sha256: hash,
        leaf_hash: hash,
        purged_at: null,
      } as never)
      .execute();
  };
  const merkle = (i: number, trx: Parameters<Parameters<Store['transaction']>[0]>[0]) =>
    audit.log.append(trx, event(i));
  // Warm-up, then 3 rounds alternating the two writers so drift on a shared machine hits both alike.
  type Writer = (i: number, trx: Parameters<Parameters<Store['transaction']>[0]>[0]) => Promise<unknown>;
  const compare = async (mode: string, measure: (w: Writer, warmUp: boolean) => Promise<number>) => {
    await measure(plain, true);
    await measure(merkle, true);
    const plains: number[] = [];
    const merkles: number[] = [];
    for (let round = 0; round < 3; round++) {
      plains.push(await measure(plain, false));
      merkles.push(await measure(merkle, false));
    }
    const p = median(plains);
    const m = median(merkles);
    console.log(
      `${label.padEnd(10)} ${mode}  merkle log ${fmt(m)}/s  plain INSERT ${fmt(p)}/s  ratio ${((100 * m) / p).toFixed(0)}%`,
    );
  };
  for (const perTx of [1, 100]) {
    const n = perTx === 1 ? 5_000 : 50_000;
    await compare(`${String(perTx).padStart(3)}/tx`, (w, warm) => rate(warm ? Math.min(n, 500) : n, perTx, w, store));
  }
  // The same rows from 100 concurrent writers, one per call, grouped into shared transactions as the server does.
  const group = new GroupCommit(store, audit.log);
  await compare('100 writers, group commit', (w, warm) => concurrentRate(warm ? 1_000 : 20_000, 100, w, group));
}

const fmt = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(1)}k` : n.toFixed(0)).padStart(7);

async function proofLatency(label: string, audit: AuditSlice): Promise<void> {
  const size = (await audit.log.head()).treeSize;
  const rnd = (n: number) => Math.floor(Math.random() * n);
  for (const [kind, fn] of [
    ['inclusion', () => audit.log.inclusionProof(rnd(size), size)],
    ['consistency', () => audit.log.consistencyProof(1 + rnd(size - 1), size)],
  ] as const) {
    for (let i = 0; i < 50; i++) await fn();
    const times: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const t = process.hrtime.bigint();
      await fn();
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    times.sort((a, b) => a - b);
    const p99 = times[Math.floor(times.length * 0.99)]!;
    console.log(
      `${label.padEnd(10)} ${kind.padEnd(11)} proof at ${size} entries: median ${median(times).toFixed(3)} ms, p99 ${p99.toFixed(3)} ms`,
    );
  }
}

async function withDatabase(opts: StoreOptions, fn: (store: Store) => Promise<void>): Promise<void> {
  const store = openStore(opts);
  try {
    const r = await store.migrate();
    if (r.error) throw new Error(r.error);
    await fn(store);
  } finally {
    await store.close();
  }
}

async function pgDatabase(name: string, fresh: boolean): Promise<string> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    const exists = (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount;
    if (exists && fresh) await c.query(`DROP DATABASE ${name} WITH (FORCE)`);
    if (!exists || fresh) await c.query(`CREATE DATABASE ${name}`);
  } finally {
    await c.end();
  }
  const u = new URL(PG_URL!);
  u.pathname = `/${name}`;
  return u.toString();
}

/** The 1 M-entry log, bulk-loaded once and kept in .bench/ (SQLite) or a database of its own (PostgreSQL). */
async function bigLog(label: string, opts: StoreOptions, keyFile: string): Promise<void> {
  await withDatabase(opts, async (store) => {
    const have = (await store.db.selectFrom('audit_head').select('tree_size').executeTakeFirstOrThrow()).tree_size;
    if (have < MILLION) {
      if (have !== 0) throw new Error(`${store.location} holds a partial bench log: remove it`);
      const t0 = Date.now();
      await bulkLoad(store, MILLION, (n) => process.stdout.write(`\r${label}: bulk-loading ${n}/${MILLION}`));
      console.log(` in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    }
    const audit = await createAuditLog(store, { signingKeyFile: keyFile });
    await proofLatency(label, audit);
  });
}

/** A short hash of the migrations' source: a cached bench log is rebuilt when the schema changes. */
function schemaTag(): string {
  const dir = fileURLToPath(new URL('../src/store/migrations/', import.meta.url));
  const h = createHash('sha256');
  for (const f of readdirSync(dir).sort()) h.update(f).update(readFileSync(join(dir, f)));
  return h.digest('hex').slice(0, 8);
}

export async function run(): Promise<void> {
  const dir = await benchDir('log');
  const tag = schemaTag();
  const keyFile = join(dir, 'audit-signing-key.pem');
  console.log(
    'Appends per second (median of 3 rounds): one event per transaction, 100 per transaction, 100 concurrent writers:',
  );
  const sqliteAppends = join(dir, 'appends');
  rmSync(sqliteAppends, { recursive: true, force: true });
  await withDatabase({ dataDir: sqliteAppends }, async (store) =>
    appendRates('SQLite', store, await createAuditLog(store, { signingKeyFile: keyFile })),
  );
  if (PG_URL) {
    const url = await pgDatabase('hegui_bench_appends', true);
    await withDatabase({ databaseUrl: url }, async (store) =>
      appendRates('PostgreSQL', store, await createAuditLog(store, { signingKeyFile: keyFile })),
    );
  } else console.log('PostgreSQL skipped: set HEGUI_BENCH_DATABASE_URL or HEGUI_TEST_DATABASE_URL');

  console.log(`\nProof latency at ${MILLION} entries (2000 random proofs each, to the full tree):`);
  await bigLog('SQLite', { dataDir: join(dir, `log-${MILLION}-${tag}`) }, keyFile);
  if (PG_URL)
    await bigLog('PostgreSQL', { databaseUrl: await pgDatabase(`hegui_bench_log_${MILLION}_${tag}`, false) }, keyFile);
}

/**
 * One test suite on both databases (after Kysely's test/node/src/test-setup.ts): `forEachDialect` runs the same tests
 * once on SQLite (a file in a temp folder) and once on PostgreSQL (a database of its own per test file, cloned from a
 * migrated template, as Unleash does). PostgreSQL comes from HEGUI_TEST_DATABASE_URL (`.ci/run` always sets it); when
 * it is absent the PostgreSQL half is skipped with that reason printed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { DialectName } from '../../src/store/dialect/capabilities.ts';
import { openStore, type Store } from '../../src/store/store.ts';

export const PG_URL = process.env['HEGUI_TEST_DATABASE_URL']?.trim() || undefined;
const PG_SKIP = 'HEGUI_TEST_DATABASE_URL is not set: PostgreSQL half skipped (.ci/run starts one)';

/** A database for tests: its store (migrated), and how to reach it from another store, process or the CLI. */
export interface TestDatabase {
  readonly dialect: DialectName;
  readonly store: Store;
  /** `{ dataDir }` or `{ databaseUrl }`, for openStore in this or a child process. */
  readonly options: { dataDir?: string; databaseUrl?: string };
  /** CLI arguments naming it: --data DIR or --database URL. */
  readonly cliArgs: string[];
  /** Another store (own connection or pool) on the same database; closed with the database. */
  open(): Store;
}

export interface DialectContext {
  readonly dialect: DialectName;
  /** This file's database, migrated (available inside tests). */
  readonly db: TestDatabase;
  /** A new, migrated, empty database of the same dialect, dropped at the end of the file. */
  fresh(opts?: { migrate?: boolean }): Promise<TestDatabase>;
}

export function forEachDialect(title: string, fn: (ctx: DialectContext) => void): void {
  for (const dialect of ['sqlite', 'postgres'] as const) {
    const skip = dialect === 'postgres' && !PG_URL ? PG_SKIP : undefined;
    describe(`${title} [${dialect}]`, skip ? { skip } : {}, () => {
      const owned: (() => Promise<void>)[] = [];
      let main: TestDatabase | undefined;
      const fresh = async (opts: { migrate?: boolean } = {}) => {
        const made = dialect === 'sqlite' ? await sqliteDatabase(opts.migrate !== false) : await postgresDatabase(opts);
        owned.push(made.dispose);
        return made.db;
      };
      const ctx: DialectContext = {
        dialect,
        get db() {
          if (!main) throw new Error('the test database is not ready (used outside a test?)');
          return main;
        },
        fresh,
      };
      before(async () => {
        main = await fresh();
      });
      fn(ctx);
      // Registered after the suite's own hooks so they run first (a server on the database stops before it is dropped).
      after(async () => {
        for (const dispose of owned.reverse()) await dispose();
      });
    });
  }
}

function testDatabase(dialect: DialectName, options: TestDatabase['options'], store: Store, stores: Store[]) {
  const cliArgs = options.databaseUrl ? ['--database', options.databaseUrl] : ['--data', options.dataDir!];
  const db: TestDatabase = {
    dialect,
    store,
    options,
    cliArgs,
    open() {
      const s = openStore(options);
      stores.push(s);
      return s;
    },
  };
  return db;
}

/** A migrated (or empty) SQLite test database outside forEachDialect; `dispose` closes and deletes it. */
export async function sqliteDatabase(migrate: boolean): Promise<{ db: TestDatabase; dispose: () => Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'hegui-store-'));
  const store = openStore({ dataDir });
  if (migrate) await mustMigrate(store);
  const stores: Store[] = [store];
  return {
    db: testDatabase('sqlite', { dataDir }, store, stores),
    dispose: async () => {
      for (const s of stores) await s.close().catch(() => {});
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function postgresDatabase(opts: {
  migrate?: boolean;
}): Promise<{ db: TestDatabase; dispose: () => Promise<void> }> {
  const name = `hegui_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const template = opts.migrate === false ? 'template0' : await migratedTemplate();
  await admin(async (c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  const databaseUrl = urlFor(name);
  const store = openStore({ databaseUrl, poolSize: 25 });
  const stores: Store[] = [store];
  return {
    db: testDatabase('postgres', { databaseUrl }, store, stores),
    dispose: async () => {
      for (const s of stores) await s.close().catch(() => {});
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

function urlFor(database: string): string {
  const u = new URL(PG_URL!);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function mustMigrate(store: Store): Promise<void> {
  const r = await store.migrate();
  if (r.error) throw new Error(`migration failed: ${r.error}`);
}

let templateName: Promise<string> | undefined;

/**
 * The template database, migrated once per version of the migrations (its name carries a hash of their source) and
 * shared by every test file; creating it is serialised across the test processes by an advisory lock.
 */
function migratedTemplate(): Promise<string> {
  templateName ??= (async () => {
    const dir = fileURLToPath(new URL('../../src/store/migrations/', import.meta.url));
    const h = createHash('sha256');
    for (const f of (await readdir(dir)).sort()) h.update(f).update(await readFile(join(dir, f)));
    const name = `hegui_tpl_${h.digest('hex').slice(0, 12)}`;
    await admin(async (c) => {
      await c.query(`SELECT pg_advisory_lock(hashtext('hegui-test-template'))`);
      try {
        const have = await c.query('SELECT datname FROM pg_database WHERE datname LIKE $1', ['hegui_%']);
        const names: string[] = have.rows.map((r) => r.datname);
        for (const n of names) {
          // Leftovers of a run that was killed: per-file databases of processes gone, templates of old migrations.
          const pid = /^hegui_t_(\d+)_/.exec(n)?.[1];
          const stale = pid ? !alive(Number(pid)) : n.startsWith('hegui_tpl_') && n !== name;
          if (stale) await c.query(`DROP DATABASE IF EXISTS ${n} WITH (FORCE)`);
        }
        if (!names.includes(name)) {
          const building = `${name}_building`;
          await c.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
          await c.query(`CREATE DATABASE ${building} TEMPLATE template0`);
          const store = openStore({ databaseUrl: urlFor(building) });
          try {
            await mustMigrate(store);
          } finally {
            await store.close();
          }
          await c.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
        }
      } finally {
        await c.query(`SELECT pg_advisory_unlock(hashtext('hegui-test-template'))`);
      }
    });
    return name;
  })();
  return templateName;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

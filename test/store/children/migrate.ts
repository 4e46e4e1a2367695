/**
 * Child process of migrate.test.ts: open the store named by argv[2] (JSON options), print "ready", wait for "go" on
 * stdin, run the slow test migrations, print the report as JSON.
 */
import { createInterface } from 'node:readline';
import { sql } from 'kysely';
import { migrateToLatest } from '../../../src/store/migrate.ts';
import type { StoreMigration } from '../../../src/store/migrations/migration.ts';
import { openStore } from '../../../src/store/store.ts';

const store = openStore(JSON.parse(process.argv[2]!));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Each migration records that it ran and keeps its lock a while, so a second process would overlap it. */
const step = (n: number): StoreMigration => ({
  async up(db) {
    if (n === 1)
      await db.schema.createTable('migration_run').addColumn('name', 'text').addColumn('pid', 'integer').execute();
    await db
      .insertInto('migration_run')
      .values({ name: `m${n}`, pid: process.pid })
      .execute();
    await sleep(300);
    await db.schema.createTable(`made_by_m${n}`).addColumn('x', 'integer').execute();
  },
});

await sql`select 1`.execute(store.db);
console.log('ready');
const rl = createInterface({ input: process.stdin });
for await (const line of rl) if (line === 'go') break;
rl.close();
const report = await migrateToLatest(store.db, store.dialect, { t0001_first: step(1), t0002_second: step(2) });
console.log(JSON.stringify(report));
await store.close();

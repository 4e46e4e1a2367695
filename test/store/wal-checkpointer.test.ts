/**
 * Background checkpoints of the SQLite write-ahead log (what `hegui serve` uses): the main connection leaves them to a
 * worker thread, which copies the log into the database file; closing stops the thread and leaves no log behind.
 */
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openSqliteFile } from '../../src/store/dialect/sqlite/sqlite-database.ts';
import {
  BACKSTOP_PAGES,
  type CheckpointResult,
  WalCheckpointer,
} from '../../src/store/dialect/sqlite/wal-checkpointer.ts';
import { openStore, sqliteFileOf } from '../../src/store/store.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-wal-'));
});
after(() => rm(dir, { recursive: true, force: true }));

const autocheckpoint = (raw: Database.Database): number => raw.pragma('wal_autocheckpoint', { simple: true }) as number;

describe('background WAL checkpoints', () => {
  it('by default SQLite checkpoints inside commits, with no thread', () => {
    const { raw, checkpointer } = openSqliteFile(join(dir, 'auto.sqlite'));
    assert.equal(checkpointer, null);
    assert.equal(autocheckpoint(raw), 1000);
    raw.close();
  });

  it('the worker copies the log into the database file; the commits keep only a far backstop', async () => {
    const file = join(dir, 'bg.sqlite');
    const { raw, checkpointer } = openSqliteFile(file, { checkpoint: 'background' });
    assert.ok(checkpointer);
    assert.equal(autocheckpoint(raw), BACKSTOP_PAGES);
    raw.exec('create table t (id integer primary key, body blob)');
    const insert = raw.prepare('insert into t (body) values (?)');
    // About 2,500 pages: past SQLite's own threshold (1,000), which would have checkpointed inside a commit.
    for (let i = 0; i < 2_500; i++) insert.run(Buffer.alloc(3_000, i & 255));
    const sizeBefore = statSync(file).size;
    let done: CheckpointResult = await checkpointer.checkpointNow();
    // A tick may have run first and copied part of the log: ask until all of it is in the file.
    for (let i = 0; i < 20 && done.checkpointed < done.log; i++) done = await checkpointer.checkpointNow();
    assert.equal(done.checkpointed, done.log, 'the whole log reached the database file');
    assert.ok(done.log >= 2_500, `the log held the writes (${done.log} frames)`);
    assert.ok(statSync(file).size > sizeBefore + 5_000_000, 'the pages are now in the database file');
    assert.equal(checkpointer.lastError, null);
    await checkpointer.stop();
    raw.close();
    assert.equal(existsSync(`${file}-wal`), false, 'the last connection to close removed the log');
    const check = new Database(file, { readonly: true });
    assert.equal((check.prepare('select count(*) as n from t').get() as { n: number }).n, 2_500);
    check.close();
  });

  it('a store opened for a server migrates, writes and closes cleanly with it', async () => {
    const dataDir = join(dir, 'store');
    const store = openStore({ dataDir, checkpoint: 'background' });
    const report = await store.migrate();
    assert.ok(report.results.length > 0);
    await store.close();
    assert.equal(existsSync(`${sqliteFileOf(dataDir)}-wal`), false);
    // Opened again (by default, no thread) it reads what the first one wrote.
    const again = openStore({ dataDir });
    assert.equal(
      (await again.migrate()).results.every((r) => r.status !== 'Error'),
      true,
    );
    await again.close();
  });

  it('a thread that ends on its own is reported, so the connection checkpoints for itself again', async () => {
    // The thread never keeps a process alive: this test does, until the thread has ended.
    const alive = setTimeout(() => {}, 30_000);
    const lost = await new Promise<WalCheckpointer>((resolve) => {
      const c: WalCheckpointer = WalCheckpointer.start(join(dir, 'no-such.sqlite'), () => resolve(c));
    });
    clearTimeout(alive);
    assert.match(lost.lastError ?? '', /unable to open|no such file|SQLITE_CANTOPEN/i);
    await lost.stop();
  });

  it('a store that is closed without ever being used stops its thread too', async () => {
    const store = openStore({ dataDir: join(dir, 'unused'), checkpoint: 'background' });
    await store.close();
  });
});

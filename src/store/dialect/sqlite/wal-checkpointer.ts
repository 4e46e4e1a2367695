import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Checkpoints of an SQLite write-ahead log, moved off the event loop. With WAL, SQLite copies the log back into the
 * database file (a checkpoint, with an fsync) inside whichever commit pushes the log past 1,000 pages: better-sqlite3
 * runs that commit on the event loop, so one request in a few hundred would stall every other one for milliseconds
 * (measured here: commits of 0.01 ms at the median, 3.6 ms at the 99.9th percentile, none over 1 ms without them).
 * A server's connection therefore leaves checkpoints to this worker thread, which runs a PASSIVE checkpoint (it
 * never blocks readers or writers) once a second on a connection of its own. The server's connection keeps an
 * automatic checkpoint at BACKSTOP_PAGES, far above what a second of writes adds, so the log stays bounded even if
 * this thread stops.
 */

/** The automatic checkpoint threshold left on the main connection: 64 MiB of 4 KiB pages. */
export const BACKSTOP_PAGES = 16_384;
/** SQLite's own default threshold (SQLITE_DEFAULT_WAL_AUTOCHECKPOINT), restored if the thread is lost. */
export const SQLITE_AUTOCHECKPOINT_PAGES = 1_000;
export const DEFAULT_CHECKPOINT_INTERVAL_MS = 1_000;

export interface CheckpointResult {
  /** 1 when the checkpoint could not run to the end (a reader or writer in the way). */
  busy: number;
  /** Frames in the log, and how many of them are now in the database file. */
  log: number;
  checkpointed: number;
}

/**
 * The thread's code: its own connection, a PASSIVE checkpoint every `intervalMs` (it never waits for readers or
 * writers; one that cannot finish now finishes at a later tick), each result posted back; on `close`, a last
 * checkpoint and the connection closes. Plain JavaScript run with `eval`, so the same code runs from the TypeScript
 * sources and from the build (a worker file would need a loader for `.ts`); `better-sqlite3` is passed as a resolved
 * path.
 */
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
let db = null;
try {
  db = new Database(workerData.file, { fileMustExist: true });
  db.pragma('busy_timeout = 0');
} catch (e) {
  parentPort.postMessage({ error: 'cannot open the database: ' + ((e && e.message) || String(e)) });
  parentPort.close();
}
function checkpoint() {
  try {
    const [row] = db.pragma('wal_checkpoint(PASSIVE)');
    if (row) parentPort.postMessage({ result: row });
  } catch (e) {
    parentPort.postMessage({ error: e instanceof Error ? e.message : String(e) });
  }
}
const timer = db && setInterval(checkpoint, workerData.intervalMs);
if (db) parentPort.on('message', (m) => {
  if (m === 'checkpoint') checkpoint();
  if (m !== 'close') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

const driverPath = (): string => createRequire(import.meta.url).resolve('better-sqlite3');

export class WalCheckpointer {
  readonly #worker: Worker;
  readonly #listeners = new Set<(r: CheckpointResult) => void>();
  #stopped: Promise<void> | null = null;
  #exited = false;
  /** The last error the worker met (a checkpoint that failed); the next tick tries again. */
  lastError: string | null = null;

  private constructor(file: string, intervalMs: number, onLost: () => void) {
    this.#worker = new Worker(WORKER_CODE, { eval: true, workerData: { file, intervalMs, driver: driverPath() } });
    // Never the reason a process stays alive: a process that ends closes the connection, and SQLite recovers the log.
    this.#worker.unref();
    this.#worker.on('message', (m: { result?: CheckpointResult; error?: string }) => {
      if (m.error) this.lastError = m.error;
      if (m.result) for (const fn of this.#listeners) fn(m.result);
    });
    this.#worker.on('error', (e: unknown) => {
      this.lastError = (e instanceof Error && e.message) || String(e);
    });
    // A thread that ends without being asked to (it could not open the database, it crashed): the connection must
    // checkpoint for itself again, or the log would grow to the backstop.
    this.#worker.once('exit', () => {
      this.#exited = true;
      if (!this.#stopped) onLost();
    });
  }

  /** `onLost` is called if the thread ends without {@link stop}: the caller then turns SQLite's own checkpoints back on. */
  static start(file: string, onLost: () => void, intervalMs = DEFAULT_CHECKPOINT_INTERVAL_MS): WalCheckpointer {
    return new WalCheckpointer(file, intervalMs, onLost);
  }

  /** Called with every checkpoint's result (tests, metrics); returns a function that stops the calls. */
  onResult(fn: (r: CheckpointResult) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /** A checkpoint now rather than at the next tick; resolves with its result (or the next one's). */
  checkpointNow(): Promise<CheckpointResult> {
    // Referenced while it is awaited: the answer must arrive even if nothing else keeps the process running.
    this.#worker.ref();
    return new Promise<CheckpointResult>((resolve) => {
      const off = this.onResult((r) => {
        off();
        this.#worker.unref();
        resolve(r);
      });
      this.#worker.postMessage('checkpoint');
    });
  }

  /** A last checkpoint, then the worker's connection closes and the thread ends. */
  stop(): Promise<void> {
    this.#stopped ??= new Promise<void>((resolve) => {
      if (this.#exited) {
        resolve();
        return;
      }
      this.#worker.ref();
      this.#worker.once('exit', () => resolve());
      this.#worker.postMessage('close');
    });
    return this.#stopped;
  }
}

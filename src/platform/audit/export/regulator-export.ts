/** Writing the regulator export (see manifest.ts for its layout). */
import { createHash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HeguiError } from '../../../errors.ts';
import type { Store } from '../../../store/index.ts';
import type { AuditLog } from '../audit-log.ts';
import type { SignedCheckpoint } from '../checkpoint.ts';
import { SqlAuditStore } from '../sql-audit-store.ts';
import { CSV_BOM, csvCell, csvLine } from './csv.ts';
import {
  CSV_HEADER,
  EVENTS_CSV,
  EVENTS_JSONL,
  EXPORT_FORMAT,
  type ExportedEntry,
  type ExportManifest,
  MANIFEST,
} from './manifest.ts';

export interface ExportOptions {
  /** ISO 8601 times: entries logged at or after `from` and before `to`. */
  from: string;
  to: string;
  /** A folder that does not exist or is empty. */
  outDir: string;
  /** Who exports (logged as an event). */
  actor: string;
}

const BATCH = 10_000;

export async function exportForRegulator(store: Store, log: AuditLog, opts: ExportOptions): Promise<ExportManifest> {
  const from = isoTime(opts.from, 'from');
  const to = isoTime(opts.to, 'to');
  if (from >= to) throw new HeguiError('usage', 'the export period is empty: --from must be before --to');
  await prepareFolder(opts.outDir);
  const sql = new SqlAuditStore(store.db, store.dialect);

  await store.transaction((trx) =>
    log.append(trx, { type: 'audit.export.created', actor: opts.actor, subject: null, payload: { from, to } }),
  );
  const range = await sql.indexRangeOfPeriod(from, to);
  const covering = await coveringCheckpoint(sql, log, range ? range.last + 1 : 0);
  const latest = (await log.latestCheckpoint())!;
  const [first, last, consistency] = await Promise.all([
    range ? log.inclusionProof(range.first, covering.treeSize) : null,
    range ? log.inclusionProof(range.last, covering.treeSize) : null,
    covering.treeSize > 0 ? log.consistencyProof(covering.treeSize, latest.treeSize) : null,
  ]);

  const jsonl = new HashedFile(join(opts.outDir, EVENTS_JSONL));
  const csv = new HashedFile(join(opts.outDir, EVENTS_CSV));
  await csv.write(CSV_BOM + csvLine([...CSV_HEADER]));
  let count = 0;
  let purged = 0;
  if (range) {
    for (let at = range.first; at <= range.last; at += BATCH) {
      for (const r of await sql.entries(at, Math.min(at + BATCH, range.last + 1))) {
        const e: ExportedEntry = {
          index: r.idx,
          loggedAt: r.logged_at,
          type: r.type,
          actor: r.actor,
          subject: r.subject,
          payload: r.payload,
          payloadSha256: r.payload_sha256.toString('hex'),
          leafHash: r.leaf_hash.toString('hex'),
          purgedAt: r.purged_at,
        };
        count++;
        if (e.payload === null) purged++;
        await jsonl.write(`${JSON.stringify(e)}\n`);
        await csv.write(csvLine(csvRow(e)));
      }
    }
  }
  const files = [await jsonl.close(), await csv.close()];
  const keys = await sql.publicKeys();
  const manifest: ExportManifest = {
    format: EXPORT_FORMAT,
    createdAt: new Date().toISOString(),
    createdBy: opts.actor,
    period: { from, to },
    logId: covering.logId,
    entries: { count, first: range?.first ?? null, last: range?.last ?? null, purged },
    files,
    checkpoint: covering,
    latestCheckpoint: latest,
    proofs: { first: first?.path ?? null, last: last?.path ?? null, consistency: consistency?.path ?? [] },
    publicKeys: keys.map((k) => ({ keyId: k.keyId, algorithm: k.algorithm, publicKey: k.publicKey })),
  };
  const tmp = join(opts.outDir, `${MANIFEST}.tmp`);
  await writeFile(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(tmp, join(opts.outDir, MANIFEST));
  return manifest;
}

export function csvRow(e: ExportedEntry): string[] {
  return [
    String(e.index),
    e.loggedAt,
    e.type,
    csvCell(e.actor, true),
    csvCell(e.subject ?? '', true),
    csvCell(e.payload ?? ''),
    e.purgedAt === null ? 'kept' : `payload purged per retention at ${e.purgedAt}`,
    e.payloadSha256,
    e.leafHash,
  ];
}

/** The first checkpoint covering `size` entries; signed now if there is none yet (needs the signing key). */
async function coveringCheckpoint(sql: SqlAuditStore, log: AuditLog, size: number): Promise<SignedCheckpoint> {
  const [have] = await sql.checkpoints({ minSize: size });
  if (have) return have;
  if (!log.signer) {
    throw new HeguiError(
      'usage',
      'no signed checkpoint covers the period yet, and the log signing key is not available here: export where the key is, or after the next checkpoint',
    );
  }
  return log.checkpoint();
}

function isoTime(s: string, name: string): string {
  const t = Date.parse(s);
  if (!/^\d{4}-\d{2}-\d{2}/.test(s) || Number.isNaN(t)) {
    throw new HeguiError(
      'usage',
      `--${name} must be an ISO 8601 date or time (e.g. 2025-09-01 or 2025-09-01T08:00:00+08:00)`,
    );
  }
  return new Date(t).toISOString();
}

async function prepareFolder(dir: string): Promise<void> {
  try {
    if ((await readdir(dir)).length > 0) throw new HeguiError('usage', `the export folder ${dir} is not empty`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    await mkdir(dir, { recursive: true });
  }
}

/** A file written in order, hashed as it goes. */
class HashedFile {
  readonly #stream: WriteStream;
  readonly #hash = createHash('sha256');
  #bytes = 0;

  constructor(readonly path: string) {
    this.#stream = createWriteStream(path, { flags: 'wx' });
  }

  async write(text: string): Promise<void> {
    const b = Buffer.from(text, 'utf8');
    this.#hash.update(b);
    this.#bytes += b.length;
    if (!this.#stream.write(b)) await new Promise<void>((r) => this.#stream.once('drain', () => r()));
  }

  async close(): Promise<{ name: string; sha256: string; bytes: number }> {
    await new Promise<void>((resolve, reject) => this.#stream.end((e?: Error | null) => (e ? reject(e) : resolve())));
    return { name: this.path.split(/[\\/]/).pop()!, sha256: this.#hash.digest('hex'), bytes: this.#bytes };
  }
}

/**
 * Labelling Measures Art. 9: who received content without its explicit label is kept at least six months. The
 * labelling run writes each delivery as a line of a records file before the file is handed out
 * (src/label/policy/record.ts); this copies those records into the tamper-evident log, one entry per record:
 * type `label.unlabelled_delivery`, subject `unlabelled_delivery:<record id>`, the record as the payload. The log's
 * retention never purges a payload younger than six months (retention-policy.ts), and the entry is logged after the
 * delivery, so the record is kept at least six months from the delivery.
 *
 * Once only: the `unlabelled_delivery` table maps each record id to its entry, and each batch takes the log's head
 * lock before it looks there, so reruns, overlapping files and concurrent runs never add a record twice.
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { HeguiError } from '../../errors.ts';
import { ioError } from '../../label/io/source.ts';
import type { UnlabelledDeliveryRecord } from '../../label/policy/record.ts';
import { MAX_RECORD_LINE_BYTES, type ParsedRecord, parseRecordLine } from '../../label/policy/record-line.ts';
import type { Store } from '../../store/index.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { recordFileLines } from './record-file.ts';

export const DELIVERY_EVENT_TYPE = 'label.unlabelled_delivery';
export const deliverySubject = (recordId: string): string => `unlabelled_delivery:${recordId}`;

/** Records per transaction. */
const BATCH = 500;
/** Bad lines reported per file (all are counted). */
const REPORTED = 100;

export interface BadRecordLine {
  line: number;
  code: string;
  message: string;
}

export interface IngestFileReport {
  file: string;
  /** Records read (valid lines). */
  records: number;
  /** Appended to the log now. */
  added: number;
  /** Already in the log (an earlier run, or twice in the input). */
  already: number;
  /** Lines that are not records: counted, and the first 100 listed. */
  invalid: number;
  problems: BadRecordLine[];
  /** The last line had no line break and was not a record: probably still being written; a rerun takes it. */
  incompleteLastLine: boolean;
}

export interface IngestReport {
  files: IngestFileReport[];
  added: number;
  already: number;
  invalid: number;
}

export interface IngestOptions {
  /** Who ingests, as logged ("cli:<user>", "system:<reason>"). */
  actor: string;
}

/** Copy the records of each file into the log; a file that cannot be read stops the run with an `io` error. */
export async function ingestDeliveryRecords(
  store: Store,
  log: AuditLog,
  files: readonly string[],
  opts: IngestOptions,
): Promise<IngestReport> {
  if (files.length === 0) throw new HeguiError('usage', 'name at least one records file');
  // Every file readable before anything is ingested.
  for (const file of files) {
    await access(file, constants.R_OK).catch((e: unknown) => {
      throw ioError(e, `read the records file ${file}`);
    });
  }
  const report: IngestReport = { files: [], added: 0, already: 0, invalid: 0 };
  for (const file of files) {
    const r = await ingestFile(store, log, file, opts.actor);
    report.files.push(r);
    report.added += r.added;
    report.already += r.already;
    report.invalid += r.invalid;
  }
  return report;
}

async function ingestFile(store: Store, log: AuditLog, file: string, actor: string): Promise<IngestFileReport> {
  const r: IngestFileReport = {
    file,
    records: 0,
    added: 0,
    already: 0,
    invalid: 0,
    problems: [],
    incompleteLastLine: false,
  };
  let batch: ParsedRecord[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const n = await ingestBatch(store, log, batch, actor);
    r.added += n;
    r.already += batch.length - n;
    batch = [];
  };
  for await (const line of recordFileLines(file, MAX_RECORD_LINE_BYTES)) {
    if (!line.overlong && line.text.trim() === '') continue;
    let parsed: ParsedRecord;
    try {
      if (line.overlong) throw new HeguiError('oversize', `the line is over ${MAX_RECORD_LINE_BYTES} bytes`);
      parsed = parseRecordLine(line.text);
    } catch (e) {
      if (!(e instanceof HeguiError)) throw e;
      if (!line.complete) {
        r.incompleteLastLine = true;
        continue;
      }
      r.invalid++;
      if (r.problems.length < REPORTED) r.problems.push({ line: line.number, code: e.code, message: e.message });
      continue;
    }
    r.records++;
    batch.push(parsed);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  return r;
}

/** One transaction: the head lock first, then what is missing is appended with its id. Returns how many were added. */
async function ingestBatch(store: Store, log: AuditLog, batch: ParsedRecord[], actor: string): Promise<number> {
  return store.transaction(async (trx) => {
    await log.lock(trx);
    const ids = [...new Set(batch.map((b) => b.id))];
    const rows = await trx
      .selectFrom('unlabelled_delivery')
      .select('record_id')
      .where('record_id', 'in', ids)
      .execute();
    const have = new Set(rows.map((row) => row.record_id));
    let added = 0;
    for (const { id, record } of batch) {
      if (have.has(id)) continue;
      have.add(id);
      const entry = await log.append(trx, {
        type: DELIVERY_EVENT_TYPE,
        actor,
        subject: deliverySubject(id),
        payload: record,
      });
      await trx
        .insertInto('unlabelled_delivery')
        .values({ record_id: id, audit_idx: entry.index, ingested_at: entry.loggedAt })
        .execute();
      added++;
    }
    return added;
  });
}

export interface LoggedDelivery {
  recordId: string;
  /** The log entry's index and time. */
  index: number;
  loggedAt: string;
  /** The record; null once retention purged the payload (never within six months of logging). */
  record: UnlabelledDeliveryRecord | null;
}

/** The log entry of the record with this id, or null when it was never ingested. */
export async function findUnlabelledDelivery(store: Store, recordId: string): Promise<LoggedDelivery | null> {
  const row = await store.db
    .selectFrom('unlabelled_delivery as d')
    .innerJoin('audit_entry as e', 'e.idx', 'd.audit_idx')
    .select(['d.record_id', 'e.idx', 'e.logged_at', 'e.payload', 'e.type', 'e.subject'])
    .where('d.record_id', '=', recordId)
    .executeTakeFirst();
  if (!row) return null;
  if (row.type !== DELIVERY_EVENT_TYPE || row.subject !== deliverySubject(recordId)) {
    throw new HeguiError('malformed', `log entry ${row.idx} is not the record ${recordId}: the log was changed`);
  }
  return {
    recordId: row.record_id,
    index: row.idx,
    loggedAt: row.logged_at,
    record: row.payload === null ? null : (JSON.parse(row.payload) as UnlabelledDeliveryRecord),
  };
}

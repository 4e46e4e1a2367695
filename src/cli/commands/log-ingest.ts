/**
 * `hegui log ingest-deliveries [FILE…]`: copy the records of content handed out without its explicit label
 * (Labelling Measures Art. 9, written by `hegui label --policy … --no-explicit-on-request`) into the tamper-evident
 * log, once each, so they are kept at least six months with the log's guarantees.
 * Exit codes: 0 every record is in the log; 1 some lines are not records (every other line was ingested); 2 usage, or
 * a file or the database cannot be read.
 */
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { HeguiError, isHeguiError } from '../../errors.ts';
import { createAuditLog } from '../../platform/audit/create-audit-log.ts';
import { type IngestReport, ingestDeliveryRecords } from '../../platform/unlabelled-deliveries/ingest.ts';
import type { Output } from '../output.ts';
import { asStoreError, openExistingStore } from '../store-options.ts';
import { defaultRecordLog } from './label-policy.ts';

interface IngestFlags {
  data?: string;
  database?: string;
  key?: string;
  actor?: string;
  json?: boolean;
}

export function registerLogIngest(log: Command, io: Output, setExit: (code: number) => void): void {
  log
    .command('ingest-deliveries')
    .description(
      'copy the records of content handed out without its explicit label (Labelling Measures Art. 9) into the log, once each',
    )
    .argument('[files...]', 'records files, JSON Lines (default: unlabelled-deliveries.jsonl in the data folder)')
    .option('--data <dir>', 'data folder of the SQLite database (default $HEGUI_DATA_DIR or ./data)')
    .option('--database <url>', 'PostgreSQL URL (default $HEGUI_DATABASE_URL)')
    .option('--key <file>', 'the log signing key: sign a checkpoint covering the new entries')
    .option('--actor <name>', 'who ingests, as logged (default cli:<user name>)')
    .option('--json', 'print the report as JSON on stdout')
    .action(async (files: string[], o: IngestFlags) => {
      const inputs = files.length > 0 ? files : [defaultRecordLog(o.data)];
      let report: IngestReport;
      let checkpoint: number | null = null;
      try {
        ({ report, checkpoint } = await ingest(inputs, o));
      } catch (e) {
        // Exit 2 when a file or the database cannot be used; what was committed before stays, and a rerun adds the rest.
        if (!isHeguiError(e) || e.code === 'usage') throw e;
        process.stderr.write(`hegui: ${e.message}\n`);
        setExit(2);
        return;
      }
      if (o.json) io.json({ ...report, checkpoint });
      else {
        for (const f of report.files) {
          io.out(`${f.file}: ${f.records} record(s), ${f.added} added to the log, ${f.already} already there`);
          for (const p of f.problems) io.out(`  line ${p.line}: ${p.message} [${p.code}]`);
          if (f.invalid > f.problems.length) io.out(`  … and ${f.invalid - f.problems.length} more bad line(s)`);
          if (f.incompleteLastLine) io.out('  the last line is unfinished (still being written?): a rerun takes it');
        }
        if (checkpoint !== null) io.out(`Signed checkpoint: size ${checkpoint}`);
      }
      setExit(report.invalid > 0 ? 1 : 0);
    });
}

async function ingest(inputs: string[], o: IngestFlags): Promise<{ report: IngestReport; checkpoint: number | null }> {
  const store = await openExistingStore(o);
  try {
    // Like `hegui export`, the CLI never creates a signing key; without one the server signs at its next checkpoint.
    const { log } = await createAuditLog(store, {
      ...(o.key ? { signingKeyFile: o.key } : {}),
      createSigningKey: false,
    });
    const report = await ingestDeliveryRecords(store, log, inputs, { actor: o.actor ?? `cli:${userInfo().username}` });
    const checkpoint = report.added > 0 && log.signer ? (await log.checkpoint()).treeSize : null;
    return { report, checkpoint };
  } catch (e) {
    const msg = (e as Error)?.message ?? '';
    if (/unlabelled_delivery/.test(msg) && /no such table|does not exist/.test(msg)) {
      throw new HeguiError('io', `${store.location} is not migrated for these records: start this hegui serve once`);
    }
    throw asStoreError(e, store.location);
  } finally {
    await store.close();
  }
}

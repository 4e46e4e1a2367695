/**
 * `hegui export --from ISO --to ISO --out DIR`: the regulator export of Provisions Art. 21 (the log's entries of a
 * period, with the signed checkpoint and proofs that let anyone verify them offline with `hegui log verify DIR`).
 */
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { createAuditLog } from '../../platform/audit/create-audit-log.ts';
import { exportForRegulator } from '../../platform/audit/export/regulator-export.ts';
import type { Output } from '../output.ts';
import { asStoreError, openExistingStore } from '../store-options.ts';

interface ExportFlags {
  from: string;
  to: string;
  out: string;
  data?: string;
  database?: string;
  key?: string;
  actor?: string;
  json?: boolean;
}

export function registerExportCommand(program: Command, io: Output, setExit: (code: number) => void): void {
  program
    .command('export')
    .description('regulator export (Provisions Art. 21): the log of a period with signed proofs, verifiable offline')
    .requiredOption('--from <time>', 'start of the period, ISO 8601 (inclusive)')
    .requiredOption('--to <time>', 'end of the period, ISO 8601 (exclusive)')
    .requiredOption('--out <dir>', 'folder to write (must not exist or be empty)')
    .option('--data <dir>', 'data folder of the SQLite database (default $HEGUI_DATA_DIR or ./data)')
    .option('--database <url>', 'PostgreSQL URL (default $HEGUI_DATABASE_URL)')
    .option('--key <file>', 'the log signing key, to sign a checkpoint if none covers the period yet')
    .option('--actor <name>', 'who exports, as logged (default cli:<user name>)')
    .option('--json', 'print the manifest as JSON on stdout')
    .action(async (o: ExportFlags) => {
      const store = await openExistingStore(o);
      try {
        // The CLI never creates a signing key: only the key the server uses can sign this log's checkpoints.
        const { log } = await createAuditLog(store, {
          ...(o.key ? { signingKeyFile: o.key } : {}),
          createSigningKey: false,
        });
        const m = await exportForRegulator(store, log, {
          from: o.from,
          to: o.to,
          outDir: o.out,
          actor: o.actor ?? `cli:${userInfo().username}`,
        });
        if (o.json) io.json(m);
        else {
          io.out(`Exported ${m.entries.count} entries (${m.period.from} to ${m.period.to}) to ${o.out}`);
          if (m.entries.first !== null)
            io.out(`  entries ${m.entries.first}–${m.entries.last}, ${m.entries.purged} purged`);
          io.out(`  checkpoint: size ${m.checkpoint.treeSize}, key ${m.checkpoint.keyId}`);
          for (const f of m.files) io.out(`  ${f.name}: ${f.bytes} bytes, sha256 ${f.sha256}`);
          io.out(`Check it with: hegui log verify ${o.out}`);
        }
        setExit(0);
      } catch (e) {
        throw asStoreError(e, store.location);
      } finally {
        await store.close();
      }
    });
}

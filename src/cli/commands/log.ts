/**
 * `hegui log verify`: check the tamper-evident log offline, in a database or in a regulator export
 * (`hegui log ingest-deliveries`: log-ingest.ts).
 * Exit codes of verify: 0 everything verifies (purged payloads included), 1 something does not, 2 usage or the source cannot be
 * read.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { HeguiError, isHeguiError } from '../../errors.ts';
import { MANIFEST } from '../../platform/audit/export/manifest.ts';
import type { VerifyReport } from '../../platform/audit/verify/report.ts';
import { verifyDatabase } from '../../platform/audit/verify/verify-database.ts';
import { verifyExport } from '../../platform/audit/verify/verify-export.ts';
import type { Output } from '../output.ts';
import { asStoreError, openExistingStore } from '../store-options.ts';
import { registerLogIngest } from './log-ingest.ts';

interface VerifyFlags {
  data?: string;
  database?: string;
  publicKey?: string[];
  json?: boolean;
}

export function registerLogCommand(program: Command, io: Output, setExit: (code: number) => void): void {
  const log = program.command('log').description('the tamper-evident audit log (Merkle tree, signed checkpoints)');
  log
    .command('verify')
    .description('recompute every entry, rebuild the tree, check every checkpoint and name the first bad entry')
    .argument('[export-dir]', 'a regulator export folder (made by hegui export) instead of a database')
    .option('--data <dir>', 'data folder of the SQLite database (default $HEGUI_DATA_DIR or ./data)')
    .option('--database <url>', 'PostgreSQL URL (default $HEGUI_DATABASE_URL)')
    .option('--public-key <files...>', 'trust only these public keys (PEM) for checkpoint signatures')
    .option('--json', 'print the report as JSON on stdout')
    .action(async (exportDir: string | undefined, o: VerifyFlags) => {
      let r: VerifyReport;
      try {
        r = await verifySource(exportDir, o);
      } catch (e) {
        // Exit 2 when the source cannot be read at all: 1 means "read, and found wrong".
        if (!isHeguiError(e) || e.code === 'usage') throw e;
        process.stderr.write(`hegui: ${e.message}\n`);
        setExit(2);
        return;
      }
      if (o.json) io.json(r);
      else for (const line of describe(r)) io.out(line);
      setExit(r.ok ? 0 : 1);
    });
  registerLogIngest(log, io, setExit);
}

async function verifySource(exportDir: string | undefined, o: VerifyFlags): Promise<VerifyReport> {
  const publicKeys = o.publicKey?.map(readKey);
  if (exportDir !== undefined) {
    if (o.data || o.database) throw new HeguiError('usage', 'give an export folder or --data/--database, not both');
    if (!isFile(join(exportDir, MANIFEST))) {
      throw new HeguiError('usage', `${exportDir} is not an export folder (no ${MANIFEST})`);
    }
    return verifyExport(exportDir, publicKeys ? { publicKeys } : {});
  }
  const store = await openExistingStore(o, { readonly: true });
  try {
    return await verifyDatabase(store.db, store.location, publicKeys ? { publicKeys } : {});
  } catch (e) {
    throw asStoreError(e, store.location);
  } finally {
    await store.close();
  }
}

function describe(r: VerifyReport): string[] {
  const what = r.kind === 'export' ? 'Export' : 'Log';
  const lines: string[] = [];
  if (r.ok) {
    lines.push(`${what} verified: ${r.entries} entries, ${r.checkpoints.checked} signed checkpoint(s) checked`);
  } else {
    const first = r.firstBadEntry === null ? '' : `; first bad entry: ${r.firstBadEntry}`;
    lines.push(`${what} verification FAILED: ${r.problemCount} problem(s)${first}`);
    for (const p of r.problems) lines.push(`  ${p.message} [${p.code}]`);
    if (r.problemCount > r.problems.length) lines.push(`  … and ${r.problemCount - r.problems.length} more`);
  }
  if (r.purged > 0) lines.push(`  ${r.purged} entries: payload purged per retention (verified from the kept hash)`);
  lines.push(`  source: ${r.source}`);
  if (r.rootHash) lines.push(`  root: ${r.rootHash} (${r.entries} entries)`);
  const latest = r.checkpoints.latest;
  if (latest) lines.push(`  latest checkpoint: size ${latest.treeSize}, root ${latest.rootHash}, key ${latest.keyId}`);
  if (r.keys.length) lines.push(`  trusted keys: ${r.keys.map((k) => `${k.keyId} (${k.algorithm})`).join(', ')}`);
  return lines;
}

function readKey(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new HeguiError('usage', `cannot read the public key file ${file}`);
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

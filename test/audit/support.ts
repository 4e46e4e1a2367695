import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AuditLogOptions, createAuditLog } from '../../src/platform/audit/create-audit-log.ts';
import type { AuditEvent } from '../../src/platform/audit/leaf.ts';
import type { Store } from '../../src/store/index.ts';
import { run } from '../support/run.ts';

/** A key file of its own for each log a test makes. */
export function keyFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'hegui-key-')), 'audit-signing-key.pem');
}

export async function auditOn(store: Store, opts: AuditLogOptions = {}) {
  return createAuditLog(store, { signingKeyFile: keyFile(), ...opts });
}

export const event = (i: number, extra: Partial<AuditEvent> = {}): AuditEvent => ({
  type: 'test.thing_done',
  actor: `account:${i % 7}`,
  subject: `thing:${i}`,
  payload: { i, note: `事件 ${i}`, list: [i, String(i)] },
  ...extra,
});

/** Append `n` events, `perTransaction` at a time. */
export async function appendMany(
  store: Store,
  log: Awaited<ReturnType<typeof createAuditLog>>['log'],
  n: number,
  perTransaction = 1,
  start = 0,
): Promise<number[]> {
  const indices: number[] = [];
  for (let i = 0; i < n; i += perTransaction) {
    await store.transaction(async (trx) => {
      for (let j = i; j < Math.min(n, i + perTransaction); j++)
        indices.push((await log.append(trx, event(start + j))).index);
    });
  }
  return indices;
}

const BIN = fileURLToPath(new URL('../../bin/hegui.js', import.meta.url));

/** The real CLI (built by `npm run build`, which `npm test` runs first). */
export const hegui = (args: string[]) => run(process.execPath, [BIN, ...args], { env: { ...process.env, CI: 'true' } });

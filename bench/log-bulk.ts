/**
 * Building a large log fast for the proof benchmark: the same leaf and node hashes as appends compute (leaf.ts,
 * frontier.ts), written with multi-row INSERTs in large transactions instead of one append at a time.
 */

import { entryLeafHash, sha256 } from '../src/platform/audit/leaf.ts';
import { appendToFrontier, encodeFrontier } from '../src/platform/audit/merkle/frontier.ts';
import { nodePos } from '../src/platform/audit/merkle/shape.ts';
import type { Store } from '../src/store/index.ts';
import type { AuditEntryTable, AuditNodeTable } from '../src/store/schema/audit-tables.ts';

export async function bulkLoad(store: Store, total: number, onProgress: (done: number) => void): Promise<void> {
  const head = await store.db.selectFrom('audit_head').selectAll().executeTakeFirstOrThrow();
  if (head.tree_size !== 0) throw new Error('bulk load needs an empty log');
  const frontier: Buffer[] = [];
  const perStatementEntries = Math.floor(store.dialect.maxParameters / 9 / 2);
  const perStatementNodes = Math.floor(store.dialect.maxParameters / 2 / 2);
  const t0 = Date.parse('2025-01-01T00:00:00Z');
  let lastLoggedAt = '';
  for (let start = 0; start < total; start += 50_000) {
    const end = Math.min(total, start + 50_000);
    const entries: AuditEntryTable[] = [];
    const nodes: AuditNodeTable[] = [];
    for (let i = start; i < end; i++) {
      const loggedAt = new Date(t0 + i * 10).toISOString();
      const payload = JSON.stringify({ request: `req-${i}`, model: 'm1', decision: i % 17 === 0 ? 'block' : 'pass' });
      const payloadSha256 = sha256(payload);
      const row = {
        index: i,
        loggedAt,
        type: 'gateway.request',
        actor: `api_key:${i % 97}`,
        subject: null,
        payloadSha256,
      };
      const leaf = entryLeafHash(row);
      appendToFrontier(frontier, i, leaf, (level, idx, hash) => nodes.push({ pos: nodePos(level, idx), hash }));
      entries.push({
        idx: i,
        logged_at: loggedAt,
        type: row.type,
        actor: row.actor,
        subject: null,
        payload,
        payload_sha256: payloadSha256,
        leaf_hash: leaf,
        purged_at: null,
      });
      lastLoggedAt = loggedAt;
    }
    await store.db.transaction().execute(async (trx) => {
      for (let k = 0; k < entries.length; k += perStatementEntries) {
        await trx
          .insertInto('audit_entry')
          .values(entries.slice(k, k + perStatementEntries))
          .execute();
      }
      for (let k = 0; k < nodes.length; k += perStatementNodes) {
        await trx
          .insertInto('audit_node')
          .values(nodes.slice(k, k + perStatementNodes))
          .execute();
      }
      await trx
        .updateTable('audit_head')
        .set({ tree_size: end, frontier: encodeFrontier(frontier), last_logged_at: lastLoggedAt })
        .where('id', '=', 1)
        .execute();
    });
    onProgress(end);
  }
}

/** Reading the gateway's events back from the tamper-evident log and checking their inclusion proofs independently. */
import assert from 'node:assert/strict';
import { entryLeafHash } from '../../src/platform/audit/leaf.ts';
import { verifyInclusion } from '../../src/platform/audit/merkle/verify.ts';
import type { GatewayEnv } from './harness.ts';

export interface LoggedEvent {
  idx: number;
  type: string;
  actor: string;
  subject: string | null;
  payload: Record<string, unknown>;
}

export async function events(gw: GatewayEnv, type: string): Promise<LoggedEvent[]> {
  const rows = await gw.db.store.db
    .selectFrom('audit_entry')
    .selectAll()
    .where('type', '=', type)
    .orderBy('idx')
    .execute();
  return rows.map((r) => ({
    idx: Number(r.idx),
    type: r.type,
    actor: r.actor,
    subject: r.subject,
    payload: JSON.parse(r.payload ?? 'null'),
  }));
}

export async function generationOf(gw: GatewayEnv, produceId: string): Promise<LoggedEvent> {
  const e = (await events(gw, 'gateway.generated')).find((x) => x.payload.produceId === produceId);
  assert.ok(e, `the log has the generation ${produceId}`);
  return e;
}

/** Recompute the leaf from the stored row and check the log's inclusion proof against its root. */
export async function assertIncluded(gw: GatewayEnv, idx: number): Promise<void> {
  const audit = gw.s.running.platform.audit.log;
  const row = await gw.db.store.db
    .selectFrom('audit_entry')
    .selectAll()
    .where('idx', '=', idx)
    .executeTakeFirstOrThrow();
  const leaf = entryLeafHash({
    index: Number(row.idx),
    loggedAt: row.logged_at,
    type: row.type,
    actor: row.actor,
    subject: row.subject,
    payloadSha256: new Uint8Array(row.payload_sha256),
  });
  const head = await audit.head();
  const proof = await audit.inclusionProof(idx, head.treeSize);
  const hex = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));
  assert.ok(
    verifyInclusion(leaf, idx, head.treeSize, proof.path.map(hex), hex(proof.rootHash)),
    'the inclusion proof verifies',
  );
  assert.equal(proof.rootHash, head.rootHash);
  // A changed leaf must not verify: the check can fail.
  const other = Buffer.from(leaf);
  other[0]! ^= 1;
  assert.ok(!verifyInclusion(other, idx, head.treeSize, proof.path.map(hex), hex(proof.rootHash)));
}

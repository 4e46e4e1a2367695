/**
 * Offline verification of a log database: recompute every entry's hashes from what is stored, rebuild the tree, and
 * compare it with the interior-node cache, the head row, and every signed checkpoint (root and signature). Reads the
 * entries in batches, so memory stays flat whatever the log's size.
 */
import { createPublicKey } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { StoreSchema } from '../../../store/index.ts';
import { type SignedCheckpoint, verifyCheckpointSignature } from '../checkpoint.ts';
import { appendToFrontier, decodeFrontier, rootOfFrontier } from '../merkle/frontier.ts';
import { nodePos } from '../merkle/shape.ts';
import { keyIdOf } from '../signing-key.ts';
import { checkEntry } from './entry-check.ts';
import { ProblemList, type VerifyReport } from './report.ts';

const BATCH = 16384;

export interface VerifyOptions {
  /** Trust only these public keys (PEM) for checkpoints, instead of the keys recorded in the database. */
  publicKeys?: string[];
}

export async function verifyDatabase(
  db: Kysely<StoreSchema>,
  source: string,
  opts: VerifyOptions = {},
): Promise<VerifyReport> {
  const problems = new ProblemList();
  const headRow = await db.selectFrom('audit_head').selectAll().where('id', '=', 1).executeTakeFirst();
  const recorded = await db.selectFrom('audit_signing_key').select(['key_id', 'algorithm', 'public_key']).execute();
  const trusted = new Map<string, string>();
  for (const pem of opts.publicKeys ?? recorded.map((k) => k.public_key))
    trusted.set(keyIdOf(createPublicKey(pem)), pem);
  const checkpoints = headRow ? await checkpointsOf(db, headRow.log_id) : [];
  let nextCp = 0;

  const frontier: Buffer[] = [];
  let size = 0;
  let gapAt: number | null = null; // after a missing entry the rebuilt tree no longer matches anything: stop comparing
  let lastGood = 0; // entries proven by the last checkpoint that matched
  let previousLoggedAt: string | null = null;
  let purged = 0;
  const disagreeing = new Set<string>(); // stored nodes found wrong: their ancestors' disagreement is a consequence
  const checkCheckpointsAt = (treeSize: number) => {
    while (nextCp < checkpoints.length && checkpoints[nextCp]!.treeSize <= treeSize) {
      const c = checkpoints[nextCp++]!;
      checkSignature(c, trusted, problems);
      if (gapAt !== null || c.treeSize !== treeSize) continue;
      if (rootOfFrontier(frontier).toString('hex') === c.rootHash) lastGood = treeSize;
      else {
        problems.add(
          'checkpoint_root_mismatch',
          `entries ${lastGood}–${treeSize - 1} do not produce the root signed at size ${treeSize} (altered)`,
          lastGood,
          'checkpoint',
        );
      }
    }
  };
  checkCheckpointsAt(0);

  let cursor = -1;
  for (;;) {
    const rows = await db
      .selectFrom('audit_entry')
      .selectAll()
      .where('idx', '>', cursor)
      .orderBy('idx')
      .limit(BATCH)
      .execute();
    if (rows.length === 0) break;
    const completed: { level: number; idx: number; hash: Buffer }[] = [];
    for (const r of rows) {
      cursor = r.idx;
      if (r.idx < size) {
        problems.add('entry_unexpected', `a row has index ${r.idx}, which cannot be (altered)`, Math.max(0, r.idx));
        continue;
      }
      if (r.idx > size) {
        problems.add(
          'entry_missing',
          `entry ${size} is missing${r.idx > size + 1 ? ` (to ${r.idx - 1})` : ''} (deleted)`,
          size,
        );
        gapAt ??= size;
        size = r.idx;
      }
      if (r.payload === null) purged++;
      checkEntry(
        {
          index: r.idx,
          loggedAt: r.logged_at,
          type: r.type,
          actor: r.actor,
          subject: r.subject,
          payload: r.payload,
          payloadSha256: r.payload_sha256,
          leafHash: r.leaf_hash,
          purgedAt: r.purged_at,
        },
        previousLoggedAt,
        problems,
      );
      previousLoggedAt = r.logged_at;
      // The tree is rebuilt from the stored leaf hashes: an edited entry shows as a leaf mismatch above, an edited leaf
      // hash as a disagreement with the interior nodes and checkpoints below, each at its own place.
      const store = (level: number, idx: number, hash: Buffer) => completed.push({ level, idx, hash });
      if (gapAt === null) appendToFrontier(frontier, size, r.leaf_hash, store);
      size++;
      checkCheckpointsAt(size);
    }
    if (gapAt === null) await checkNodes(db, completed, problems, disagreeing);
  }

  const headSize = headRow?.tree_size ?? 0;
  if (headSize > size) {
    problems.add('entry_missing', `entries ${size}–${headSize - 1} are missing (the log was truncated)`, size);
  }
  for (; nextCp < checkpoints.length; nextCp++) {
    const c = checkpoints[nextCp]!;
    checkSignature(c, trusted, problems);
    problems.add('checkpoint_beyond_log', `a checkpoint covers ${c.treeSize} entries; only ${size} are left`, size);
  }
  if (!headRow) problems.add('head_mismatch', 'the log head row is missing');
  else if (gapAt === null && headSize === size) {
    const stored = decodeFrontier(headRow.frontier, headRow.tree_size);
    if (!stored || Buffer.concat(stored).compare(Buffer.concat(frontier)) !== 0) {
      problems.add('head_mismatch', 'the log head (frontier) disagrees with the entries');
    }
  }

  const latest = checkpoints.at(-1);
  return {
    ok: problems.count === 0,
    kind: 'database',
    source,
    entries: size,
    purged,
    rootHash: rootOfFrontier(frontier).toString('hex'),
    checkpoints: {
      checked: checkpoints.length,
      latest: latest ? { treeSize: latest.treeSize, rootHash: latest.rootHash, keyId: latest.keyId } : null,
    },
    keys: [...trusted.keys()].map((keyId) => ({
      keyId,
      algorithm: recorded.find((k) => k.key_id === keyId)?.algorithm ?? 'ed25519',
    })),
    firstBadEntry: problems.firstBadEntry,
    problems: problems.list,
    problemCount: problems.count,
  };
}

/** Every checkpoint, including those whose key row is gone (a plain join would hide them). */
async function checkpointsOf(db: Kysely<StoreSchema>, logId: string): Promise<SignedCheckpoint[]> {
  const rows = await db
    .selectFrom('audit_checkpoint as c')
    .leftJoin('audit_signing_key as k', 'k.key_id', 'c.key_id')
    .select(['c.tree_size', 'c.root_hash', 'c.created_at', 'c.key_id', 'k.algorithm', 'c.signature'])
    .orderBy('c.tree_size')
    .execute();
  return rows.map((r) => ({
    logId,
    treeSize: r.tree_size,
    rootHash: r.root_hash.toString('hex'),
    createdAt: r.created_at,
    keyId: r.key_id,
    algorithm: (r.algorithm ?? 'ed25519') as SignedCheckpoint['algorithm'],
    signature: r.signature.toString('base64'),
  }));
}

function checkSignature(c: SignedCheckpoint, trusted: Map<string, string>, problems: ProblemList): void {
  const pem = trusted.get(c.keyId);
  if (!pem) {
    problems.add(
      'checkpoint_key_unknown',
      `the checkpoint at size ${c.treeSize} is signed by an unknown key ${c.keyId}`,
    );
  } else if (!verifyCheckpointSignature(c, pem)) {
    problems.add('checkpoint_signature_invalid', `the signature of the checkpoint at size ${c.treeSize} is invalid`);
  }
}

/** Compare the interior nodes the rebuild completed with the stored ones (one query per batch). */
async function checkNodes(
  db: Kysely<StoreSchema>,
  completed: { level: number; idx: number; hash: Buffer }[],
  problems: ProblemList,
  disagreeing: Set<string>,
): Promise<void> {
  if (completed.length === 0) return;
  // Completed in increasing position: the batch's nodes are one range of the primary key.
  const positions = completed.map((n) => nodePos(n.level, n.idx));
  const rows = await db
    .selectFrom('audit_node')
    .selectAll()
    .where('pos', '>=', positions[0]!)
    .where('pos', '<=', positions.at(-1)!)
    .execute();
  const stored = new Map(rows.map((r) => [r.pos, r.hash]));
  for (const [k, n] of completed.entries()) {
    const first = n.idx * 2 ** n.level;
    const span = `entries ${first}–${first + 2 ** n.level - 1}`;
    const h = stored.get(positions[k]!);
    if (!h) problems.add('node_missing', `the stored hash over ${span} is missing`, first, 'subtree');
    else if (!h.equals(n.hash)) {
      disagreeing.add(`${n.level}:${n.idx}`);
      const below = [`${n.level - 1}:${2 * n.idx}`, `${n.level - 1}:${2 * n.idx + 1}`];
      if (!below.some((k) => disagreeing.has(k))) {
        problems.add('node_mismatch', `the stored hash over ${span} disagrees with them`, first, 'subtree');
      }
    }
  }
}

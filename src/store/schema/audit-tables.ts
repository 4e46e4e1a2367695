/**
 * Tables of the tamper-evident log (src/platform/audit/). Row types as the store reads them back on both dialects:
 * 64-bit integers as numbers, bytes as Buffers, timestamps as ISO 8601 UTC strings (see ../README.md).
 */

/** One row (id 1): the tree's size and its frontier, read and locked by every append. */
export interface AuditHeadTable {
  id: number;
  /** A random id naming this log in signed checkpoints (their "origin"). */
  log_id: string;
  tree_size: number;
  /** The perfect subtrees along the tree's right edge, largest first: 32 bytes each (the "compact range"). */
  frontier: Buffer;
  /** Timestamp of the last entry: entries never go back in time, so a period is a contiguous index range. */
  last_logged_at: string | null;
}

export interface AuditEntryTable {
  /** Leaf index, from 0, without gaps. */
  idx: number;
  logged_at: string;
  type: string;
  actor: string;
  subject: string | null;
  /** The event's JSON, exactly as hashed; null once purged per retention. */
  payload: string | null;
  payload_sha256: Buffer;
  leaf_hash: Buffer;
  purged_at: string | null;
}

/**
 * Hashes of the perfect subtrees above the leaves (level ≥ 1): any proof reads O(log n) of them. The node covering
 * leaves [i·2^level, (i+1)·2^level) has `pos` = (i+1)·2^level·64 + level (see nodePos in src/platform/audit/merkle):
 * nodes are numbered in the order appends complete them, so every insert goes to the end of the primary key.
 */
export interface AuditNodeTable {
  pos: number;
  hash: Buffer;
}

export interface AuditCheckpointTable {
  tree_size: number;
  root_hash: Buffer;
  created_at: string;
  key_id: string;
  signature: Buffer;
}

export interface AuditSigningKeyTable {
  key_id: string;
  algorithm: string;
  /** SubjectPublicKeyInfo, PEM. */
  public_key: string;
  added_at: string;
}

export interface AuditLegalHoldTable {
  id: string;
  /** Entries about this subject are held (null: any subject). */
  subject: string | null;
  /** Entries of this type are held (null: any type). */
  type: string | null;
  reason: string;
  placed_at: string;
  placed_by: string;
  released_at: string | null;
  released_by: string | null;
}

export interface AuditTables {
  audit_head: AuditHeadTable;
  audit_entry: AuditEntryTable;
  audit_node: AuditNodeTable;
  audit_checkpoint: AuditCheckpointTable;
  audit_signing_key: AuditSigningKeyTable;
  audit_legal_hold: AuditLegalHoldTable;
}

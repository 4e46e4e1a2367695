/**
 * The regulator export (Provisions Art. 21: technical and data support to inspections): a folder with
 *
 *   events.jsonl   one entry per line, exactly as logged (the authoritative record)
 *   events.csv     the same entries for people
 *   manifest.json  the period, counts, SHA-256 of each file, the signed checkpoint covering the period, inclusion
 *                  proofs of the first and last entry, a consistency proof from that checkpoint to the latest one,
 *                  and the public keys
 *
 * `hegui log verify DIR` checks all of it offline.
 */
import type { SignedCheckpoint } from '../checkpoint.ts';

export const EXPORT_FORMAT = 'hegui.regulator-export/v1';
export const EVENTS_JSONL = 'events.jsonl';
export const EVENTS_CSV = 'events.csv';
export const MANIFEST = 'manifest.json';
export const CSV_HEADER = [
  'index',
  'logged_at',
  'type',
  'actor',
  'subject',
  'payload',
  'status',
  'payload_sha256',
  'leaf_hash',
] as const;

/** One line of events.jsonl. `payload` is the JSON text exactly as hashed (null once purged per retention). */
export interface ExportedEntry {
  index: number;
  loggedAt: string;
  type: string;
  actor: string;
  subject: string | null;
  payload: string | null;
  payloadSha256: string;
  leafHash: string;
  purgedAt: string | null;
}

export interface ExportManifest {
  format: typeof EXPORT_FORMAT;
  createdAt: string;
  createdBy: string;
  /** Entries logged at or after `from` and before `to`. */
  period: { from: string; to: string };
  logId: string;
  entries: { count: number; first: number | null; last: number | null; purged: number };
  files: { name: string; sha256: string; bytes: number }[];
  /** The first signed checkpoint that covers every exported entry. */
  checkpoint: SignedCheckpoint;
  /** The latest signed checkpoint when the export was made. */
  latestCheckpoint: SignedCheckpoint;
  proofs: {
    /** Inclusion of the first and last exported entry in `checkpoint` (hex, RFC 9162 §2.1.3.1); null if none. */
    first: string[] | null;
    last: string[] | null;
    /** `checkpoint` is a prefix of `latestCheckpoint` (hex, RFC 9162 §2.1.4.1). */
    consistency: string[];
  };
  publicKeys: { keyId: string; algorithm: string; publicKey: string }[];
}

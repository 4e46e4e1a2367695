/** The checks every entry gets, from a database row or an export line alike. */
import { entryLeafHash, sha256 } from '../leaf.ts';
import { LEGAL_MINIMUM_MONTHS, subtractPeriod } from '../retention-policy.ts';
import type { ProblemList } from './report.ts';

export interface EntryRecord {
  index: number;
  loggedAt: string;
  type: string;
  actor: string;
  subject: string | null;
  payload: string | null;
  payloadSha256: Buffer;
  leafHash: Buffer;
  purgedAt: string | null;
}

/**
 * Check one entry against its own hashes and its predecessor's time; return the leaf hash recomputed from its fields
 * (the value the tree is rebuilt from, so that a stored leaf hash that was edited cannot hide an edit).
 */
export function checkEntry(e: EntryRecord, previousLoggedAt: string | null, problems: ProblemList): Buffer {
  const n = e.index;
  if (e.payload !== null) {
    if (!sha256(e.payload).equals(e.payloadSha256)) {
      problems.add('payload_mismatch', `entry ${n}: the payload does not match its hash (altered)`, n);
    }
  } else if (e.purgedAt === null) {
    problems.add('purge_invalid', `entry ${n}: the payload is missing but was never purged (deleted)`, n);
  } else if (subtractPeriod(new Date(e.purgedAt), { months: LEGAL_MINIMUM_MONTHS }) < e.loggedAt) {
    problems.add('purge_invalid', `entry ${n}: the payload was purged before the legal minimum of 6 months`, n);
  }
  const leaf = entryLeafHash({
    index: n,
    loggedAt: e.loggedAt,
    type: e.type,
    actor: e.actor,
    subject: e.subject,
    payloadSha256: e.payloadSha256,
  });
  if (!leaf.equals(e.leafHash)) {
    problems.add('leaf_mismatch', `entry ${n}: its fields do not match its leaf hash (altered or moved)`, n);
  }
  if (previousLoggedAt !== null && e.loggedAt < previousLoggedAt) {
    problems.add('time_backwards', `entry ${n}: logged before the entry preceding it (reordered or altered)`, n);
  }
  return leaf;
}

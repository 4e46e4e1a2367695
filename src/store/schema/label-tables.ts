/**
 * Tables of the labelling records kept on the platform side (src/platform/unlabelled-deliveries/). Row types as in
 * ./audit-tables.ts.
 */

/**
 * One row per Labelling Measures Art. 9 record (content handed out without its explicit label) copied into the
 * tamper-evident log: the record's id and where its entry is. The record itself, with the recipient, is the entry's
 * payload, so it is kept and purged by the log's retention (never under six months); this table holds no personal data.
 */
export interface UnlabelledDeliveryTable {
  /** The record's `id` (for a record written without one: `sha256-` and the hash of its line). */
  record_id: string;
  /** The log entry holding the record. */
  audit_idx: number;
  ingested_at: string;
}

export interface LabelTables {
  unlabelled_delivery: UnlabelledDeliveryTable;
}

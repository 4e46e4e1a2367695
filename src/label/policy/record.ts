/**
 * Labelling Measures Art. 9: a provider may hand out content without its explicit label when a user asks for it,
 * once the user agreement states the user's labelling duty and responsibility, and must keep the information on who
 * received it, and related logs, for at least six months. Each such delivery is one JSON line appended to a records
 * file, written before the file is handed out; `hegui log ingest-deliveries` (src/platform/unlabelled-deliveries/)
 * copies the lines into the tamper-evident log, which keeps them at least six months. The format is stable (README
 * "Content without the explicit label"): new fields may be added, none is renamed or removed while `version` is 1.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { HeguiError } from '../../errors.ts';
import { ioError } from '../io/source.ts';
import type { ServiceType } from './service-types.ts';

export const RECORD_TYPE = 'hegui.unlabelled-delivery';

/** A key for the recipient's keyed hash: `id` names it in the record, so a rotated key is recognised. */
export interface RecipientKey {
  id: string;
  key: Uint8Array;
}

/** The recipient as recorded: a keyed hash when a key is configured, else the identifier as given. */
export type RecordedRecipient =
  | { form: 'hmac-sha256'; keyId: string; value: string }
  | { form: 'plain'; value: string };

export interface UnlabelledDeliveryRecord {
  type: typeof RECORD_TYPE;
  version: 1;
  /** A random UUID naming this delivery: the log finds the record by it, and ingests it once. */
  id: string;
  /** When the content was handed out (ISO 8601, UTC). */
  time: string;
  recipient: RecordedRecipient;
  /** The delivered file: SHA-256 of its bytes (hex) and its size. */
  file: { sha256: string; size: number };
  producer: string;
  produceId: string;
  serviceType: ServiceType;
  /** Always `user_request`: the one reason Art. 9 allows. */
  reason: 'user_request';
  basis: 'Labelling Measures Art. 9';
  /** Where the user agreement states the user's labelling duty (from the policy). */
  agreement: string;
  /** Whether the delivered file carries the metadata label (it does wherever the format can hold one). */
  metadataLabel: boolean;
  /** SHA-256 of the settings the file was labelled with (the policy for this service type). */
  policy: string;
}

/** A recipient identifier: an account ID or similar, one line of printable text (it is logged). */
const RECIPIENT = /^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]{1,256}$/u;

export function checkRecipient(id: unknown): string {
  if (typeof id !== 'string' || id.trim() === '') {
    throw new HeguiError(
      'usage',
      'content without its explicit label needs the recipient: who asked for it (Labelling Measures Art. 9 requires the provider to record who received it)',
    );
  }
  const t = id.trim();
  if (!RECIPIENT.test(t))
    throw new HeguiError('usage', 'the recipient identifier must be one line of at most 256 printable characters');
  return t;
}

/** A new record's id. */
export const newRecordId = (): string => randomUUID();

/** HMAC-SHA256 over a purpose tag and the identifier, so the same key gives other values for other purposes. */
export function pseudonymiseRecipient(id: string, key?: RecipientKey): RecordedRecipient {
  const value = checkRecipient(id);
  if (!key) return { form: 'plain', value };
  const mac = createHmac('sha256', key.key).update('hegui art9-recipient').update('\0').update(value, 'utf8');
  return { form: 'hmac-sha256', keyId: key.id, value: mac.digest('base64url') };
}

/**
 * Append one record as one line (a single write on a file opened for appending, then fsync): concurrent writers
 * never interleave inside a line, and a record is on disk before the delivery it records is committed. The file is
 * created with mode 0600: it names recipients.
 */
export async function appendRecord(path: string, record: UnlabelledDeliveryRecord): Promise<void> {
  await mkdir(dirname(path), { recursive: true }).catch((e: unknown) => {
    throw ioError(e, 'create the records folder');
  });
  const fh = await open(path, 'a', 0o600).catch((e: unknown) => {
    throw ioError(e, 'open the records file');
  });
  try {
    await fh.write(`${JSON.stringify(record)}\n`);
    await fh.sync();
  } catch (e) {
    throw ioError(e, 'append to the records file');
  } finally {
    await fh.close();
  }
}

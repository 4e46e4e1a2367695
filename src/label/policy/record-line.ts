/**
 * A line of the Art. 9 records file read back (Labelling Measures Art. 9), for copying into the tamper-evident log.
 * The known fields are checked as they are written; fields added later under `version` 1 are kept, not refused.
 */
import { z } from 'zod';
import { sha256Hex } from '../../digest.ts';
import { HeguiError } from '../../errors.ts';
import { RECORD_TYPE, type UnlabelledDeliveryRecord } from './record.ts';
import { SERVICE_TYPES } from './service-types.ts';

/** A record is well under 1 KiB; a longer line is not one. */
export const MAX_RECORD_LINE_BYTES = 64 * 1024;

const text = (max: number) => z.string().min(1).max(max);
const RECORD_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

const recordSchema = z.looseObject({
  type: z.literal(RECORD_TYPE),
  version: z.literal(1),
  id: z.string().regex(RECORD_ID).optional(),
  time: z.iso.datetime(),
  recipient: z.discriminatedUnion('form', [
    z.looseObject({ form: z.literal('hmac-sha256'), keyId: text(100), value: text(256) }),
    z.looseObject({ form: z.literal('plain'), value: text(256) }),
  ]),
  file: z.looseObject({ sha256: z.string().regex(/^[0-9a-f]{64}$/), size: z.number().int().min(0) }),
  producer: text(256),
  produceId: text(256),
  serviceType: z.enum(SERVICE_TYPES),
  reason: z.literal('user_request'),
  basis: z.literal('Labelling Measures Art. 9'),
  agreement: text(1000),
  metadataLabel: z.boolean(),
  policy: text(128),
});

export interface ParsedRecord {
  /** The record's `id`; for a record written before records had one, `sha256-` and the SHA-256 of its line. */
  id: string;
  record: UnlabelledDeliveryRecord;
}

/** One line (without its line break): the record, or a `malformed` error naming the field, never its value. */
export function parseRecordLine(line: string): ParsedRecord {
  if (Buffer.byteLength(line) > MAX_RECORD_LINE_BYTES) {
    throw new HeguiError('oversize', `the line is over ${MAX_RECORD_LINE_BYTES} bytes: not a record`);
  }
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    throw new HeguiError('malformed', 'the line is not JSON');
  }
  const r = recordSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const where = issue.path.length > 0 ? issue.path.join('.') : 'the line';
    throw new HeguiError('malformed', `not a ${RECORD_TYPE} record of version 1: ${where}: ${issue.code}`);
  }
  // The record as written (checked, not rebuilt), so its fields keep their order and later fields are kept.
  const record = json as UnlabelledDeliveryRecord;
  const id = r.data.id ?? `sha256-${sha256Hex(line)}`;
  return { id, record };
}

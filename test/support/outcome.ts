import assert from 'node:assert/strict';
import { type AigcRecord, isHeguiError, labelBytes } from '../../src/index.ts';

/** The HeguiError code a promise rejects with, or 'ok'. Any other exception fails the test. */
export async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    assert.ok(isHeguiError(e), `not a HeguiError: ${(e as Error)?.stack ?? e}`);
    return e.code;
  }
}

/** Label bytes in memory with the input kept aside: a failed write must not have touched it. */
export async function writeOutcome(bytes: Buffer, label: AigcRecord): Promise<string> {
  const copy = Buffer.from(bytes);
  const result = await outcome(labelBytes(bytes, label));
  assert.ok(copy.equals(bytes), 'the input changed');
  return result;
}

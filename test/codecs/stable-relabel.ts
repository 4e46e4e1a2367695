/**
 * Stable relabelling (src/label/codecs/README.md, docs/signature-scheme.md): the canonical form of a file is the same
 * before labelling, after labelling and after relabelling with any label, short or a long signed one; one changed
 * media byte changes it. Codecs are called directly, into sinks that refuse `patch` (the form is streamed into a hash).
 */
import assert from 'node:assert/strict';
import {
  type AigcRecord,
  contentDigest,
  createLabel,
  generateKeyPair,
  isHeguiError,
  loadPrivateKey,
  signRecord,
} from '../../src/index.ts';
import { PLACEHOLDER_LABEL } from '../../src/label/aigc/record.ts';
import type { Codec } from '../../src/label/codecs/codec.ts';
import { MemorySink } from '../../src/label/io/sink.ts';
import { BufferSource } from '../../src/label/io/source.ts';

const PRODUCER = '001191440300708461136T1XGW3';
export const shortLabel: AigcRecord = createLabel({ producer: PRODUCER, produceId: 's' });
const signer = loadPrivateKey(generateKeyPair('sm2').privatePem);

/** A sink for codec output that fails the test when a codec rewrites bytes it has already written. */
class StreamingSink extends MemorySink {
  override async patch(): Promise<void> {
    throw new Error('a codec patched bytes already written; the canonical form could not be hashed');
  }
}

/** A producer label with a real SecurityData object in ReservedCode1 (a few hundred bytes longer than `shortLabel`). */
export async function signedLabel(file: Uint8Array, produceId = 'signed-0001'): Promise<AigcRecord> {
  const record = createLabel({ producer: PRODUCER, produceId });
  const digest = await contentDigest(new BufferSource(file), 'sm3');
  return signRecord(record, { signer, role: 'producer', digest });
}

export async function written(codec: Codec, file: Uint8Array, label: AigcRecord): Promise<Buffer> {
  const sink = new StreamingSink();
  await codec.write!(new BufferSource(file), sink, label);
  return Buffer.from(sink.bytes());
}

export async function canonicalOf(codec: Codec, file: Uint8Array): Promise<Buffer> {
  const sink = new StreamingSink();
  if (codec.canonical) await codec.canonical(new BufferSource(file), sink);
  else await codec.write!(new BufferSource(file), sink, { ...PLACEHOLDER_LABEL });
  return Buffer.from(sink.bytes());
}

/**
 * canonical(original) = canonical(write(original, L1)) = canonical(write(write(original, L1), L2)) for L1, L2 among
 * a short label and two long signed ones, in every order. Returns the labelled files, for further checks.
 */
export async function assertStableRelabelling(codec: Codec, original: Uint8Array): Promise<Buffer[]> {
  const base = await canonicalOf(codec, original);
  const long1 = await signedLabel(original);
  const long2 = await signedLabel(original, 'signed-0002-with-a-longer-produce-id');
  const labels: [string, AigcRecord][] = [
    ['short', shortLabel],
    ['signed', long1],
    ['signed (longer)', long2],
  ];
  const outputs: Buffer[] = [];
  for (const [n1, l1] of labels) {
    const once = await written(codec, original, l1);
    outputs.push(once);
    assert.ok((await canonicalOf(codec, once)).equals(base), `canonical form changed by labelling (${n1})`);
    for (const [n2, l2] of labels) {
      const twice = await written(codec, once, l2);
      assert.ok((await canonicalOf(codec, twice)).equals(base), `canonical form changed by relabelling ${n1} → ${n2}`);
    }
  }
  return outputs;
}

/** Flipping one bit of `file` at `at` changes its canonical form, or makes it a structural error. */
export async function assertFlipChangesCanonical(codec: Codec, file: Uint8Array, at: number): Promise<void> {
  assert.ok(at >= 0 && at < file.length, `offset ${at} is outside the file`);
  const base = await canonicalOf(codec, file);
  const copy = Buffer.from(file);
  copy[at]! ^= 0x01;
  try {
    assert.ok(
      !(await canonicalOf(codec, copy)).equals(base),
      `a flipped byte at ${at} left the canonical form as it was`,
    );
  } catch (e) {
    if (!isHeguiError(e)) throw e;
  }
}

import { resolve } from 'node:path';
import { HeguiError, isHeguiError } from '../errors.ts';
import { hasErrors, type LabelFinding } from './aigc/findings.ts';
import { type ParsedLabel, parseLabelText, validateRecord } from './aigc/parse.ts';
import { type AigcRecord, recordsEqual } from './aigc/record.ts';
import type { Codec, CodecWarning, LabelSite, MediaKind, WriteOptions } from './codecs/codec.ts';
import { sniffCodec } from './codecs/registry.ts';
import { PlannedSource, PlanningSink, PlanTooLarge } from './io/edit-plan.ts';
import { applyInPlace, applyToCopy, recoverInPlace } from './io/in-place.ts';
import { AtomicFileSink, MemorySink, writeSmallFileAtomically } from './io/sink.ts';
import { BufferSource, type ByteSource, FileSource, openSource } from './io/source.ts';
import { contentDigest, type DigestAlgorithm } from './security/content-binding.ts';
import type { LabelSigner } from './security/keys.ts';
import type { SignerRole } from './security/security-data.ts';
import { digestAlgorithmFor, signRecord } from './security/sign.ts';

export interface FormatInfo {
  codec: string;
  name: string;
  kind: MediaKind;
}

export interface SiteReading extends LabelSite {
  parsed: ParsedLabel;
}

export type FileFindingCode = 'no_label' | 'multiple_labels' | 'labels_disagree';

export interface FileFinding {
  code: FileFindingCode;
  severity: 'error';
  message: string;
}

export interface LabelReading {
  format: FormatInfo;
  size: number;
  /** Every label site found, in file order, each with its parse result. */
  sites: SiteReading[];
  /** The label, when at least one site holds a complete record (the first normative one preferred). */
  label: AigcRecord | null;
  /** File-level findings (GB 45438 6.1 c: exactly one label). Site findings live on each site. */
  findings: FileFinding[];
  warnings: CodecWarning[];
}

const formatOf = (c: Codec): FormatInfo => ({ codec: c.id, name: c.name, kind: c.kind });

export async function withSource<T>(input: string | Uint8Array, fn: (src: ByteSource) => Promise<T>): Promise<T> {
  const src = typeof input === 'string' ? await openSource(input) : new BufferSource(input);
  try {
    return await fn(src);
  } finally {
    await src.close();
  }
}

/**
 * The format of a file by its magic bytes. With `name` (the file's name, as the write paths pass it), a text the bytes
 * call plain is the format its extension adopts it into, when one does (`.md`: Markdown without front matter).
 */
export async function detectFormat(input: string | Uint8Array, name?: string): Promise<FormatInfo | null> {
  return withSource(input, async (src) => {
    const c = await sniffCodec(src, name);
    return c ? formatOf(c) : null;
  });
}

async function requireCodec(src: ByteSource, name?: string): Promise<Codec> {
  const codec = await sniffCodec(src, name);
  if (!codec)
    throw new HeguiError('format_unknown', 'the file is not in a format Hegui recognises (checked by its magic bytes)');
  return codec;
}

/** Read every label placement of a file (path or bytes) and report what is there. */
export async function readLabel(input: string | Uint8Array): Promise<LabelReading> {
  if (typeof input === 'string') await recoverInPlace(input);
  return withSource(input, readSource);
}

/** {@link readLabel} over a source the caller keeps open (the verifier reads the same source again). */
export async function readSource(src: ByteSource): Promise<LabelReading> {
  const codec = await requireCodec(src);
  const { sites, warnings } = await codec.read(src);
  return summarise(formatOf(codec), src.size, sites, warnings);
}

function summarise(format: FormatInfo, size: number, raw: LabelSite[], warnings: CodecWarning[]): LabelReading {
  const sites = raw.map((s) => ({ ...s, parsed: parseLabelText(s.text) }));
  const findings: FileFinding[] = [];
  if (sites.length === 0)
    findings.push({ code: 'no_label', severity: 'error', message: 'the file carries no metadata label' });
  if (sites.length > 1) {
    findings.push({
      code: 'multiple_labels',
      severity: 'error',
      message: `the file carries ${sites.length} labels; GB 45438 6.1 c requires exactly one`,
    });
    const records = sites.map((s) => s.parsed.record);
    const first = records[0];
    if (records.some((r) => !r || !first || !recordsEqual(r, first))) {
      findings.push({ code: 'labels_disagree', severity: 'error', message: 'the labels in the file disagree' });
    }
  }
  const complete = sites.filter((s) => s.parsed.record);
  const chosen = complete.find((s) => s.normative) ?? complete[0];
  return { format, size, sites, label: chosen?.parsed.record ?? null, findings, warnings };
}

export interface WriteLabelOptions extends WriteOptions {
  /** Where to write; defaults to replacing the input in place. */
  out?: string;
  /**
   * Sign while writing (docs/signature-scheme.md): as the producer into ReservedCode1 (the default), as a propagation
   * platform into ReservedCode2, or both. The content binding is computed from the input, which has the same canonical form as
   * the output; the output's binding is checked again before the file is committed.
   */
  sign?: { signer: LabelSigner; roles?: readonly SignerRole[] };
  /**
   * The file's name, for a text the bytes call plain (default: the path written from). `.md` or `.markdown` makes it
   * Markdown without front matter, which gets a new front matter block; any other name leaves it plain text, refused.
   */
  name?: string;
}

export interface WriteLabelResult {
  path: string;
  format: FormatInfo;
  bytesIn: number;
  bytesOut: number;
  /** How many label sites the input had (all replaced by the one written). */
  replaced: number;
  /** The label as written (with its SecurityData when signed). */
  label: AigcRecord;
}

function assertWritable(label: AigcRecord): void {
  const findings = validateRecord(label);
  if (hasErrors(findings)) {
    throw new HeguiError('label_invalid', `the label cannot be written: ${findings.map((f) => f.message).join('; ')}`);
  }
}

function requireWriter(codec: Codec): NonNullable<Codec['write']> {
  if (!codec.write)
    throw new HeguiError('format_unsupported', `writing labels into ${codec.name} files is not supported`);
  return codec.write.bind(codec);
}

/** Check that the output carries exactly the label written, in the normative placement, and nothing else. */
async function readBack(codec: Codec, out: ByteSource, label: AigcRecord): Promise<void> {
  const again = await sniffCodec(out);
  if (again?.id !== codec.id) {
    throw new HeguiError('readback_failed', `the output is no longer recognised as ${codec.name}`);
  }
  const { sites } = await codec.read(out);
  const parsed = sites.map((s) => ({ site: s, parsed: parseLabelText(s.text) }));
  const ok =
    parsed.length === 1 &&
    parsed[0]!.site.normative &&
    parsed[0]!.parsed.record &&
    recordsEqual(parsed[0]!.parsed.record, label);
  if (!ok) {
    throw new HeguiError(
      'readback_failed',
      `the output read back with ${sites.length} label site(s), not the one label written`,
      {
        sites: sites.length,
      },
    );
  }
}

/**
 * Large files are edited rather than rewritten when the codec's output differs from the input in a small part only
 * (a moov box at the end, an appended update): in place the time then no longer grows with the media size; to
 * another path the unchanged bytes are copied by the kernel (or shared, on a file system with reflinks).
 */
const IN_PLACE_MIN_BYTES = 1024 * 1024;
const IN_PLACE_MAX_PATCH = 16 * 1024 * 1024;

async function planEdits(src: ByteSource, write: (sink: PlanningSink) => Promise<void>) {
  const sink = new PlanningSink(src, Math.min(IN_PLACE_MAX_PATCH, src.size / 4));
  try {
    await write(sink);
  } catch (e) {
    if (e instanceof PlanTooLarge) return null;
    throw e;
  }
  return sink.plan();
}

/**
 * Write the label into a file: sniff, write the normative placement (replacing every existing label), read the
 * output back, then atomically replace the target. On any failure the input is untouched and no output is left.
 */
export async function writeLabel(
  path: string,
  label: AigcRecord,
  options: WriteLabelOptions = {},
): Promise<WriteLabelResult> {
  assertWritable(label);
  const target = options.out ?? path;
  const inPlace = resolve(target) === resolve(path);
  await recoverInPlace(path);
  const name = options.name ?? path;
  return withSource(path, async (src) => {
    const codec = await requireCodec(src, name);
    const write = requireWriter(codec);
    const before = await codec.read(src).catch((e: unknown) => {
      if (isHeguiError(e)) throw e;
      throw new HeguiError('malformed', `the ${codec.name} structure could not be read`);
    });
    const signing = options.sign ? await signForWrite(src, label, options.sign, name) : null;
    const record = signing?.label ?? label;
    const result = (bytesOut: number): WriteLabelResult => ({
      path: target,
      format: formatOf(codec),
      bytesIn: src.size,
      bytesOut,
      replaced: before.sites.length,
      label: record,
    });
    if (src.size > IN_PLACE_MIN_BYTES) {
      const plan = await planEdits(src, (sink) => write(src, sink, record, options));
      if (plan) {
        // Check the result before any file is touched; then apply it under a journal in place, or to a kernel-made
        // copy for another path.
        const planned = await PlannedSource.create(src, plan);
        await readBack(codec, planned, record);
        if (signing) await bindingReadBack(planned, signing);
        if (inPlace) await applyInPlace(path, plan, src.size);
        else await applyToCopy(path, target, plan, src.size);
        return result(plan.size);
      }
    }
    if (src.stable) {
      // A file read whole (io/source.ts) is labelled in memory, checked, then written beside the target and renamed
      // into place: the unchanged payload is copied once.
      const mem = new MemorySink();
      await write(src, mem, record, options);
      const bytes = mem.bytes();
      const out = new BufferSource(bytes);
      await readBack(codec, out, record);
      if (signing) await bindingReadBack(out, signing);
      await writeSmallFileAtomically(target, bytes, inPlace);
      return result(mem.position);
    }
    const sink = await AtomicFileSink.create(target);
    try {
      await write(src, sink, record, options);
      await sink.finish(inPlace);
      const mem = sink.inMemory();
      const out = mem ? new BufferSource(mem) : await FileSource.open(sink.tempPath);
      try {
        await readBack(codec, out, record);
        if (signing) await bindingReadBack(out, signing);
      } finally {
        await out.close();
      }
      await sink.commit();
      return result(sink.position);
    } catch (e) {
      await sink.abort();
      throw e;
    }
  });
}

/** The same as {@link writeLabel} for bytes in memory (gateway outputs): returns the labelled bytes. */
export async function labelBytes(
  bytes: Uint8Array,
  label: AigcRecord,
  options: Pick<WriteLabelOptions, 'sign' | 'name'> = {},
): Promise<Uint8Array> {
  return (await labelBytesResult(bytes, label, options)).bytes;
}

/** {@link labelBytes}, also returning the label as written (with its SecurityData when signed). */
export async function labelBytesResult(
  bytes: Uint8Array,
  label: AigcRecord,
  options: Pick<WriteLabelOptions, 'sign' | 'name'> = {},
): Promise<{ bytes: Uint8Array; label: AigcRecord }> {
  assertWritable(label);
  const src = new BufferSource(bytes);
  const codec = await requireCodec(src, options.name);
  const write = requireWriter(codec);
  const signing = options.sign ? await signForWrite(src, label, options.sign, options.name) : null;
  const record = signing?.label ?? label;
  const sink = new MemorySink();
  await write(src, sink, record);
  const out = new BufferSource(sink.bytes());
  await readBack(codec, out, record);
  if (signing) await bindingReadBack(out, signing);
  return { bytes: sink.bytes(), label: record };
}

interface Signing {
  label: AigcRecord;
  algorithm: DigestAlgorithm;
  digest: Uint8Array;
}

async function signForWrite(
  src: ByteSource,
  label: AigcRecord,
  sign: NonNullable<WriteLabelOptions['sign']>,
  name: string | undefined,
): Promise<Signing> {
  const algorithm = digestAlgorithmFor(sign.signer.alg);
  const digest = await contentDigest(src, algorithm, name);
  let signed = label;
  // The producer first: the propagator's signature covers ReservedCode1.
  for (const role of ['producer', 'propagator'] as const) {
    if ((sign.roles ?? ['producer']).includes(role))
      signed = await signRecord(signed, { signer: sign.signer, role, digest });
  }
  assertWritable(signed);
  return { label: signed, algorithm, digest };
}

/** The output's content binding must be the one signed: a writer whose relabelling is not stable is caught here. */
async function bindingReadBack(out: ByteSource, signing: Signing): Promise<void> {
  const again = await contentDigest(out, signing.algorithm);
  if (!Buffer.from(again).equals(Buffer.from(signing.digest))) {
    throw new HeguiError('readback_failed', 'the output does not have the content binding that was signed');
  }
}

export type { LabelFinding };

import { isHeguiError } from '../../errors.ts';
import type { LabelFinding } from '../aigc/findings.ts';
import type { LabelForm } from '../aigc/parse.ts';
import { type AigcRecord, LABEL_MEANING, LABEL_VALUES, type LabelValue } from '../aigc/record.ts';
import { sniffCodec } from '../codecs/registry.ts';
import { type FoundTextLabel, findTextLabels } from '../explicit/text/find.ts';
import { measureText } from '../explicit/text/measure.ts';
import type { TextFormat } from '../explicit/text/options.ts';
import type { ByteSource } from '../io/source.ts';
import { type FormatInfo, type LabelReading, readSource, withSource } from '../label-file.ts';
import { type CheckContext, checkSignature, type SignatureReport } from '../security/check.ts';
import { contentDigest, type DigestAlgorithm } from '../security/content-binding.ts';
import type { TrustList } from '../security/trust-list.ts';
import type { VerifyFinding, VerifyFindingCode } from './findings.ts';
import { providerFindings } from './provider.ts';

/**
 * The verdict model (as AigcTotal's, so results compare): a file whose structure could not be read where a label
 * could be is `inconclusive`; one with an error is `noncompliant`; one without any label is `not_found`; else
 * `compliant`. Only `compliant` passes.
 */
export type Outcome = 'compliant' | 'noncompliant' | 'inconclusive' | 'not_found';

export interface VerifiedSite {
  placement: string;
  normative: boolean;
  offset: number;
  form?: LabelForm;
  /** The fields found at this site (strings only), as evidence. */
  fields: Partial<Record<string, string>>;
  findings: LabelFinding[];
}

export interface VerifyResult {
  /** The path, when a path was verified. */
  file?: string;
  format: FormatInfo | null;
  size: number;
  outcome: Outcome;
  passed: boolean;
  /** The Label the file carries (GB 45438 App. E: 1 is, 2 possibly, 3 suspected AI-generated), or null. */
  verdict: { label: LabelValue | null; meaning: string | null };
  label: AigcRecord | null;
  sites: VerifiedSite[];
  signatures: SignatureReport[];
  findings: VerifyFinding[];
  /**
   * Explicit labels (GB 45438 §5: a prompt or corner mark) found in the text of a plain-text, Markdown or HTML file.
   * In plain text, which has no metadata container, they count as the file's label; in Markdown and HTML they are
   * evidence only (a propagation platform's case 3, labeling.md §6), the metadata label being required there, and are
   * looked for only when the file has no metadata label.
   */
  explicit: FoundTextLabel[];
}

export interface VerifyOptions {
  /** Provider keys; without it signatures are checked against the keys the labels carry and reported as such. */
  trust?: TrustList;
  /** The time key validity is judged at (default: now). Labels carry no signing time. */
  now?: Date;
}

const INCONCLUSIVE: ReadonlySet<VerifyFindingCode> = new Set([
  'format_unknown',
  'structure_error',
  'structure_damaged',
  'label_shell_empty',
]);

/** Codec warnings that mean damage where a label could be, not a mere oddity. */
const DAMAGE: ReadonlySet<string> = new Set([
  'truncated',
  'malformed',
  'oversize',
  'crc_mismatch',
  'text_chunk_malformed',
  'xmp_unreadable',
  'exif_unreadable',
  'xmp_extended_malformed',
  'id3_frame_undecodable',
  'label_chunk_oversize',
  'xmp_oversize',
]);

function outcomeOf(findings: VerifyFinding[], sites: number): Outcome {
  if (findings.some((f) => INCONCLUSIVE.has(f.code))) return 'inconclusive';
  if (sites === 0) return 'not_found';
  return findings.some((f) => f.severity === 'error') ? 'noncompliant' : 'compliant';
}

function result(
  base: Pick<VerifyResult, 'format' | 'size'>,
  reading: LabelReading | null,
  findings: VerifyFinding[],
  signatures: SignatureReport[],
  explicit: FoundTextLabel[] = [],
  explicitIsLabel = false,
): VerifyResult {
  const sites: VerifiedSite[] = (reading?.sites ?? []).map((s) => ({
    placement: s.placement,
    normative: s.normative,
    offset: s.offset,
    ...(s.parsed.form ? { form: s.parsed.form } : {}),
    fields: s.parsed.fields,
    findings: s.parsed.findings,
  }));
  const label = reading?.label ?? null;
  // The Label of the chosen record; else of the first site that has one (a label missing other fields still says 1).
  const said = label?.Label ?? sites.find((s) => s.fields['Label'] !== undefined)?.fields['Label'] ?? '';
  const value = (LABEL_VALUES as readonly string[]).includes(said) ? (said as LabelValue) : null;
  const outcome = outcomeOf(findings, sites.length + (explicitIsLabel ? explicit.length : 0));
  return {
    ...base,
    outcome,
    passed: outcome === 'compliant',
    verdict: { label: value, meaning: value ? LABEL_MEANING[value].zh : null },
    label,
    sites,
    signatures,
    findings,
    explicit,
  };
}

/** Text up to this size is searched whole; a longer text near its start and its end. */
const TEXT_WHOLE = 4 * 1024 * 1024;
const TEXT_TAIL = 4096;

/** The text formats whose explicit labels are looked for, as the explicit-label finder names them. */
const TEXT_FORMATS: Partial<Record<string, TextFormat>> = { text: 'plain', markdown: 'markdown', html: 'html' };

/**
 * Explicit labels in a text, judged within what a reader sees as the document (after Markdown front matter, inside an
 * HTML body). HTML in a legacy encoding decodes with replacement characters; the labels are UTF-8 text either way.
 */
async function explicitTextLabels(src: ByteSource, format: TextFormat): Promise<FoundTextLabel[]> {
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  if (src.size <= TEXT_WHOLE) return measureText(decode(await src.read(0, src.size)), format).labels;
  const head = measureText(decode(await src.read(0, TEXT_WHOLE)), format).labels.filter((l) => l.position === 'prefix');
  const tailText = decode(await src.read(src.size - TEXT_TAIL, TEXT_TAIL));
  // Offsets in the tail are relative to it; the position is what counts for a suffix.
  const tail = findTextLabels(tailText).filter((l) => l.position === 'suffix' && l.start > 0);
  return [...head, ...tail];
}

/** Verify an open source: the label, its placement, its values, its signatures and its content binding. */
export async function verifySource(src: ByteSource, options: VerifyOptions = {}): Promise<VerifyResult> {
  const codec = await sniffCodec(src);
  if (!codec) {
    return result(
      { format: null, size: src.size },
      null,
      [
        {
          code: 'format_unknown',
          severity: 'error',
          message: 'the file is not in a format Hegui recognises (checked by its magic bytes)',
        },
      ],
      [],
    );
  }
  const format: FormatInfo = { codec: codec.id, name: codec.name, kind: codec.kind };
  let reading: LabelReading;
  try {
    reading = await readSource(src);
  } catch (e) {
    if (!isHeguiError(e)) throw e;
    return result(
      { format, size: src.size },
      null,
      [
        {
          code: 'structure_error',
          severity: 'error',
          message: `the ${codec.name} structure could not be read: ${e.message}`,
        },
      ],
      [],
    );
  }
  const findings: VerifyFinding[] = [];
  for (const w of reading.warnings) {
    const damage = DAMAGE.has(w.code);
    findings.push({
      code: damage ? 'structure_damaged' : 'structure_warning',
      severity: damage ? 'error' : 'warning',
      message: `${w.message} [${w.code}]`,
      ...(w.offset === undefined ? {} : { offset: w.offset }),
    });
  }
  // Plain text carries no metadata label; its label is the explicit prompt or corner mark in the text itself. In
  // Markdown and HTML without a metadata label an explicit label is recorded as evidence (labeling.md §6 step 3, the
  // only use of it); a labelled one is not scanned.
  const textFormat = TEXT_FORMATS[codec.id];
  const scan = textFormat && (codec.id === 'text' || reading.sites.length === 0);
  const explicit = scan ? await explicitTextLabels(src, textFormat) : [];
  const explicitIsLabel = codec.id === 'text';
  for (const f of reading.findings) {
    if (f.code === 'no_label' && codec.id === 'text') {
      if (explicit.length === 0)
        findings.push({ ...f, message: 'the text carries no explicit AI label (GB 45438 §5)' });
      continue;
    }
    findings.push({ code: f.code, severity: f.severity, message: f.message });
  }
  reading.sites.forEach((s, site) => {
    for (const f of s.parsed.findings) {
      const shell = f.code === 'empty';
      findings.push({
        code: shell ? 'label_shell_empty' : f.code,
        severity: f.severity,
        message: shell ? 'a label placement holds nothing: it was wiped, or written empty' : f.message,
        ...(f.field ? { field: f.field } : {}),
        site,
        offset: s.offset,
      });
    }
  });
  const signatures: SignatureReport[] = [];
  const label = reading.label;
  if (label) {
    findings.push(...providerFindings(label));
    const digests = new Map<DigestAlgorithm, Promise<Uint8Array | null>>();
    const ctx: CheckContext = {
      ...(options.trust ? { trust: options.trust } : {}),
      now: options.now ?? new Date(),
      digest(algorithm) {
        let d = digests.get(algorithm);
        if (!d) {
          // A format that is read but not written has no canonical form; any other failure is damage.
          d = contentDigest(src, algorithm).catch((e: unknown) => {
            if (isHeguiError(e) && e.code === 'format_unsupported') return null;
            throw e;
          });
          digests.set(algorithm, d);
        }
        return d;
      },
    };
    for (const role of ['producer', 'propagator'] as const) {
      const checked = await checkSignature(label, role, ctx);
      signatures.push(checked.report);
      findings.push(...checked.findings);
    }
  }
  return result({ format, size: src.size }, reading, dedupe(findings), signatures, explicit, explicitIsLabel);
}

/** Both signatures can meet the same damage: report it once. */
function dedupe(findings: VerifyFinding[]): VerifyFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    if (f.code !== 'structure_damaged') return true;
    const key = `${f.code}\u0000${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Verify a file (path) or bytes in memory. Never throws for a file that is merely bad: every problem is a finding. */
export async function verify(input: string | Uint8Array, options: VerifyOptions = {}): Promise<VerifyResult> {
  const r = await withSource(input, (src) => verifySource(src, options));
  return typeof input === 'string' ? { file: input, ...r } : r;
}

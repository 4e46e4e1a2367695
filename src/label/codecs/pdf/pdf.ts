import { HeguiError, isHeguiError } from '../../../errors.ts';
import { type AigcRecord, serializeBare } from '../../aigc/record.ts';
import { asciiBytes, indexOfBytes } from '../../io/bytes.ts';
import type { ByteSink } from '../../io/sink.ts';
import type { ByteSource } from '../../io/source.ts';
import { readXmpAigc } from '../../xmp/xmp.ts';
import type { Codec, CodecReadResult, CodecWarning, LabelSite } from '../codec.ts';
import { asWarning, PdfDocument } from './document.ts';
import { infoAigc, loadInfo, loadXmp } from './labels.ts';
import { dictGet } from './lexer.ts';
import { readIndirectAt } from './objects.ts';
import { withoutOwnUpdates } from './own-update.ts';
import { scanRawAigc } from './raw-scan.ts';
import { buildIncrementalUpdate } from './update.ts';

/** Placement written (GB 45438 App. E, text guide TC260-PG-20258A): Info dictionary key /AIGC, a text string. */
const INFO_PLACEMENT = 'pdf.info';
/** Also read: TC260:AIGC in the catalog's XMP metadata stream. */
const XMP_PLACEMENT = 'pdf.xmp';
/** Also read, as AigcTotal does: a `/AIGC (…)` literal outside every object the cross-reference knows. */
const RAW_PLACEMENT = 'pdf.raw-scan';

const MAGIC = asciiBytes('%PDF-');
/** §7.5.2: readers accept the header anywhere in the first 1024 bytes. */
const HEADER_WINDOW = 1024;

const encryptedError = (): HeguiError =>
  new HeguiError(
    'format_unsupported',
    'encrypted PDF: its Info strings and metadata cannot be read or written without the key; decrypt it first (e.g. qpdf --decrypt)',
  );

interface Walk {
  doc?: PdfDocument;
  sites: LabelSite[];
  warnings: CodecWarning[];
  /** Raw-scan hits outside every known object: labels an incremental update cannot remove. */
  stray: LabelSite[];
  /** Why the cross-reference sections could not be read. */
  openError?: unknown;
}

async function walk(src: ByteSource): Promise<Walk> {
  const sites: LabelSite[] = [];
  const warnings: CodecWarning[] = [];
  let doc: PdfDocument | undefined;
  let openError: unknown;
  try {
    doc = await PdfDocument.open(src);
  } catch (e) {
    warnings.push(asWarning(e, 'cross-reference'));
    openError = e;
  }
  if (doc?.encrypted) throw encryptedError();
  if (doc) {
    try {
      const info = await loadInfo(doc);
      const text = info && (await infoAigc(doc, info));
      if (info && text !== undefined)
        sites.push({ placement: INFO_PLACEMENT, normative: true, text, offset: info.offset });
    } catch (e) {
      warnings.push(asWarning(e, 'Info dictionary'));
    }
    try {
      const xmp = await loadXmp(doc);
      for (const p of xmp ? readXmpAigc(xmp.packet) : []) {
        sites.push({ placement: XMP_PLACEMENT, normative: false, text: p.value, offset: xmp!.obj.offset });
      }
    } catch (e) {
      warnings.push(asWarning(e, 'XMP metadata stream'));
    }
  }
  const stray: LabelSite[] = [];
  const scan = await scanRawAigc(src);
  if (scan.capped) warnings.push({ code: 'raw_scan_capped', message: 'more than 256 /AIGC keys; the scan stopped' });
  for (const hit of scan.hits) {
    if (doc && (await doc.isInsideKnownStructure(hit.offset))) continue;
    stray.push({ placement: RAW_PLACEMENT, normative: false, text: hit.text, offset: hit.offset });
  }
  sites.push(...stray);
  sites.sort((a, b) => a.offset - b.offset);
  return { ...(doc ? { doc } : { openError }), sites, warnings, stray };
}

export const pdfCodec: Codec = {
  id: 'pdf',
  name: 'PDF',
  kind: 'document',
  mimeTypes: ['application/pdf'],
  extensions: ['pdf'],

  sniff: (src) => indexOfBytes(src.head.subarray(0, HEADER_WINDOW), MAGIC) >= 0,

  async read(src): Promise<CodecReadResult> {
    const { sites, warnings } = await walk(src);
    return { sites, warnings };
  },

  async write(src: ByteSource, out: ByteSink, label: AigcRecord): Promise<void> {
    const w = await walk(src);
    // Without a readable cross-reference there is nothing to append an update to.
    if (!w.doc) throw w.openError;
    if (w.stray.length > 0) {
      throw new HeguiError(
        'format_unsupported',
        'the PDF has an /AIGC entry outside every object; an incremental update cannot remove it (rewrite the file with qpdf first)',
        { offset: w.stray[0]!.offset },
      );
    }
    // The previous label's update is replaced, not stacked on: relabelling is stable and the file does not grow.
    const base = await withoutOwnUpdates(w.doc);
    const appended = await buildIncrementalUpdate(base, serializeBare(label));
    await out.copyFrom(src, 0, base.src.size);
    await out.write(appended);
  },

  async describe(src): Promise<string> {
    const m = /^%PDF-(\d\.\d)/.exec(Buffer.from(src.head.subarray(0, 16)).toString('latin1'));
    const version = m ? `PDF ${m[1]}` : 'PDF';
    try {
      const doc = await PdfDocument.open(src);
      const facts: string[] = [];
      const newest = doc.newest;
      facts.push(newest.kind === 'stream' ? 'cross-reference stream' : 'cross-reference table');
      if (newest.xrefStm !== undefined) facts.push('hybrid');
      if (await isLinearized(src, doc)) facts.push('linearized');
      if (doc.xref.sections.length > 1) facts.push(`${doc.xref.sections.length} revisions`);
      if (doc.encrypted) facts.push('encrypted');
      return `${version} (${facts.join(', ')})`;
    } catch (e) {
      if (!isHeguiError(e)) throw e;
      return `${version} (cross-reference unreadable)`;
    }
  },
};

/** §F.3.3: the first object after the header is the linearization parameter dictionary. */
async function isLinearized(src: ByteSource, doc: PdfDocument): Promise<boolean> {
  const first = doc.xref.objectStarts[0];
  if (first === undefined || first > HEADER_WINDOW) return false;
  const o = await readIndirectAt(src, first).catch(() => undefined);
  return o?.value.t === 'dict' && dictGet(o.value, 'Linearized') !== undefined;
}

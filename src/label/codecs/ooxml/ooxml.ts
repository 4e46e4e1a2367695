import { HeguiError, isHeguiError } from '../../../errors.ts';
import type { AigcRecord } from '../../aigc/record.ts';
import { startsWith, utf8 } from '../../io/bytes.ts';
import type { ByteSink } from '../../io/sink.ts';
import type { ByteSource } from '../../io/source.ts';
import type { Codec, CodecReadResult, CodecWarning, LabelSite } from '../codec.ts';
import {
  addCustomRelationship,
  CUSTOM_PART,
  customTarget,
  ensureOverride,
  MAX_PART_BYTES,
  NEW_RELS,
  readCustomAigc,
  writeCustomAigc,
} from './parts.ts';
import { checkLocalHeaders, findEntry, readEntry, readZipDirectory, type ZipDirectory, type ZipEntry } from './zip.ts';
import { type NewPart, rewriteZip } from './zip-write.ts';

/** Placement written (TC260-PG-20258A): custom property `AIGC`, `vt:lpwstr`, in docProps/custom.xml. */
const PLACEMENT = 'ooxml.custom';
const CONTENT_TYPES = '[Content_Types].xml';
const RELS = '_rels/.rels';
/** The main part names each application writes (ECMA-376 Part 1 §11.3.10, §12.3.23, §13.3.6). */
const MAIN_PARTS: [string, string][] = [
  ['word/document.xml', 'DOCX (Word document)'],
  ['xl/workbook.xml', 'XLSX (Excel workbook)'],
  ['ppt/presentation.xml', 'PPTX (PowerPoint presentation)'],
];

interface Package {
  dir: ZipDirectory;
  kind: string;
  customName: string;
  custom: ZipEntry[];
  contentTypes: ZipEntry;
  rels?: ZipEntry;
  relsXml?: string;
}

function decodePart(bytes: Uint8Array, name: string, forWrite: boolean): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    if (forWrite) throw new HeguiError('format_unsupported', `${name} is UTF-16; only UTF-8 parts are rewritten`);
    return new TextDecoder(bytes[0] === 0xff ? 'utf-16le' : 'utf-16be').decode(bytes.subarray(2));
  }
  return new TextDecoder('utf-8').decode(bytes);
}

async function readPart(src: ByteSource, e: ZipEntry, forWrite: boolean): Promise<string> {
  return decodePart(await readEntry(src, e, MAX_PART_BYTES), e.name, forWrite);
}

async function openPackage(src: ByteSource, forWrite: boolean): Promise<Package> {
  const dir = await readZipDirectory(src);
  const main = MAIN_PARTS.find(([n]) => findEntry(dir, n));
  const contentTypes = findEntry(dir, CONTENT_TYPES);
  if (!main || !contentTypes)
    throw new HeguiError('malformed', 'the ZIP is not an OOXML package (no content types or main part)');
  await checkLocalHeaders(src, dir);
  const rels = findEntry(dir, RELS);
  const relsXml = rels ? await readPart(src, rels, forWrite) : undefined;
  const customName = (relsXml && customTarget(relsXml)) || CUSTOM_PART;
  const key = customName.toLowerCase();
  const custom = dir.entries.filter((e) => e.name.toLowerCase() === key);
  return {
    dir,
    kind: main[1],
    customName,
    custom,
    contentTypes,
    ...(rels ? { rels } : {}),
    ...(relsXml ? { relsXml } : {}),
  };
}

async function sitesOf(src: ByteSource, pkg: Package, warnings: CodecWarning[]): Promise<LabelSite[]> {
  const sites: LabelSite[] = [];
  for (const e of pkg.custom) {
    try {
      for (const p of readCustomAigc(await readPart(src, e, false))) {
        sites.push({ placement: PLACEMENT, normative: true, text: p.value, offset: e.localOffset });
      }
    } catch (err) {
      if (!isHeguiError(err)) throw err;
      warnings.push({ code: err.code, message: `${e.name}: ${err.message}`, offset: e.localOffset });
    }
  }
  return sites;
}

export const ooxmlCodec: Codec = {
  id: 'ooxml',
  name: 'DOCX / XLSX / PPTX',
  kind: 'document',
  mimeTypes: [
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  ],
  extensions: [
    'docx',
    'docm',
    'dotx',
    'dotm',
    'xlsx',
    'xlsm',
    'xltx',
    'xltm',
    'pptx',
    'pptm',
    'potx',
    'potm',
    'ppsx',
    'ppsm',
  ],

  async sniff(src): Promise<boolean> {
    if (!startsWith(src.head, [0x50, 0x4b, 0x03, 0x04])) return false;
    try {
      const dir = await readZipDirectory(src);
      return findEntry(dir, CONTENT_TYPES) !== undefined && MAIN_PARTS.some(([n]) => findEntry(dir, n));
    } catch (e) {
      if (!isHeguiError(e)) throw e;
      // A damaged directory: the local headers at the start still name the parts, so the reader can say what broke.
      const names = Buffer.from(src.head).toString('latin1');
      return names.includes(CONTENT_TYPES) && MAIN_PARTS.some(([n]) => names.includes(n));
    }
  },

  async read(src): Promise<CodecReadResult> {
    const pkg = await openPackage(src, false);
    const warnings: CodecWarning[] = [];
    if (pkg.dir.badNames.length > 0) {
      warnings.push({
        code: 'bad_entry_names',
        message: `${pkg.dir.badNames.length} entry name(s) are unsafe or repeated`,
      });
    }
    return { sites: await sitesOf(src, pkg, warnings), warnings };
  },

  async write(src: ByteSource, out: ByteSink, label: AigcRecord): Promise<void> {
    const pkg = await openPackage(src, true);
    if (pkg.custom.length > 1) throw new HeguiError('malformed', `the package holds ${pkg.customName} twice`);
    const replace = new Map<ZipEntry, Uint8Array>();
    const add: NewPart[] = [];
    const existing = pkg.custom[0];
    if (existing) {
      replace.set(existing, utf8.encode(writeCustomAigc(await readPart(src, existing, true), label)));
    } else {
      add.push({ name: pkg.customName, data: utf8.encode(writeCustomAigc(null, label)) });
    }
    // A new part needs its content type and the package relationship that makes it the custom properties part.
    const ct = await readPart(src, pkg.contentTypes, true);
    const ct2 = ensureOverride(ct, pkg.customName);
    if (ct2 !== ct) replace.set(pkg.contentTypes, utf8.encode(ct2));
    if (!pkg.relsXml || customTarget(pkg.relsXml) === undefined) {
      const rels = addCustomRelationship(pkg.relsXml ?? NEW_RELS, pkg.customName);
      if (pkg.rels) replace.set(pkg.rels, utf8.encode(rels));
      else add.push({ name: RELS, data: utf8.encode(rels) });
    }
    await rewriteZip(src, out, pkg.dir, replace, add);
  },

  async describe(src): Promise<string> {
    const dir = await readZipDirectory(src);
    return MAIN_PARTS.find(([n]) => findEntry(dir, n))?.[1] ?? 'OOXML package';
  },
};

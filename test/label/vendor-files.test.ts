/**
 * Every file in ../shared/testdata/labels that is in a format the codecs read: real vendor outputs (Doubao, Jimeng)
 * and the AigcTotal verifier fixtures, each read and its label and findings asserted against MANIFEST.tsv; the real
 * outputs also against the exiftool reading stored beside them (`*.exiftool.json`).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseLabelText, readLabel } from '../../src/index.ts';

/** Beside the repository (../shared/testdata/labels), or $HEGUI_TESTDATA/labels when the checkout lives elsewhere. */
const dir = join(
  process.env['HEGUI_TESTDATA'] ?? fileURLToPath(new URL('../../../shared/testdata/', import.meta.url)),
  'labels',
);
const manifest = join(dir, 'MANIFEST.tsv');

interface Row {
  file: string;
  json: string;
  verdict: string;
}

const rows: Row[] = existsSync(manifest)
  ? readFileSync(manifest, 'utf8')
      .split('\n')
      .slice(1)
      .filter(Boolean)
      .map((l) => l.split('\t'))
      .map((c) => ({ file: c[0]!, json: c[7]!, verdict: c[9]! }))
  : [];

/**
 * What each AigcTotal file must produce: file-level finding codes and the site's parse finding codes (and, for the
 * document samples, the codec and placement: the PDF's /AIGC sits after the trailer, outside every object, so only
 * the raw scan finds it; the Markdown front matter has three of the seven fields).
 */
const EXPECTED: Record<
  string,
  {
    file: string[];
    site: string[][];
    warnings?: string[];
    codec?: string;
    placement?: string;
    normative?: boolean;
    fields?: Record<string, string>;
  }
> = {
  'aigctotal/png-label-valid.png': { file: [], site: [[]] },
  'aigctotal/png-text-wrapped.png': { file: [], site: [[]] },
  'aigctotal/png-label-duplicate.png': { file: ['multiple_labels'], site: [[], []] },
  'aigctotal/png-label-disagree.png': { file: ['multiple_labels', 'labels_disagree'], site: [[], []] },
  'aigctotal/png-label-invalid-enum.png': { file: [], site: [['label_value_invalid']] },
  'aigctotal/png-label-charset-violation.png': { file: [], site: [['charset_violation']] },
  'aigctotal/png-label-missing-field.png': { file: [], site: [Array(5).fill('missing_field')] },
  'aigctotal/png-label-unknown-field.png': { file: [], site: [['extra_field']] },
  'aigctotal/png-text-empty-shell.png': { file: [], site: [['empty']] },
  'aigctotal/png-truncated.png': { file: [], site: [[]], warnings: ['truncated'] },
  'aigctotal/png-ztxt-truncated-tail.png': { file: [], site: [['empty']], warnings: ['text_chunk_malformed'] },
  'aigctotal/pdf-info-aigc.pdf': {
    codec: 'pdf',
    placement: 'pdf.raw-scan',
    normative: false,
    file: [],
    site: [[]],
    warnings: ['malformed'],
  },
  'aigctotal/md-front-matter.md': {
    codec: 'markdown',
    placement: 'markdown.front-matter',
    normative: true,
    file: [],
    site: [Array(4).fill('missing_field')],
    fields: { Label: '1', ContentProducer: 'CorpusStudio', ProduceID: 'C-002' },
  },
};

describe('real labelled files from ../shared/testdata/labels', {
  skip: rows.length ? false : `testdata not found at ${dir} (set HEGUI_TESTDATA)`,
}, () => {
  for (const row of rows) {
    // Plain text carries no metadata label: its prompt-text labels are the explicit-label verifier's to check.
    const isText = row.file.endsWith('.txt');
    it(`${row.file}: ${row.verdict.slice(0, 60)}`, {
      skip: isText
        ? 'plain text holds no metadata label; prompt-text labels are checked by the explicit-label verifier'
        : false,
    }, async () => {
      const r = await readLabel(join(dir, row.file));
      const want = EXPECTED[row.file];
      assert.equal(r.format.codec, want?.codec ?? 'png');
      if (row.file.startsWith('real-vendor/')) {
        // Real outputs: one XMP iTXt site, the exact JSON from the manifest, no findings.
        assert.equal(r.sites.length, 1);
        assert.equal(r.sites[0]!.placement, 'png.xmp');
        assert.equal(r.sites[0]!.text, row.json);
        assert.deepEqual(r.label, parseLabelText(row.json).record);
        assert.deepEqual(r.findings, []);
        assert.deepEqual(r.sites[0]!.parsed.findings, []);
        // exiftool's reading, stored with the file: the same tag text (XMP-TC260:Aigc) and the same image.
        const reference = row.file.replace(/\.png$/, '.exiftool.json');
        const [tags] = JSON.parse(readFileSync(join(dir, reference), 'utf8')) as Record<string, unknown>[];
        assert.equal(tags!['XMP-TC260:Aigc'], r.sites[0]!.text, `${reference}: exiftool read other label text`);
        assert.deepEqual(r.label, parseLabelText(String(tags!['XMP-TC260:Aigc'])).record);
        assert.deepEqual(
          Object.keys(tags!).filter((k) => /aigc|tc260/i.test(k)),
          ['XMP-TC260:Aigc'],
          'exiftool saw one label, as Hegui did',
        );
        assert.equal(tags!['File:FileType'], 'PNG');
        return;
      }
      assert.ok(want, `no expectation written for ${row.file}`);
      if (want.placement) {
        assert.deepEqual(
          r.sites.map((s) => [s.placement, s.normative]),
          [[want.placement, want.normative]],
        );
      }
      assert.deepEqual(
        r.findings.map((f) => f.code),
        want.file,
      );
      assert.deepEqual(
        r.sites.map((s) => s.parsed.findings.map((f) => f.code)),
        want.site,
      );
      assert.deepEqual(
        r.warnings.map((w) => w.code),
        want.warnings ?? [],
      );
      if (want.fields) assert.deepEqual(r.sites[0]!.parsed.fields, want.fields);
      if (want.site.every((s) => s.length === 0)) {
        const first = row.json.split(' || ')[0]!;
        assert.deepEqual(r.sites[0]!.parsed.record, parseLabelText(first).record);
      }
    });
  }
});

/**
 * Every file in ../shared/testdata/labels that is in a format the codecs read: real vendor outputs (Doubao, Jimeng)
 * and the AigcTotal verifier fixtures, each read and its label and findings asserted against MANIFEST.tsv.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseLabelText, readLabel } from '../../src/index.ts';

const dir = fileURLToPath(new URL('../../../shared/testdata/labels/', import.meta.url));
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

/** What each AigcTotal negative must produce: file-level finding codes and the site's parse finding codes. */
const EXPECTED: Record<string, { file: string[]; site: string[][]; warnings?: string[] }> = {
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
};

describe('real labelled files from ../shared/testdata/labels', {
  skip: rows.length ? false : 'testdata not present',
}, () => {
  for (const row of rows) {
    const isImage = row.file.endsWith('.png');
    it(`${row.file}: ${row.verdict.slice(0, 60)}`, {
      skip: isImage ? false : 'document and text labels are read by the document codecs',
    }, async () => {
      const r = await readLabel(join(dir, row.file));
      assert.equal(r.format.codec, 'png');
      if (row.file.startsWith('real-vendor/')) {
        // Real outputs: one XMP iTXt site, the exact JSON from the manifest, no findings.
        assert.equal(r.sites.length, 1);
        assert.equal(r.sites[0]!.placement, 'png.xmp');
        assert.equal(r.sites[0]!.text, row.json);
        assert.deepEqual(r.label, parseLabelText(row.json).record);
        assert.deepEqual(r.findings, []);
        assert.deepEqual(r.sites[0]!.parsed.findings, []);
        return;
      }
      const want = EXPECTED[row.file];
      assert.ok(want, `no expectation written for ${row.file}`);
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
      if (want.site.every((s) => s.length === 0)) {
        const first = row.json.split(' || ')[0]!;
        assert.deepEqual(r.sites[0]!.parsed.record, parseLabelText(first).record);
      }
    });
  }
});

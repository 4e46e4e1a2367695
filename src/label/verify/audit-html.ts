import type { AuditEntry, AuditReport } from './audit-report.ts';
import type { Severity } from './findings.ts';

/**
 * The audit report as one self-contained HTML page for a person: summary, two inline SVG bar charts (files per
 * finding, pass/fail per format) and a table of every file. No scripts, no external assets: it can be mailed, archived
 * or opened offline.
 */

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const COLOUR: Record<Severity | 'pass' | 'fail', string> = {
  error: '#c0392b',
  warning: '#b9770e',
  info: '#2874a6',
  pass: '#1e8449',
  fail: '#c0392b',
};

interface Bar {
  label: string;
  parts: { value: number; colour: string; title: string }[];
}

/** Horizontal bars, one row per item, stacked parts, the total at the end of each bar. */
export function barChart(title: string, bars: Bar[]): string {
  const row = 26;
  const labelWidth = 230;
  const barWidth = 420;
  const height = Math.max(1, bars.length) * row + 10;
  const max = Math.max(1, ...bars.map((b) => b.parts.reduce((n, p) => n + p.value, 0)));
  const rows = bars.map((b, i) => {
    const y = 5 + i * row;
    let x = labelWidth;
    const rects = b.parts
      .filter((p) => p.value > 0)
      .map((p) => {
        const w = Math.max(1, Math.round((p.value / max) * barWidth));
        const r = `<rect x="${x}" y="${y + 3}" width="${w}" height="${row - 8}" fill="${p.colour}"><title>${esc(p.title)}</title></rect>`;
        x += w;
        return r;
      })
      .join('');
    const total = b.parts.reduce((n, p) => n + p.value, 0);
    return (
      `<text x="${labelWidth - 8}" y="${y + row / 2 + 4}" text-anchor="end">${esc(b.label)}</text>` +
      rects +
      `<text x="${x + 6}" y="${y + row / 2 + 4}">${total}</text>`
    );
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(title)}" width="${labelWidth + barWidth + 60}" height="${height}" font-family="sans-serif" font-size="13">` +
    `<title>${esc(title)}</title>${rows.join('')}</svg>`
  );
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

function fileRow(e: AuditEntry): string {
  const r = e.result;
  if (!r) {
    return `<tr class="fail"><td>${esc(e.file)}</td><td>—</td><td>unreadable</td><td>—</td><td>—</td><td>${esc(e.error?.code ?? '')}</td></tr>`;
  }
  const producer = r.signatures.find((s) => s.role === 'producer');
  const sig = producer ? `${producer.status}${producer.binding ? `, binding ${producer.binding.status}` : ''}` : '—';
  const findings = r.findings
    .filter((f) => f.severity !== 'info')
    .map((f) => `<span class="${f.severity}">${esc(f.code)}</span>`)
    .join(' ');
  return (
    `<tr class="${r.passed ? 'pass' : 'fail'}"><td>${esc(e.file)}</td><td>${esc(r.format?.name ?? 'unrecognised')}</td>` +
    `<td>${esc(r.outcome)}</td><td>${r.verdict.label ?? '—'}</td><td>${esc(sig)}</td><td>${findings}</td></tr>`
  );
}

/** The files left out because no codec recognises their format: per extension, then every path. */
function skippedSection(report: AuditReport): string {
  if (!report.skipped) return '';
  const per = Object.entries(report.skippedByExtension)
    .map(([ext, n]) => `${esc(ext)}: ${n}`)
    .join(', ');
  return `<h2>Not audited: format not recognised (${report.skipped})</h2>
<p>${per}. Name a file on the command line to have it verified (it then fails with format_unknown).</p>
<ul>${report.skippedFiles.map((f) => `<li>${esc(f)}</li>`).join('')}</ul>`;
}

export function renderAuditHtml(report: AuditReport): string {
  const s = report.summary;
  const findingBars: Bar[] = Object.entries(s.byFinding)
    .sort((a, b) => b[1]!.files - a[1]!.files || a[0].localeCompare(b[0]))
    .map(([code, v]) => ({
      label: code,
      parts: [{ value: v!.files, colour: COLOUR[v!.severity], title: `${code}: ${v!.files} file(s), ${v!.severity}` }],
    }));
  const formatBars: Bar[] = Object.entries(s.byFormat)
    .sort((a, b) => b[1].files - a[1].files)
    .map(([name, v]) => ({
      label: name,
      parts: [
        { value: v.passed, colour: COLOUR.pass, title: `${name}: ${v.passed} passed` },
        { value: v.files - v.passed, colour: COLOUR.fail, title: `${name}: ${v.files - v.passed} failed` },
      ],
    }));
  const sample = report.sample
    ? `a random sample of ${report.sample.size} of ${report.sample.population} files (seed ${report.sample.seed})`
    : 'every file';
  const card = (label: string, value: string, cls = '') =>
    `<div class="card ${cls}"><div class="v">${esc(value)}</div><div class="l">${esc(label)}</div></div>`;
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>AIGC 标识核验报告 / label audit</title>
<style>
body{font-family:system-ui,-apple-system,"Noto Sans SC",sans-serif;margin:2rem;color:#222;max-width:72rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
.meta{color:#555}.cards{display:flex;flex-wrap:wrap;gap:.75rem}
.card{border:1px solid #ddd;border-radius:6px;padding:.6rem 1rem;min-width:8rem}
.card .v{font-size:1.4rem;font-weight:600}.card .l{color:#555;font-size:.85rem}
.card.good .v{color:${COLOUR.pass}}.card.bad .v{color:${COLOUR.fail}}
table{border-collapse:collapse;width:100%;font-size:.85rem}th,td{border-bottom:1px solid #eee;padding:.3rem .5rem;text-align:left;vertical-align:top}
tr.fail td:nth-child(3){color:${COLOUR.fail};font-weight:600}tr.pass td:nth-child(3){color:${COLOUR.pass}}
span.error{color:${COLOUR.error}}span.warning{color:${COLOUR.warning}}td:first-child{word-break:break-all}
.legend span{display:inline-block;margin-right:1rem}.legend i{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:middle}
</style></head><body>
<h1>AIGC 标识核验报告 · GB 45438-2025 metadata label audit</h1>
<p class="meta">Generated ${esc(report.generatedAt)} by Hegui ${esc(report.tool.version)} over ${esc(sample)} in ${esc(report.inputs.join(', '))}.
Trust list: ${report.trustList ? esc(report.trustList) : 'none (signatures are checked against the keys the labels carry)'}.
${report.skipped ? `${report.skipped} file(s) of formats Hegui does not recognise were not audited (listed below).` : ''}</p>
<div class="cards">
${card('files', String(s.files))}${card('passed', String(s.passed), 'good')}${card('failed', String(s.failed), s.failed ? 'bad' : '')}${card('pass rate', pct(s.passRate), s.passRate === 1 ? 'good' : 'bad')}
${card('compliant', String(s.outcomes.compliant))}${card('noncompliant', String(s.outcomes.noncompliant))}${card('inconclusive', String(s.outcomes.inconclusive))}${card('no label', String(s.outcomes.not_found))}${card('unreadable', String(s.unreadable))}
${card('signed and bound', String(s.signedAndBound))}${card('Label 1 / 2 / 3', `${s.byLabel['1']} / ${s.byLabel['2']} / ${s.byLabel['3']}`)}
</div>
<h2>Findings: files per finding</h2>
<p class="legend"><span><i style="background:${COLOUR.error}"></i>error (fails the file)</span><span><i style="background:${COLOUR.warning}"></i>warning</span><span><i style="background:${COLOUR.info}"></i>information</span></p>
${findingBars.length ? barChart('files per finding', findingBars) : '<p>No findings.</p>'}
<h2>Formats: passed and failed</h2>
<p class="legend"><span><i style="background:${COLOUR.pass}"></i>passed</span><span><i style="background:${COLOUR.fail}"></i>failed</span></p>
${formatBars.length ? barChart('files per format', formatBars) : '<p>No files.</p>'}
<h2>Files</h2>
<table><thead><tr><th>file</th><th>format</th><th>outcome</th><th>Label</th><th>producer signature</th><th>findings (errors and warnings)</th></tr></thead>
<tbody>
${report.files.map(fileRow).join('\n')}
</tbody></table>
${skippedSection(report)}
</body></html>
`;
}

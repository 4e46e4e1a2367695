/**
 * What Art. 19 asks to be shown publicly: "在其提供服务的网站、应用程序等显著位置标明其备案编号并提供公示信息链接".
 * A page listing every filing number with its public information link, and a badge (SVG) a site embeds next to the
 * service. Pure functions over the filings: the routes serve them without a login.
 */
export interface PublicFiling {
  filingNumber: string;
  publicName: string;
  infoUrl: string;
  filedAt: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeXml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** Only http(s) links are rendered as links: a stored `javascript:` URL must never become one. */
function safeUrl(u: string): string | undefined {
  try {
    const url = new URL(u);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

export function filingPageHtml(provider: string, filings: PublicFiling[]): string {
  const rows = filings
    .map((f) => {
      const url = safeUrl(f.infoUrl);
      const link = url ? `<a href="${escapeXml(url)}" rel="noopener">${escapeXml(url)}</a>` : '';
      return (
        `<tr><td>${escapeXml(f.publicName)}</td><td>${escapeXml(f.filingNumber)}</td>` +
        `<td>${escapeXml(f.filedAt.slice(0, 10))}</td><td>${link}</td></tr>`
      );
    })
    .join('\n');
  return `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>算法备案信息 · Algorithm filings — ${escapeXml(provider)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
<h1>深度合成服务算法备案信息 / Deep synthesis algorithm filings</h1>
<p>${escapeXml(provider)}</p>
<table>
<thead><tr><th>算法名称 / Algorithm</th><th>备案编号 / Filing number</th><th>备案日期 / Filed</th><th>公示信息 / Public information</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="4">暂无备案信息 / No filings recorded</td></tr>'}
</tbody>
</table>
</body>
</html>
`;
}

/** A flat two-part badge ("算法备案 | <number>"); widths estimated per character (CJK twice as wide). */
export function filingBadgeSvg(filingNumber: string): string {
  const label = '算法备案';
  const width = (s: string) => [...s].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e80 ? 13 : 7), 12);
  const lw = width(label);
  const vw = width(filingNumber);
  const number = escapeXml(filingNumber);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${lw + vw}" height="20" role="img" aria-label="${label}: ${number}">
<title>${label}: ${number}</title>
<rect width="${lw}" height="20" fill="#555"/><rect x="${lw}" width="${vw}" height="20" fill="#1f6feb"/>
<g fill="#fff" font-family="Verdana,'PingFang SC','Microsoft YaHei',sans-serif" font-size="11">
<text x="6" y="14">${label}</text><text x="${lw + 6}" y="14">${number}</text>
</g>
</svg>
`;
}

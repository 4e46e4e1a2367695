/**
 * Lookup of GB/T 2260 administrative division codes (the first six digits of a GB 11643 ID number).
 *
 * The table keeps abolished codes as well as current ones: an ID number keeps the code of the place where it was first
 * issued, so a person from Chongwen district (110103, merged in 2010) still carries 110103.
 */
import { GBT2260_TABLE } from './gbt2260-table.ts';

export interface Region {
  code: string;
  province?: string;
  prefecture?: string;
  county?: string;
  /** The most specific level the code was found at. */
  level: 'county' | 'prefecture' | 'province';
}

let table: Map<string, string> | undefined;

/** code (2, 4 or 6 digits) → name, parsed from the packed table on first use. */
function names(): Map<string, string> {
  if (table) return table;
  table = new Map();
  for (const line of GBT2260_TABLE.split('\n')) {
    if (!line) continue;
    const [head, ...counties] = line.split(' ');
    const code = /^\d+/.exec(head!)![0];
    table.set(code, head!.slice(code.length));
    for (const c of counties) table.set(code + c.slice(0, 2), c.slice(2));
  }
  return table;
}

/** The region a 6-digit code names, or undefined if the code was never in GB/T 2260. */
export function lookupRegion(code: string): Region | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const t = names();
  const p = code.slice(0, 2);
  const f = code.slice(0, 4);
  if (code.endsWith('0000')) return t.has(p) ? { code, province: t.get(p)!, level: 'province' } : undefined;
  if (code.endsWith('00')) {
    return t.has(f) ? { code, province: t.get(p), prefecture: t.get(f)!, level: 'prefecture' } : undefined;
  }
  if (!t.has(code)) return undefined;
  return { code, province: t.get(p), prefecture: t.get(f) || undefined, county: t.get(code)!, level: 'county' };
}

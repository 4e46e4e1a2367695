/**
 * Masks for showing identity numbers (Provisions Art. 9 data is personal information: shown masked, never logged).
 *
 * - ID numbers (18): the address code and the last four characters stay, the birth date goes:
 *   110105********002X. 15-character forms keep 6 + 3 (legacy resident) or 5 + 3 (legacy permanent residence).
 * - Mobile numbers: the segment and the last four digits stay: 138****8000 (the usual carrier display).
 * - Anything else: at most a quarter of the characters at each end, never fewer than half masked.
 * Unified social credit codes identify organisations and are public; they are shown in full.
 */
import { normalizeIdInput } from './id-number.ts';
import { nationalMobileNumber } from './mobile.ts';

function keep(s: string, start: number, end: number): string {
  if (start + end >= s.length) return '*'.repeat(s.length);
  return s.slice(0, start) + '*'.repeat(s.length - start - end) + s.slice(s.length - end);
}

export function maskIdNumber(raw: string): string {
  const id = normalizeIdInput(raw);
  if (id.length === 18) return keep(id, 6, 4);
  if (id.length === 15) return /^[A-Z]/.test(id) ? keep(id, 5, 3) : keep(id, 6, 3);
  return maskGeneric(id);
}

export function maskMobile(raw: string): string {
  const n = nationalMobileNumber(raw) ?? raw;
  return n.length === 11 ? keep(n, 3, 4) : maskGeneric(n);
}

export function maskGeneric(s: string): string {
  const k = Math.floor(s.length / 4);
  return keep(s, k, k);
}

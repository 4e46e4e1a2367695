/**
 * Mainland China mobile numbers: 11 digits, 1[3-9]…, in an allocated segment. Format validation is never proof of
 * possession: that takes the SMS one-time code of Provisions Art. 9.
 */
import { type Carrier, type SegmentService, segmentOf } from './mobile-segments.ts';

export type MobileInvalidReason = 'character' | 'country_code' | 'length' | 'prefix' | 'segment_unknown';

export interface MobileResult {
  valid: boolean;
  reason?: MobileInvalidReason;
  /** Original carrier of the segment (before any number portability). */
  carrier?: Carrier;
  service?: SegmentService;
  /** The segment matched, e.g. '138' or '1705'. */
  segment?: string;
}

export interface MobileCheckOptions {
  /** Accept 1[3-9] numbers outside the known segments (a segment allocated after this table). Default false. */
  allowUnknownSegments?: boolean;
}

/**
 * The 11-digit national number: full-width forms folded (NFKC), spaces, hyphens, dots and parentheses removed, and a
 * +86 / 0086 / 86 country prefix dropped. Undefined when another country code is given.
 */
export function nationalMobileNumber(raw: string): string | undefined {
  let s = raw.normalize('NFKC').replace(/[\s\-.()]/g, '');
  if (s.startsWith('+')) {
    if (!s.startsWith('+86')) return undefined;
    s = s.slice(3);
  } else if (s.startsWith('0086')) s = s.slice(4);
  else if (s.length === 13 && s.startsWith('86')) s = s.slice(2);
  return s;
}

export function validateMobile(raw: string, o: MobileCheckOptions = {}): MobileResult {
  const n = nationalMobileNumber(raw);
  if (n === undefined) return { valid: false, reason: 'country_code' };
  if (!/^\d+$/.test(n)) return { valid: false, reason: 'character' };
  if (n.length !== 11) return { valid: false, reason: 'length' };
  if (!/^1[3-9]/.test(n)) return { valid: false, reason: 'prefix' };
  const seg = segmentOf(n);
  if (!seg) return o.allowUnknownSegments ? { valid: true } : { valid: false, reason: 'segment_unknown' };
  return { valid: true, carrier: seg.carrier, service: seg.service, segment: seg.prefix };
}

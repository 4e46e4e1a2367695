/**
 * Identity-document numbers built on GB 11643-1999 (公民身份号码): 6-digit address code, 8-digit birth date, 3-digit
 * sequence (odd = male), ISO 7064 MOD 11-2 check character. The same layout and check serve
 *  - the mainland resident ID (address code: a GB/T 2260 county code);
 *  - the residence permit for Hong Kong, Macao and Taiwan residents (2018; address code 810000 / 820000 / 830000);
 *  - the foreigner's permanent residence ID, 2023 edition: '9', 2-digit province code of the issuing office, 3-digit
 *    nationality code, birth date, sequence, check (National Immigration Administration, in use from 2023-12-01).
 * Older forms are recognised and reported: the first-generation 15-digit resident ID (YYMMDD, no check character;
 * those cards lost validity on 2013-01-01) and the 15-character permanent residence ID of 2004/2017 (3 letters + 12
 * digits, still on cards in circulation, whose check rule is not published and so is not verified).
 *
 * Input is NFKC-normalised (full-width digits) and trimmed; a lower-case 'x' is accepted as the check character 'X',
 * since users type it that way and the number is the same. Results never echo the number itself.
 */
import { type BirthDateProblem, checkBirthDate } from './birth-date.ts';
import { mod11_2Check } from './check-char.ts';
import { lookupRegion, type Region } from './regions.ts';

export type IdNumberKind =
  | 'resident'
  | 'resident_legacy_15'
  | 'hmt_residence_permit'
  | 'foreign_permanent_residence'
  | 'foreign_permanent_residence_legacy';

export type IdInvalidReason =
  | 'length'
  | 'character'
  | 'region_unknown'
  | BirthDateProblem
  | 'checksum'
  | 'legacy_15_digit';

export interface IdNumberResult {
  valid: boolean;
  reason?: IdInvalidReason;
  kind?: IdNumberKind;
  /** Address code and its GB/T 2260 names (resident IDs), or the issuing province (permanent residence IDs). */
  region?: Region;
  /** For residence permits: which region's residents it is issued to. */
  permitFor?: 'HK' | 'MO' | 'TW';
  /** Permanent residence IDs: nationality as printed (3-digit numeric in 2023 IDs, 3 letters before). */
  nationality?: string;
  /** ISO 8601 date. */
  birthDate?: string;
  /** From the parity of the sequence code (GB 11643 §4.3). */
  sex?: 'male' | 'female';
  /** False where the format has no published check rule (the 15-character permanent residence ID). */
  checksumVerified?: boolean;
}

const PERMITS: Record<string, 'HK' | 'MO' | 'TW'> = { '810000': 'HK', '820000': 'MO', '830000': 'TW' };

export function normalizeIdInput(raw: string): string {
  return raw.normalize('NFKC').trim().replace(/x$/, 'X');
}

export interface IdCheckOptions {
  /** "Today" for the not-in-the-future rule (tests pin it). */
  today?: Date;
}

/** Validate any of the GB 11643-family numbers above and parse its parts. */
export function validateIdNumber(raw: string, o: IdCheckOptions = {}): IdNumberResult {
  const id = normalizeIdInput(raw);
  if (id.length === 15) return /^[A-Z]{3}/.test(id) ? legacyPermanentResidence(id) : legacyResident(id, o);
  if (id.length !== 18) return { valid: false, reason: 'length' };
  if (!/^\d{17}[\dX]$/.test(id)) return { valid: false, reason: 'character' };
  if (id[0] === '9') return permanentResidence(id, o);
  const code = id.slice(0, 6);
  const permitFor = PERMITS[code];
  const kind: IdNumberKind = permitFor ? 'hmt_residence_permit' : 'resident';
  const region = lookupRegion(code);
  // A province-level code is only an address code on the residence permits.
  if (!region || (region.level === 'province' && !permitFor)) return { valid: false, reason: 'region_unknown', kind };
  const parts = { kind, region, ...(permitFor ? { permitFor } : {}) };
  return finish(id, 6, parts, o);
}

function permanentResidence(id: string, o: IdCheckOptions): IdNumberResult {
  const kind = 'foreign_permanent_residence' as const;
  const region = lookupRegion(`${id.slice(1, 3)}0000`);
  if (!region) return { valid: false, reason: 'region_unknown', kind };
  return finish(id, 6, { kind, region, nationality: id.slice(3, 6) }, o);
}

/** Birth date at `at`, sequence after it, then the check character. */
function finish(id: string, at: number, parts: Omit<IdNumberResult, 'valid'>, o: IdCheckOptions): IdNumberResult {
  const birth = checkBirthDate(id.slice(at, at + 8), o.today);
  if ('problem' in birth) return { valid: false, reason: birth.problem, kind: parts.kind };
  if (mod11_2Check(id.slice(0, 17)) !== id[17]) return { valid: false, reason: 'checksum', kind: parts.kind };
  const sex = Number(id[16]) % 2 === 1 ? 'male' : 'female';
  return { valid: true, ...parts, birthDate: birth.iso, sex, checksumVerified: true };
}

/**
 * First-generation resident ID: 6-digit address code, YYMMDD (all born in the 1900s), 3-digit sequence. Reported as
 * not valid ('legacy_15_digit': the cards expired in 2013) but parsed, so a caller can ask for the 18-digit number.
 */
function legacyResident(id: string, o: IdCheckOptions): IdNumberResult {
  const kind = 'resident_legacy_15' as const;
  if (!/^\d{15}$/.test(id)) return { valid: false, reason: 'character', kind };
  const region = lookupRegion(id.slice(0, 6));
  if (!region || region.level === 'province') return { valid: false, reason: 'region_unknown', kind };
  const birth = checkBirthDate(`19${id.slice(6, 12)}`, o.today);
  if ('problem' in birth) return { valid: false, reason: birth.problem, kind };
  const sex = Number(id[14]) % 2 === 1 ? 'male' : 'female';
  return { valid: false, reason: 'legacy_15_digit', kind, region, birthDate: birth.iso, sex, checksumVerified: false };
}

/** 2004/2017 permanent residence ID: ISO 3166-1 alpha-3 nationality + 12 digits; no published check rule. */
function legacyPermanentResidence(id: string): IdNumberResult {
  const kind = 'foreign_permanent_residence_legacy' as const;
  if (!/^[A-Z]{3}\d{12}$/.test(id)) return { valid: false, reason: 'character', kind };
  const region = lookupRegion(`${id.slice(3, 5)}0000`);
  if (!region) return { valid: false, reason: 'region_unknown', kind };
  return { valid: true, kind, region, nationality: id.slice(0, 3), checksumVerified: false };
}

/** The 18-digit form of a first-generation 15-digit resident ID (insert "19", append the check character). */
export function upgradeLegacyResidentId(id15: string): string | undefined {
  const id = normalizeIdInput(id15);
  if (!/^\d{15}$/.test(id)) return undefined;
  const first17 = `${id.slice(0, 6)}19${id.slice(6)}`;
  return first17 + mod11_2Check(first17)!;
}

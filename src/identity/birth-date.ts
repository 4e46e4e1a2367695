/**
 * Birth dates inside ID numbers (YYYYMMDD): a real calendar date, not after today, not before 1900-01-01.
 */
export const EARLIEST_BIRTH = '19000101';

export type BirthDateProblem = 'birth_date_invalid' | 'birth_date_future';

/** ISO form (YYYY-MM-DD) of an 8-digit date, or the reason it is not acceptable as a birth date. */
export function checkBirthDate(
  yyyymmdd: string,
  today: Date = new Date(),
): { iso: string } | { problem: BirthDateProblem } {
  if (!/^\d{8}$/.test(yyyymmdd)) return { problem: 'birth_date_invalid' };
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  const date = new Date(Date.UTC(y, m - 1, d));
  // Date.UTC rolls 1999-02-30 over to March: a real date survives the round trip unchanged.
  if (
    m < 1 ||
    m > 12 ||
    d < 1 ||
    date.getUTCFullYear() !== y ||
    date.getUTCMonth() !== m - 1 ||
    date.getUTCDate() !== d
  ) {
    return { problem: 'birth_date_invalid' };
  }
  if (yyyymmdd < EARLIEST_BIRTH) return { problem: 'birth_date_invalid' };
  const now = `${today.getFullYear()}${String(today.getMonth() + 1).padStart(2, '0')}${String(today.getDate()).padStart(2, '0')}`;
  if (yyyymmdd > now) return { problem: 'birth_date_future' };
  return { iso: `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}` };
}

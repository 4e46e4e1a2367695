/**
 * Working days for complaint deadlines (Provisions Art. 12: "公布处理流程和反馈时限"). A day is a working day when the
 * calendar lists it as an adjusted working day (调休 — a Saturday or Sunday worked to bridge a holiday), else when it
 * is Monday to Friday and not a listed public holiday. Dates are local dates (`YYYY-MM-DD`) in the calendar's time zone
 * offset (default UTC+8, China Standard Time, which has no daylight saving).
 *
 * Counting follows the usual rule for time limits: the day of receipt does not count; a limit of N working days ends
 * at the end (24:00 local) of the N-th working day after the day of receipt.
 */
export interface WorkingCalendar {
  /** Public holidays (dates that would otherwise be working days), e.g. 2026-10-01. */
  holidays: string[];
  /** Adjusted working days (weekend dates that are worked), e.g. 2026-09-27. */
  workdays: string[];
  /** Minutes east of UTC (default 480). */
  utcOffsetMinutes: number;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

export function calendarWith(c: Partial<WorkingCalendar> = {}): WorkingCalendar {
  const cal = { holidays: c.holidays ?? [], workdays: c.workdays ?? [], utcOffsetMinutes: c.utcOffsetMinutes ?? 480 };
  for (const d of [...cal.holidays, ...cal.workdays]) {
    if (!DATE.test(d) || Number.isNaN(Date.parse(`${d}T00:00:00Z`))) throw new Error(`not a date (YYYY-MM-DD): ${d}`);
  }
  const both = cal.holidays.filter((d) => cal.workdays.includes(d));
  if (both.length) throw new Error(`a date cannot be a holiday and a working day: ${both.join(', ')}`);
  return cal;
}

/** The local date of an instant. */
export function localDate(cal: WorkingCalendar, at: Date): string {
  return new Date(at.getTime() + cal.utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
}

/** The instant a local date starts (00:00 local). */
export function startOfLocalDay(cal: WorkingCalendar, date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) - cal.utcOffsetMinutes * 60_000);
}

/** The last millisecond of a local date. */
export function endOfLocalDay(cal: WorkingCalendar, date: string): Date {
  return new Date(startOfLocalDay(cal, date).getTime() + DAY_MS - 1);
}

export function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

export function isWorkingDay(cal: WorkingCalendar, date: string): boolean {
  if (cal.workdays.includes(date)) return true;
  if (cal.holidays.includes(date)) return false;
  const dow = new Date(`${date}T00:00:00.000Z`).getUTCDay();
  return dow !== 0 && dow !== 6;
}

/** The n-th working day after `date` (n ≥ 1); `date` itself never counts. n = 0 gives `date`. */
export function nthWorkingDayAfter(cal: WorkingCalendar, date: string, n: number): string {
  let d = date;
  for (let left = n; left > 0; ) {
    d = addDays(d, 1);
    if (isWorkingDay(cal, d)) left--;
  }
  return d;
}

/** Working days from the day after `from` up to and including `to` (0 when `to` ≤ `from`). */
export function workingDaysBetween(cal: WorkingCalendar, from: string, to: string): number {
  let n = 0;
  for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (isWorkingDay(cal, d)) n++;
  return n;
}

/** Working-day deadlines (Art. 12): weekends, configured holidays and adjusted working days (调休), table-driven. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clockFor, complaintPolicyWith } from '../../../src/platform/complaints/complaint-policy.ts';
import {
  calendarWith,
  isWorkingDay,
  localDate,
  nthWorkingDayAfter,
  workingDaysBetween,
} from '../../../src/platform/complaints/working-calendar.ts';

// A configured National Day break: 1–7 October 2026 off (weekdays listed; 3–4 are a weekend anyway),
// Sunday 27 September and Saturday 10 October worked instead.
const HOLIDAYS = {
  holidays: ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'],
  workdays: ['2026-09-27', '2026-10-10'],
};
const cal = calendarWith(HOLIDAYS);
const plain = calendarWith();

describe('working calendar', () => {
  const cases: [string, typeof cal, string, number, string][] = [
    ['Friday + 1 → Monday', cal, '2026-11-27', 1, '2026-11-30'],
    ['Saturday + 1 → Monday', cal, '2026-11-28', 1, '2026-11-30'],
    ['Monday + 5 → next Monday', cal, '2026-11-30', 5, '2026-12-07'],
    ['Friday + 1 → the adjusted Sunday', cal, '2026-09-25', 1, '2026-09-27'],
    ['without the calendar the Sunday is not worked', plain, '2026-09-25', 1, '2026-09-28'],
    ['before the break + 1 → after it', cal, '2026-09-30', 1, '2026-10-08'],
    ['… + 3 → the adjusted Saturday', cal, '2026-09-30', 3, '2026-10-10'],
    ['15 working days across the break', cal, '2026-09-25', 15, '2026-10-21'],
    ['15 working days, weekends only', plain, '2026-09-25', 15, '2026-10-16'],
    ['received on a holiday counts from the next working day', cal, '2026-10-03', 1, '2026-10-08'],
    ['n = 0 is the day itself', cal, '2026-10-03', 0, '2026-10-03'],
    ['across a year end', plain, '2026-12-31', 2, '2027-01-04'],
  ];
  for (const [name, c, from, n, want] of cases) {
    it(name, () => assert.equal(nthWorkingDayAfter(c, from, n), want));
  }

  it('classifies days and counts between them', () => {
    assert.equal(isWorkingDay(cal, '2026-10-01'), false);
    assert.equal(isWorkingDay(cal, '2026-10-10'), true);
    assert.equal(isWorkingDay(cal, '2026-10-11'), false);
    assert.equal(isWorkingDay(plain, '2026-10-01'), true);
    assert.equal(workingDaysBetween(cal, '2026-09-25', '2026-10-21'), 15);
    assert.equal(workingDaysBetween(cal, '2026-10-21', '2026-09-25'), 0);
  });

  it('takes local dates in China Standard Time', () => {
    assert.equal(localDate(cal, new Date('2026-09-30T15:59:59.999Z')), '2026-09-30');
    assert.equal(localDate(cal, new Date('2026-09-30T16:00:00.000Z')), '2026-10-01');
  });

  it('refuses a malformed or contradictory calendar', () => {
    assert.throws(() => calendarWith({ holidays: ['2026-13-01'] }));
    assert.throws(() => calendarWith({ holidays: ['1 Oct'] }));
    assert.throws(() => calendarWith({ holidays: ['2026-10-10'], workdays: ['2026-10-10'] }));
    assert.throws(() => complaintPolicyWith({ deadlines: { other: { workingDays: 0 } } }));
  });
});

describe('complaint clock', () => {
  const policy = complaintPolicyWith({ calendar: HOLIDAYS });
  const cases: [string, string, Parameters<typeof clockFor>[1], string, string][] = [
    // received 18:00 local on 30 Sep: 15 working days end on 27 Oct; escalation 3 working days before = start of 22 Oct
    [
      'before the break',
      '2026-09-30T10:00:00.000Z',
      'illegal_content',
      '2026-10-27T15:59:59.999Z',
      '2026-10-21T16:00:00.000Z',
    ],
    // 23:30 local on 1 Oct (a holiday): the same deadline
    [
      'on a holiday, late evening',
      '2026-09-30T15:30:00.000Z',
      'missing_ai_label',
      '2026-10-27T15:59:59.999Z',
      '2026-10-21T16:00:00.000Z',
    ],
    // received Friday 27 Nov 10:00 local: 15 working days → Fri 18 Dec; escalate at the start of Tue 15 Dec
    [
      'an ordinary Friday',
      '2026-11-27T02:00:00.000Z',
      'infringement',
      '2026-12-18T15:59:59.999Z',
      '2026-12-14T16:00:00.000Z',
    ],
    // personal information: 30 calendar days; escalation 3 days before the end
    [
      'personal information, 30 days',
      '2026-11-29T12:00:00.000Z',
      'personal_information',
      '2026-12-29T15:59:59.999Z',
      '2026-12-26T16:00:00.000Z',
    ],
  ];
  for (const [name, at, category, due, escalate] of cases) {
    it(name, () => assert.deepEqual(clockFor(policy, category, new Date(at)), { dueAt: due, escalateAt: escalate }));
  }
  it('escalates at once when the deadline is shorter than the escalation lead', () => {
    const p = complaintPolicyWith({ deadlines: { other: { workingDays: 2 } } });
    const at = new Date('2026-11-27T02:00:00.000Z');
    assert.equal(clockFor(p, 'other', at).escalateAt, at.toISOString());
  });
});

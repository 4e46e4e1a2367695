/**
 * Complaint categories, their deadlines and the published process (Provisions Art. 12: "设置便捷的用户申诉和公众投诉、
 * 举报入口，公布处理流程和反馈时限，及时受理、处理和反馈处理结果"). No statute fixes the number of days for AI services: 15
 * working days is common practice, and personal-information requests are answered within 30 days (GB/T 35273 §8.7);
 * both are configurable and what is configured is what the public process document states.
 */
import {
  calendarWith,
  endOfLocalDay,
  localDate,
  nthWorkingDayAfter,
  startOfLocalDay,
  type WorkingCalendar,
} from './working-calendar.ts';

export const CATEGORIES = {
  missing_ai_label: '内容未添加AI标识 (AI-generated content without a label)',
  illegal_content: '违法和不良信息 (illegal or harmful content)',
  infringement: '侵权 (infringement of rights: likeness, reputation, copyright)',
  personal_information: '个人信息 (personal information: access, correction, deletion)',
  decision_appeal: '申诉 (appeal against a decision of the platform)',
  other: '其他 (other)',
} as const;
export type Category = keyof typeof CATEGORIES;
export const CATEGORY_KEYS = Object.keys(CATEGORIES) as [Category, ...Category[]];

export type Deadline = { workingDays: number } | { calendarDays: number };

export interface ComplaintPolicy {
  calendar: WorkingCalendar;
  deadlines: Record<Category, Deadline>;
  /** Escalate open complaints this many working days before their due day. */
  escalateWorkingDaysBefore: number;
  /** Where complaints are also accepted (shown in the process document). */
  contact: string;
  /** Rate limit of the public form per client address (default: the server's default for public routes). */
  submitLimit?: { burst: number; perMinute: number };
}

const FIFTEEN: Deadline = { workingDays: 15 };

export function complaintPolicyWith(
  o: Partial<Omit<ComplaintPolicy, 'calendar' | 'deadlines'>> & {
    calendar?: Partial<WorkingCalendar>;
    deadlines?: Partial<Record<Category, Deadline>>;
  } = {},
): ComplaintPolicy {
  const deadlines: Record<Category, Deadline> = {
    missing_ai_label: FIFTEEN,
    illegal_content: FIFTEEN,
    infringement: FIFTEEN,
    personal_information: { calendarDays: 30 },
    decision_appeal: FIFTEEN,
    other: FIFTEEN,
    ...o.deadlines,
  };
  for (const [k, d] of Object.entries(deadlines)) {
    const n = 'workingDays' in d ? d.workingDays : d.calendarDays;
    if (!Number.isInteger(n) || n < 1) throw new Error(`the deadline of ${k} must be a whole number of days ≥ 1`);
  }
  return {
    calendar: calendarWith(o.calendar),
    deadlines,
    escalateWorkingDaysBefore: o.escalateWorkingDaysBefore ?? 3,
    contact: o.contact ?? 'the complaint form of this service',
    ...(o.submitLimit ? { submitLimit: o.submitLimit } : {}),
  };
}

export interface Clock {
  dueAt: string;
  escalateAt: string;
}

/** When a complaint received at `at` is due, and when it escalates if still open. */
export function clockFor(p: ComplaintPolicy, category: Category, at: Date): Clock {
  const cal = p.calendar;
  const received = localDate(cal, at);
  const d = p.deadlines[category];
  if ('calendarDays' in d) {
    const due = endOfLocalDay(cal, nthCalendarDay(received, d.calendarDays));
    const escalate = new Date(due.getTime() + 1 - p.escalateWorkingDaysBefore * 86_400_000);
    return { dueAt: due.toISOString(), escalateAt: (escalate < at ? at : escalate).toISOString() };
  }
  const dueDay = nthWorkingDayAfter(cal, received, d.workingDays);
  const before = Math.max(0, d.workingDays - p.escalateWorkingDaysBefore);
  const escalateDay = nthWorkingDayAfter(cal, received, before);
  const escalate = before === 0 ? at : startOfLocalDay(cal, escalateDay);
  return { dueAt: endOfLocalDay(cal, dueDay).toISOString(), escalateAt: escalate.toISOString() };
}

function nthCalendarDay(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** The public process document (Art. 12: the process and the feedback time limit are published). */
export function processDocument(p: ComplaintPolicy) {
  const deadline = (d: Deadline) =>
    'workingDays' in d ? `${d.workingDays} working days (工作日)` : `${d.calendarDays} days (自然日)`;
  return {
    title: '投诉举报处理流程 Complaint and report process',
    steps: [
      '1. Submit the form (POST /api/public/complaints): no account needed. You get a receipt number and a secret token.',
      '2. The complaint is accepted at once and assigned to the team for its category.',
      '3. A reviewer examines it; open complaints are escalated to a supervisor before their deadline.',
      '4. The answer is recorded and shown on your status page (GET /api/public/complaints/{receipt}?token=…).',
      '5. If you disagree with a decision on your own account, submit a complaint in the category "decision_appeal".',
    ],
    deadlines: CATEGORY_KEYS.map((c) => ({ category: c, name: CATEGORIES[c], deadline: deadline(p.deadlines[c]) })),
    counting:
      'The day of receipt does not count; the deadline ends at 24:00 China Standard Time on its last day. Weekends and ' +
      'public holidays are not working days; adjusted working days (调休) are.',
    contact: p.contact,
  };
}

/**
 * Configuration of the duty slices (the `duties` key of the config file): the enforcement policy over the TC260
 * defaults, the complaint calendar and deadlines, and where rumour refutations are posted.
 */
import { z } from 'zod';
import { CATEGORY_KEYS } from '../platform/complaints/complaint-policy.ts';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
const count = z.number().int().min(1);

export const dutiesConfigSchema = z
  .object({
    enforcement: z
      .object({
        windowHours: z.number().positive(),
        weights: z.object({ low: z.number().min(0), medium: z.number().min(0), high: z.number().min(0) }).partial(),
        warnAtPoints: z.number().positive(),
        restrictAtPoints: z.number().positive(),
        suspendAtPoints: z.number().positive(),
        suspendAtStreak: count,
        restrictionHours: z.number().positive(),
        suspensionHours: z.number().positive(),
        closeAfterSuspensions: count,
        closureWindowDays: count,
        defaultRestrictedFunctions: z.array(z.string().regex(/^[a-z][a-z0-9-]{0,39}$/)).min(1),
      })
      .partial()
      .default({}),
    complaints: z
      .object({
        /** Public holidays and adjusted working days (调休), as local dates. */
        holidays: z.array(date),
        workdays: z.array(date),
        utcOffsetMinutes: z.number().int().min(-720).max(840),
        deadlines: z.partialRecord(
          z.enum(CATEGORY_KEYS),
          z.union([z.object({ workingDays: count }), z.object({ calendarDays: count })]),
        ),
        escalateWorkingDaysBefore: z.number().int().min(0),
        contact: z.string().min(1).max(500),
      })
      .partial()
      .default({}),
    /** Post rumour refutations to this URL as well as writing them to the log. */
    rumourWebhookUrl: z.url().optional(),
  })
  .prefault({});

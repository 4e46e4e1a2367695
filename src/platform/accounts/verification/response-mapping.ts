/**
 * How to read a third-party service's JSON answer: where the outcome is and which values mean what. Every HTTP
 * provider (KYC, registry, national identity) uses the same shape, so an operator configures them alike.
 */
import { z } from 'zod';
import { pickPath } from './http-call.ts';

const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const outcomeMappingSchema = z.object({
  /** Dotted path of the outcome field, e.g. "data.result". */
  resultPath: z.string(),
  /** Values meaning "the identity matches". */
  matchValues: z.array(scalar).min(1),
  /** Values meaning "does not match" (final). Anything else counts as not decided yet. */
  mismatchValues: z.array(scalar).default([]),
  /** Dotted path of the provider's transaction reference, kept as evidence. */
  referencePath: z.string().optional(),
});
export type OutcomeMapping = z.infer<typeof outcomeMappingSchema>;

export type MappedOutcome = { outcome: 'match' | 'mismatch' | 'undecided'; reference?: string };

export function readOutcome(json: unknown, m: OutcomeMapping): MappedOutcome {
  const v = pickPath(json, m.resultPath);
  const ref = m.referencePath === undefined ? undefined : pickPath(json, m.referencePath);
  const reference = typeof ref === 'string' || typeof ref === 'number' ? String(ref) : undefined;
  const is = (list: readonly (string | number | boolean)[]) => list.some((x) => x === v);
  const outcome = is(m.matchValues) ? 'match' : is(m.mismatchValues) ? 'mismatch' : 'undecided';
  return reference === undefined ? { outcome } : { outcome, reference };
}

export function readString(json: unknown, path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  const v = pickPath(json, path);
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
}

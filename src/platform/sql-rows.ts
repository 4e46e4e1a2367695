/** Shared by the platform's SQL stores: the executor (the store or an open transaction) and row conversions. */
import type { Kysely } from 'kysely';
import { HeguiError } from '../errors.ts';
import type { StoreSchema } from '../store/index.ts';

/** The store's Kysely instance, or a transaction on it (a Kysely Transaction is a Kysely). */
export type Db = Kysely<StoreSchema>;

export function json(v: unknown): string {
  return JSON.stringify(v);
}

export function parseJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

/** null → absent, so rows read back as the objects that were written (optional fields left out). */
export function opt<K extends string, V>(key: K, v: V | null): { [P in K]?: V } {
  return (v === null ? {} : { [key]: v }) as { [P in K]?: V };
}

/** A unique-constraint violation on either database (SQLite's SQLITE_CONSTRAINT_UNIQUE/PRIMARYKEY, PostgreSQL 23505). */
export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

export async function insertOrConflict(run: () => Promise<unknown>, message: string): Promise<void> {
  try {
    await run();
  } catch (e) {
    if (isUniqueViolation(e)) throw new HeguiError('conflict', message);
    throw e;
  }
}

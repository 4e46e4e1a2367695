/**
 * What differs between the two databases, as flags the code asks for instead of testing the dialect's name
 * (Kysely's `supportsReturning` / `supportsTransactionalDdl` are the model).
 */
export type DialectName = 'sqlite' | 'postgres';

export interface DialectCapabilities {
  readonly name: DialectName;
  /** `SELECT … FOR UPDATE` row locks. SQLite has none: every transaction there starts with BEGIN IMMEDIATE. */
  readonly supportsForUpdate: boolean;
  /** `INSERT … RETURNING` (both have it; kept for dialects to come). */
  readonly supportsReturning: boolean;
  /** Several connections of this process write at once (a pool); SQLite has one connection per process. */
  readonly concurrentConnections: boolean;
  /** Bound parameters one statement may carry (SQLite 3.32+: 32766; PostgreSQL: 65535). */
  readonly maxParameters: number;
  /** Column types for the schema conventions of src/store/README.md. */
  readonly columnTypes: {
    /** 64-bit integers (log indices, sizes); read back as a JS number on both. */
    readonly bigint: 'integer' | 'bigint';
    /** Bytes (hashes, signatures); read back as a Buffer on both. */
    readonly binary: 'blob' | 'bytea';
  };
}

export const SQLITE_CAPABILITIES: DialectCapabilities = Object.freeze({
  name: 'sqlite',
  supportsForUpdate: false,
  supportsReturning: true,
  concurrentConnections: false,
  maxParameters: 32766,
  columnTypes: Object.freeze({ bigint: 'integer', binary: 'blob' }),
});

export const POSTGRES_CAPABILITIES: DialectCapabilities = Object.freeze({
  name: 'postgres',
  supportsForUpdate: true,
  supportsReturning: true,
  concurrentConnections: true,
  maxParameters: 65535,
  columnTypes: Object.freeze({ bigint: 'bigint', binary: 'bytea' }),
});

import pg from 'pg';

export interface PostgresPoolOptions {
  /** Connections in the pool (default 10). */
  poolSize?: number;
}

const INT8_OID = 20;

/**
 * A pg pool whose 64-bit integers come back as numbers, as they do from SQLite (pg returns them as strings because
 * they may exceed 2^53; log indices and counts never will). Per pool, so other users of `pg` keep the default.
 */
export function createPostgresPool(connectionString: string, opts: PostgresPoolOptions = {}): pg.Pool {
  const types = new pg.TypeOverrides();
  types.setTypeParser(INT8_OID, (v: string) => {
    const n = Number(v);
    if (!Number.isSafeInteger(n)) throw new RangeError(`a 64-bit integer from PostgreSQL exceeds 2^53: ${v}`);
    return n;
  });
  const pool = new pg.Pool({ connectionString, max: opts.poolSize ?? 10, types });
  // An idle client that loses its server emits 'error' on the pool; without a listener that would end the process.
  pool.on('error', () => {});
  return pool;
}

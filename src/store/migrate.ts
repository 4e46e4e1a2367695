import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import { HeguiError } from '../errors.ts';
import type { DialectCapabilities } from './dialect/capabilities.ts';
import { MIGRATIONS } from './migrations/index.ts';
import type { StoreMigration } from './migrations/migration.ts';

export type MigrationStatus = 'Success' | 'Error' | 'NotExecuted';

export interface MigrationReport {
  /** One row per migration this run tried, in order; empty when everything had run already. */
  results: { name: string; direction: 'Up' | 'Down'; status: MigrationStatus }[];
  /** Why the run stopped, if it did: the failing migration is the row with status `Error`. */
  error?: string;
}

/** Kysely's provider interface over the migrations in code, each bound to the dialect it runs on. */
class CodeMigrationProvider implements MigrationProvider {
  constructor(
    private readonly migrations: Readonly<Record<string, StoreMigration>>,
    private readonly dialect: DialectCapabilities,
  ) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const out: Record<string, Migration> = {};
    for (const [name, m] of Object.entries(this.migrations)) {
      const down = m.down;
      out[name] = {
        up: (db) => m.up(db, this.dialect),
        ...(down ? { down: (db) => down(db, this.dialect) } : {}),
      };
    }
    return out;
  }
}

/**
 * Bring the schema up to date. Kysely's migrator reports a status per migration instead of throwing half-way, runs
 * them in one transaction, and holds a lock so two processes never migrate at once: an advisory lock on PostgreSQL,
 * the BEGIN IMMEDIATE write lock on SQLite (see dialect/sqlite/sqlite-adapter.ts).
 */
export async function migrateToLatest<DB>(
  db: Kysely<DB>,
  dialect: DialectCapabilities,
  migrations: Readonly<Record<string, StoreMigration>> = MIGRATIONS,
): Promise<MigrationReport> {
  const migrator = new Migrator({ db, provider: new CodeMigrationProvider(migrations, dialect) });
  const { error, results } = await migrator.migrateToLatest();
  return {
    results: (results ?? []).map((r) => ({ name: r.migrationName, direction: r.direction, status: r.status })),
    ...(error === undefined ? {} : { error: error instanceof Error ? error.message : String(error) }),
  };
}

/** The same, as an error when a migration failed: what a server does at start. */
export async function requireMigrated<DB>(db: Kysely<DB>, dialect: DialectCapabilities): Promise<MigrationReport> {
  const report = await migrateToLatest(db, dialect);
  if (report.error !== undefined) {
    const failed = report.results.find((r) => r.status === 'Error')?.name ?? 'setup';
    throw new HeguiError('io', `database migration ${failed} failed: ${report.error}`, { migration: failed });
  }
  return report;
}

import type { Kysely } from 'kysely';
import type { DialectCapabilities } from '../dialect/capabilities.ts';

/**
 * A migration as code (bundled with the library, never read from disk at run time). It gets the dialect's capabilities
 * for the few column types that differ; everything else is written once with Kysely's schema builder.
 */
export interface StoreMigration {
  // biome-ignore lint/suspicious/noExplicitAny: migrations describe tables that the schema type does not know yet
  up(db: Kysely<any>, dialect: DialectCapabilities): Promise<void>;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  down?(db: Kysely<any>, dialect: DialectCapabilities): Promise<void>;
}

/**
 * Brings the schema up to date at start-up with Kysely's Migrator (which also keeps concurrent
 * replicas from migrating at the same time, through its lock table).
 */
import { Migrator, type Migration } from 'kysely';
import type { Database } from './database.js';
import { migrations } from './migrations/index.js';

/**
 * Applies every migration not yet applied, in name order; returns the names it applied.
 * Throws (naming the failed migration) if one fails; that migration's changes are rolled back.
 *
 * @example
 * const applied = await migrateToLatest(database); // ['0001-telemetry-tables'] on a fresh database
 */
export async function migrateToLatest(database: Database): Promise<string[]> {
  const migrator = new Migrator({
    db: database.db,
    provider: { getMigrations: () => Promise.resolve(bindDialect(database)) },
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    const reason =
      error instanceof Error ? error.message : typeof error === 'string' ? error : 'unknown error';
    throw new Error(`database migration ${failed} failed: ${reason}`, { cause: error });
  }
  return results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
}

function bindDialect(database: Database): Record<string, Migration> {
  const bound: Record<string, Migration> = {};
  for (const [name, migration] of Object.entries(migrations)) {
    const { up, down } = migration;
    bound[name] = {
      up: (db) => up(db, database.dialect),
      ...(down === undefined ? {} : { down: (db) => down(db, database.dialect) }),
    };
  }
  return bound;
}

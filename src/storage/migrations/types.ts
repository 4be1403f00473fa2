/**
 * The shape of a Gatehouse migration: Kysely's `up`, plus the dialect for the rare statement that
 * cannot be written portably (branch on it inside the migration, never in callers).
 */
import type { Kysely } from 'kysely';
import type { DatabaseDialect } from '../database.js';

export interface StorageMigration {
  up: (db: Kysely<unknown>, dialect: DatabaseDialect) => Promise<void>;
  down?: (db: Kysely<unknown>, dialect: DatabaseDialect) => Promise<void>;
}

/**
 * The stores an end-to-end suite runs against: SQLite always; PostgreSQL when the machine's server
 * answers. In CI (CI=true) an unreachable PostgreSQL fails the run instead of skipping it.
 */
import { postgresAvailable } from '../../src/storage/testing/postgres-test-database.js';
import type { StoreKind } from './stack.js';

export async function storesUnderTest(): Promise<StoreKind[]> {
  if (await postgresAvailable()) return ['sqlite', 'postgres'];
  if (process.env.CI === 'true') throw new Error('CI=true but PostgreSQL at 127.0.0.1:5432 is unreachable');
  console.warn('\n*** PostgreSQL is unreachable: end-to-end tests run on SQLite only ***\n');
  return ['sqlite'];
}

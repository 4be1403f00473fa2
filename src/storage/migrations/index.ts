/**
 * Every migration, listed in code rather than found by scanning a folder, so the same list runs from
 * `src/` under tsx and vitest and from the compiled `dist/`. Names sort in the order they run:
 * add new ones at the end with the next number, and never edit one that has shipped.
 */
import { telemetryTables } from './0001-telemetry-tables.js';
import { evalTables } from './0008-evals.js';
import type { StorageMigration } from './types.js';

export const migrations: Readonly<Record<string, StorageMigration>> = {
  '0001-telemetry-tables': telemetryTables,
  '0008-evals': evalTables,
};

/**
 * Every migration, listed in code rather than found by scanning a folder, so the same list runs from
 * `src/` under tsx and vitest and from the compiled `dist/`. Names sort in the order they run:
 * add new ones at the end with the next number, and never edit one that has shipped.
 */
import { telemetryTables } from './0001-telemetry-tables.js';
import { observability } from './0002-observability.js';
import { tenancyTables } from './0003-tenancy.js';
import { promptTables } from './0004-prompts.js';
import { evalTables } from './0005-evals.js';
import { pendingScores } from './0006-pending-scores.js';
import { evalTenancyScores } from './0007-evals-tenancy-scores.js';
import { guardrailReviewTables } from './0008-guardrail-review.js';
import { traceRollups } from './0009-trace-rollups.js';
import { traceFtsBatched } from './0010-trace-fts-batched.js';
import type { StorageMigration } from './types.js';

export const migrations: Readonly<Record<string, StorageMigration>> = {
  '0001-telemetry-tables': telemetryTables,
  '0002-observability': observability,
  '0003-tenancy': tenancyTables,
  '0004-prompts': promptTables,
  '0005-evals': evalTables,
  '0006-pending-scores': pendingScores,
  '0007-evals-tenancy-scores': evalTenancyScores,
  '0008-guardrail-review': guardrailReviewTables,
  '0009-trace-rollups': traceRollups,
  '0010-trace-fts-batched': traceFtsBatched,
};

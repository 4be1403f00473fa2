/**
 * Storing trace events as rows: the contract every write path meets, the keys that make a re-insert a
 * no-op, and the portable path (Kysely multi-row inserts), which PostgreSQL uses. SQLite has a faster
 * path with statements prepared once (sqlite-trace-row-writer.ts), run on a worker thread for database
 * files (sqlite-telemetry-thread.ts). All convert with trace-rows.ts.
 */
import type { Kysely } from 'kysely';
import type { TelemetryEvent } from '../telemetry/model.js';
import type { DatabaseDialect } from './database.js';
import type { Schema } from './schema.js';
import { eventsToRows } from './trace-rows.js';
import { applyRollups, rollupDeltas } from './trace-rollups.js';

/**
 * Stores the trace and observations of every event in one transaction, all or nothing, skipping rows
 * whose key is already stored.
 */
export type TraceRowWriter = (events: TelemetryEvent[]) => Promise<void>;

// A retried batch whose first attempt did commit (the connection died before the reply) must not
// fail forever on duplicate keys, so rows with an existing key are skipped: rows are immutable anyway.
/** The primary key of each telemetry table: the conflict target of every insert. */
export const rowKeys = {
  traces: ['id'],
  observations: ['trace_id', 'id'],
} as const satisfies { [Table in TelemetryTable]: readonly (keyof Schema[Table] & string)[] };

type TelemetryTable = 'traces' | 'observations';

// Bound parameters per statement: SQLite's SQLITE_MAX_VARIABLE_NUMBER (32766 in the SQLite that
// better-sqlite3 bundles) and PostgreSQL's protocol limit (a 16-bit count).
const maxParameters: Record<DatabaseDialect, number> = { sqlite: 32_766, postgres: 65_535 };

/**
 * Multi-row INSERTs in a Kysely transaction, as few statements as the engine's parameter limit allows.
 * On PostgreSQL the driver is asynchronous, so compiling these costs little next to the round trips.
 *
 * @example
 * const writeRows = createKyselyTraceRowWriter(database.db, database.dialect);
 * await writeRows(events);
 */
export function createKyselyTraceRowWriter(db: Kysely<Schema>, dialect: DatabaseDialect): TraceRowWriter {
  return async function writeRows(events) {
    const { traces, observations } = eventsToRows(events);
    await db.transaction().execute(async (transaction) => {
      const inserted = new Set<string>();
      for (const chunk of chunks(traces, maxParameters[dialect])) {
        const rows = await transaction
          .insertInto('traces')
          .values(chunk)
          .onConflict((conflict) => conflict.columns(rowKeys.traces).doNothing())
          .returning('id')
          .execute();
        for (const row of rows) inserted.add(row.id);
      }
      // Only traces stored now count in the rollups: a retried batch re-inserts nothing.
      await applyRollups(
        transaction,
        dialect,
        rollupDeltas(
          traces.filter((row) => inserted.has(row.id)),
          1,
        ),
      );
      for (const chunk of chunks(observations, maxParameters[dialect])) {
        await transaction
          .insertInto('observations')
          .values(chunk)
          .onConflict((conflict) => conflict.columns(rowKeys.observations).doNothing())
          .execute();
      }
    });
  };
}

/** Slices rows into statements of at most `parameterLimit` bound values (columns × rows). */
function* chunks<T extends object>(items: T[], parameterLimit: number): Generator<T[]> {
  const first = items[0];
  if (first === undefined) return;
  // Counted from a real row, so adding a column can never push a statement over the limit.
  const size = Math.floor(parameterLimit / Object.keys(first).length);
  for (let start = 0; start < items.length; start += size) {
    yield items.slice(start, start + size);
  }
}

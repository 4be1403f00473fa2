/**
 * The SQLite write path for telemetry rows: one single-row `INSERT … ON CONFLICT DO NOTHING` per table,
 * prepared once and run for every row inside one better-sqlite3 transaction.
 *
 * Why not Kysely here: better-sqlite3 is synchronous, so everything a write costs blocks the event
 * loop, and compiling a multi-row INSERT per batch (building the query tree, rendering thousands of
 * placeholders, preparing a new statement) cost more than SQLite storing the rows. A prepared
 * statement re-run per row skips all of that; rows are bound by column name, straight from the objects
 * `traceToRow` / `observationToRow` return, so those functions stay the only column mapping.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Schema } from './schema.js';
import { rowKeys, type TraceRowWriter } from './trace-row-writer.js';

/**
 * @example
 * const writeRows = createSqliteTraceRowWriter(database.sqlite, database.db);
 * await writeRows(traceRows, observationRows);
 */
export function createSqliteTraceRowWriter(connection: BetterSqlite3.Database, db: Kysely<Schema>): TraceRowWriter {
  const insertTrace = createRowInserter<Schema['traces']>(connection, 'traces');
  const insertObservation = createRowInserter<Schema['observations']>(connection, 'observations');
  // better-sqlite3 commits when the function returns and rolls back (rethrowing) when it throws.
  const insertAll = connection.transaction(
    (traces: Schema['traces'][], observations: Schema['observations'][]): void => {
      for (const row of traces) insertTrace(row);
      for (const row of observations) insertObservation(row);
    },
  );
  return function writeRows(traces, observations) {
    // Kysely's lock on the single connection: a Kysely transaction elsewhere may be open across an
    // await, and our BEGIN would then nest into it (better-sqlite3 turns it into a savepoint).
    // A throw inside the callback becomes a rejection, and the lock is released either way.
    return db.connection().execute(() => Promise.resolve(insertAll(traces, observations)));
  };
}

/**
 * Inserts one row of `table`. The statement is prepared on the first row, from that row's keys, and
 * reused for every later one (they come from the same converter, so they have the same keys).
 * Prepared lazily so a repository may be created before the migrations have created its tables.
 */
function createRowInserter<Row extends object>(
  connection: BetterSqlite3.Database,
  table: keyof Schema & keyof typeof rowKeys,
): (row: Row) => void {
  let statement: BetterSqlite3.Statement<[Row]> | undefined;
  return function insertRow(row) {
    statement ??= connection.prepare<Row>(insertSql(table, Object.keys(row), rowKeys[table]));
    statement.run(row);
  };
}

// Names are spliced into SQL text (as identifiers and as @parameters), so only plain ones are accepted.
const plainName = /^[a-z_][a-z0-9_]*$/;

function insertSql(table: string, columns: readonly string[], keyColumns: readonly string[]): string {
  for (const name of [table, ...columns]) {
    if (!plainName.test(name)) throw new Error(`unexpected column or table name for SQLite insert: ${name}`);
  }
  const names = columns.map((column) => `"${column}"`).join(', ');
  const parameters = columns.map((column) => `@${column}`).join(', ');
  const conflictTarget = keyColumns.map((column) => `"${column}"`).join(', ');
  return `insert into "${table}" (${names}) values (${parameters}) on conflict (${conflictTarget}) do nothing`;
}

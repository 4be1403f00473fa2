/**
 * The SQLite write path for telemetry rows: one single-row `INSERT … ON CONFLICT DO NOTHING` per table,
 * prepared once and run for every row, all rows of a batch in one synchronous transaction.
 *
 * Where it runs: for a database file, on the telemetry worker thread (sqlite-telemetry-worker.ts), so
 * none of it blocks the event loop. An in-memory database (tests) cannot be opened by another thread,
 * so there it runs in-thread (`createSqliteTraceRowWriter`).
 *
 * Why not Kysely here: better-sqlite3 is synchronous, and compiling a multi-row INSERT per batch
 * (building the query tree, rendering thousands of placeholders, preparing a new statement) cost more
 * than SQLite storing the rows. A prepared statement re-run per row skips all of that. The column list
 * is the keys of the rows `traceToRow` / `observationToRow` return, so those functions stay the only
 * column mapping.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Schema } from './schema.js';
import { rowKeys, type TraceRowWriter } from './trace-row-writer.js';
import { eventsToRows, type TraceRows } from './trace-rows.js';
import { rollupColumns, rollupDeltas, sqliteRollupUpsertSql } from './trace-rollups.js';

/**
 * Stores rows in one transaction, all or nothing; throws (having rolled back) when a row fails.
 *
 * @example
 * const insertRows = createSqliteRowInserter(connection);
 * insertRows(eventsToRows(events));
 */
export function createSqliteRowInserter(connection: BetterSqlite3.Database): (rows: TraceRows) => void {
  const insertTrace = createRowInserter<Schema['traces']>(connection, 'traces');
  const insertObservation = createRowInserter<Schema['observations']>(connection, 'observations');
  let upsertRollup: BetterSqlite3.Statement<unknown[]> | undefined;
  let indexText: BetterSqlite3.Statement<unknown[]> | undefined;
  const insertAll = connection.transaction((rows: TraceRows) => {
    // Only traces stored now count in the rollups: a retried batch re-inserts nothing.
    let firstRowid: number | bigint | null = null;
    const inserted = rows.traces.filter((row) => {
      const rowid = insertTrace(row);
      if (rowid === null) return false;
      firstRowid ??= rowid;
      return true;
    });
    for (const row of rows.observations) insertObservation(row);
    if (firstRowid === null) return;
    // Full text in one statement per batch (a per-row trigger cost ~3× more per trace: decision 0002).
    // Under the write lock, every rowid from the batch's first one on is this batch's.
    indexText ??= connection.prepare(
      'insert into traces_fts(rowid, input, output) select rowid, input, output from traces where rowid >= ?',
    );
    indexText.run(firstRowid);
    upsertRollup ??= connection.prepare(sqliteRollupUpsertSql());
    for (const rollup of rollupDeltas(inserted, 1)) {
      upsertRollup.run(rollupColumns.map((column) => rollup[column]));
    }
  });
  // IMMEDIATE takes the write lock up front: another connection writing the file (the CLI, the main
  // connection) then makes us wait at BEGIN (busy_timeout) instead of failing halfway through a batch.
  return (rows) => insertAll.immediate(rows);
}

/**
 * The in-thread writer, for in-memory databases: a batch is one synchronous transaction on the
 * connection behind `db`.
 *
 * @example
 * const writeRows = createSqliteTraceRowWriter(database.sqlite, database.db);
 * await writeRows(events);
 */
export function createSqliteTraceRowWriter(
  connection: BetterSqlite3.Database,
  db: Kysely<Schema>,
): TraceRowWriter {
  const insertRows = createSqliteRowInserter(connection);
  return function writeRows(events) {
    // Under Kysely's lock on the single connection, so our transaction never lands inside one that a
    // Kysely caller left open across an await.
    return db.connection().execute(
      () =>
        new Promise<void>((resolve) => {
          insertRows(eventsToRows(events));
          resolve();
        }),
    );
  };
}

/**
 * Inserts one row of `table`; returns its rowid, or null when a row with its key was already stored. The statement is prepared on the first row, from that row's keys, and
 * reused for every later one. Prepared lazily so a writer may be created before the migrations have
 * created its tables.
 */
function createRowInserter<Row extends object>(
  connection: BetterSqlite3.Database,
  table: keyof Schema & keyof typeof rowKeys,
): (row: Row) => number | bigint | null {
  let statement: BetterSqlite3.Statement<unknown[]> | undefined;
  return function insertRow(row) {
    statement ??= connection.prepare(insertSql(table, Object.keys(row), rowKeys[table]));
    // Values in key order, bound to `?` placeholders in the same order: every row of a table comes
    // from one object literal in trace-rows.ts, so all share the first row's keys in the same order
    // (a row with more or fewer values makes better-sqlite3 throw). Binding by @name instead measured
    // ~25% slower per row.
    const result = statement.run(Object.values(row));
    return result.changes > 0 ? result.lastInsertRowid : null;
  };
}

// Names are spliced into the SQL text, so only plain identifiers are accepted.
const plainName = /^[a-z_][a-z0-9_]*$/;

function insertSql(table: string, columns: readonly string[], keyColumns: readonly string[]): string {
  for (const name of [table, ...columns]) {
    if (!plainName.test(name)) throw new Error(`unexpected column or table name for SQLite insert: ${name}`);
  }
  const names = columns.map((column) => `"${column}"`).join(', ');
  const placeholders = columns.map(() => '?').join(', ');
  const conflictTarget = keyColumns.map((column) => `"${column}"`).join(', ');
  return `insert into "${table}" (${names}) values (${placeholders}) on conflict (${conflictTarget}) do nothing`;
}

/**
 * The SQLite write path for telemetry rows: one single-row `INSERT … ON CONFLICT DO NOTHING` per table,
 * prepared once and run for every row, all rows of a batch in one transaction.
 *
 * Why not Kysely here: better-sqlite3 is synchronous, so everything a write costs blocks the event
 * loop, and compiling a multi-row INSERT per batch (building the query tree, rendering thousands of
 * placeholders, preparing a new statement) cost more than SQLite storing the rows. A prepared
 * statement re-run per row skips all of that. The column list is the keys of the rows `traceToRow` /
 * `observationToRow` return, so those functions stay the only column mapping.
 *
 * Why it yields: even without Kysely, converting and storing a batch of 1000 events is tens of
 * milliseconds of work on the event-loop thread. Events are converted and written in slices of a few
 * milliseconds with a turn of the event loop between them, inside the one transaction, so the batch
 * stays all or nothing.
 */
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { TraceEvent } from '../telemetry/model.js';
import type { Schema } from './schema.js';
import { rowKeys, type TraceRowWriter } from './trace-row-writer.js';
import { observationToRow, traceToRow } from './trace-rows.js';

export interface SqliteTraceRowWriterOptions {
  /** Longest stretch of synchronous SQLite work before the event loop gets a turn (default 4 ms). */
  sliceBudgetMs?: number;
}

// Under the ~5 ms a request can be held up by telemetry without showing in p99 latency.
const defaultSliceBudgetMs = 4;

/**
 * @example
 * const writeRows = createSqliteTraceRowWriter(database.sqlite, database.db);
 * await writeRows(events);
 */
export function createSqliteTraceRowWriter(
  connection: BetterSqlite3.Database,
  db: Kysely<Schema>,
  options: SqliteTraceRowWriterOptions = {},
): TraceRowWriter {
  const sliceBudgetMs = options.sliceBudgetMs ?? defaultSliceBudgetMs;
  const insertTrace = createRowInserter<Schema['traces']>(connection, 'traces');
  const insertObservation = createRowInserter<Schema['observations']>(connection, 'observations');
  // IMMEDIATE takes the write lock up front: another process writing the file (the CLI) then makes us
  // wait at BEGIN (busy_timeout) instead of failing halfway through a batch.
  const begin = connection.prepare('begin immediate');
  const commit = connection.prepare('commit');
  const rollback = connection.prepare('rollback');
  // Start of the current stretch of synchronous work. Time this writer sat idle counts too, which
  // costs at most one needless turn at the start of a write.
  let sliceStartedAt = performance.now();

  function budgetSpent(): boolean {
    return performance.now() - sliceStartedAt >= sliceBudgetMs;
  }

  async function pause(): Promise<void> {
    await nextTurn();
    sliceStartedAt = performance.now();
  }

  async function writeInTransaction(events: TraceEvent[]): Promise<void> {
    // Batches written back to back (a backlog) would otherwise share one turn of the event loop.
    if (budgetSpent()) await pause();
    begin.run();
    try {
      // Converted here rather than all up front, so conversion (JSON.stringify of the captured
      // content) is sliced too; nothing references traces from observations, so the order is free.
      for (const event of events) {
        insertTrace(traceToRow(event.trace));
        for (const observation of event.observations) insertObservation(observationToRow(observation));
        if (budgetSpent()) await pause();
      }
      // Committing writes the batch's pages to the WAL (milliseconds for a large batch): a turn of its own.
      await pause();
      commit.run();
    } catch (error) {
      // Closing the connection during a pause (shutdown) has already rolled the transaction back.
      if (connection.open && connection.inTransaction) rollback.run();
      throw error;
    }
  }

  return function writeRows(events) {
    // Holds Kysely's lock on the single connection for the whole transaction, pauses included: no
    // Kysely query can run inside our transaction, and ours never nests into one Kysely left open
    // across an await.
    return db.connection().execute(() => writeInTransaction(events));
  };
}

/**
 * Inserts one row of `table`. The statement is prepared on the first row, from that row's keys, and
 * reused for every later one. Prepared lazily so a repository may be created before the migrations
 * have created its tables.
 */
function createRowInserter<Row extends object>(
  connection: BetterSqlite3.Database,
  table: keyof Schema & keyof typeof rowKeys,
): (row: Row) => void {
  let statement: BetterSqlite3.Statement<unknown[]> | undefined;
  return function insertRow(row) {
    statement ??= connection.prepare(insertSql(table, Object.keys(row), rowKeys[table]));
    // Values in key order, bound to `?` placeholders in the same order: every row of a table comes
    // from one object literal in trace-rows.ts, so all share the first row's keys in the same order
    // (a row with more or fewer values makes better-sqlite3 throw). Binding by @name instead measured
    // ~25% slower per row.
    statement.run(Object.values(row));
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

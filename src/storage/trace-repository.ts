/**
 * Traces and their observations: batch insert (the bulk writer's `write`), the newest-first list with
 * keyset pagination, and one trace with its observations. The same queries run on SQLite and PostgreSQL.
 */
import type { Kysely } from 'kysely';
import type { ObservationRecord, TraceEvent, TraceRecord, TraceStatus } from '../telemetry/model.js';
import type { Database, DatabaseDialect } from './database.js';
import type { ObservationsTable, Schema, TracesTable } from './schema.js';
import { decodeCursor, encodeCursor } from './trace-cursor.js';
import { observationToRow, rowToObservation, rowToTrace, traceToRow } from './trace-rows.js';

export { InvalidCursorError } from './trace-cursor.js';

export interface TraceQuery {
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
  model?: string;
  provider?: string;
  status?: TraceStatus;
  user?: string;
  /** Page size, 1..100. */
  limit: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

export interface TracePage {
  data: TraceRecord[];
  /** Null on the last page. */
  nextCursor: string | null;
}

export interface TraceDetail {
  trace: TraceRecord;
  observations: ObservationRecord[];
}

export interface TraceRepository {
  // Function-valued properties rather than methods: they close over the database, so they can be
  // passed around unbound (`write: traces.insertBatch`).
  /** Inserts every trace and observation of the events in one transaction. Re-inserting a row is a no-op. */
  insertBatch: (events: TraceEvent[]) => Promise<void>;
  /** Newest first (by start time, then id). Throws `InvalidCursorError` for a cursor it did not issue. */
  listTraces: (query: TraceQuery) => Promise<TracePage>;
  /** The trace and its observations ordered by start time, or null when unknown. */
  getTrace: (id: string) => Promise<TraceDetail | null>;
}

// Bound parameters per statement: SQLite's SQLITE_MAX_VARIABLE_NUMBER (32766 in the SQLite that
// better-sqlite3 bundles) and PostgreSQL's protocol limit (a 16-bit count).
const maxParameters: Record<DatabaseDialect, number> = { sqlite: 32_766, postgres: 65_535 };

/**
 * @example
 * const traces = createTraceRepository(database);
 * const writer = createBulkWriter({ write: traces.insertBatch, flushIntervalMs: 100, batchSize: 1000, maxQueue: 100_000 });
 */
export function createTraceRepository(database: Database): TraceRepository {
  const { db, dialect } = database;

  async function insertBatch(events: TraceEvent[]): Promise<void> {
    if (events.length === 0) return;
    const traceRows = events.map((event) => traceToRow(event.trace));
    const observationRows = events.flatMap((event) => event.observations.map(observationToRow));
    await db.transaction().execute(async (transaction) => {
      for (const chunk of chunks(traceRows, maxParameters[dialect])) {
        await insertTraces(transaction, chunk);
      }
      for (const chunk of chunks(observationRows, maxParameters[dialect])) {
        await insertObservations(transaction, chunk);
      }
    });
  }

  async function listTraces(query: TraceQuery): Promise<TracePage> {
    if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > 100) {
      throw new RangeError(`limit must be an integer from 1 to 100, got ${query.limit}`);
    }
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    let select = db.selectFrom('traces').selectAll();
    if (query.from !== undefined) select = select.where('start_time', '>=', query.from);
    if (query.to !== undefined) select = select.where('start_time', '<', query.to);
    if (query.model !== undefined) select = select.where('model', '=', query.model);
    if (query.provider !== undefined) select = select.where('provider', '=', query.provider);
    if (query.status !== undefined) select = select.where('status', '=', query.status);
    if (query.user !== undefined) select = select.where('user_id', '=', query.user);
    if (after !== undefined) {
      // A row-value comparison, so both engines can seek the (…, start_time, id) index directly.
      select = select.where((eb) =>
        eb(eb.refTuple('start_time', 'id'), '<', eb.tuple(after.startTime, after.id)),
      );
    }
    // One extra row tells whether another page exists without a count query.
    const rows = await select
      .orderBy('start_time', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit + 1)
      .execute();
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    const nextCursor =
      rows.length > query.limit && last !== undefined
        ? encodeCursor({ startTime: last.start_time, id: last.id })
        : null;
    return { data: page.map(rowToTrace), nextCursor };
  }

  async function getTrace(id: string): Promise<TraceDetail | null> {
    const row = await db.selectFrom('traces').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) return null;
    const observationRows = await db
      .selectFrom('observations')
      .selectAll()
      .where('trace_id', '=', id)
      .orderBy('start_time', 'asc')
      .orderBy('id', 'asc')
      .execute();
    return { trace: rowToTrace(row), observations: observationRows.map(rowToObservation) };
  }

  return { insertBatch, listTraces, getTrace };
}

// A retried batch whose first attempt did commit (the connection died before the reply) must not
// fail forever on duplicate keys, so existing rows are skipped: rows are immutable anyway.
async function insertTraces(db: Kysely<Schema>, rows: TracesTable[]): Promise<void> {
  await db
    .insertInto('traces')
    .values(rows)
    .onConflict((conflict) => conflict.column('id').doNothing())
    .execute();
}

async function insertObservations(db: Kysely<Schema>, rows: ObservationsTable[]): Promise<void> {
  await db
    .insertInto('observations')
    .values(rows)
    .onConflict((conflict) => conflict.columns(['trace_id', 'id']).doNothing())
    .execute();
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

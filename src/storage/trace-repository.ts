/**
 * Traces and their observations: batch insert (the bulk writer's `write`), the newest-first list with
 * keyset pagination, and one trace with its observations. The same queries run on SQLite and PostgreSQL,
 * except the insert, which on SQLite runs statements prepared once (sqlite-trace-row-writer.ts), on a
 * worker thread for a database file (sqlite-telemetry-thread.ts).
 */
import type { ObservationRecord, TelemetryEvent, TraceRecord, TraceStatus } from '../telemetry/model.js';
import { sql } from 'kysely';
import { GatewayError } from '../errors/gateway-error.js';
import type { Database } from './database.js';
import { fullTextMatch } from './full-text.js';
import { readStoredShape, type OptionalTraceColumn, type StoredShape } from './optional-columns.js';
import { createSqliteTraceRowWriter } from './sqlite-trace-row-writer.js';
import { decodeCursor, encodeCursor } from './trace-cursor.js';
import { createKyselyTraceRowWriter, type TraceRowWriter } from './trace-row-writer.js';
import { rowToObservation, rowToTrace } from './trace-rows.js';

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
  session?: string;
  /** Traces carrying this tag. */
  tag?: string;
  /** `gateway`, `otlp` or `api`. */
  source?: string;
  /** Set by features that add the column (tenancy, prompts); a 400 until their migration has run. */
  tenant?: string;
  project?: string;
  promptName?: string;
  promptVersion?: string;
  /** USD, inclusive. */
  minCost?: number;
  maxCost?: number;
  /** Milliseconds, inclusive. */
  minLatencyMs?: number;
  maxLatencyMs?: number;
  /** Words that must all appear in the input or output (full-text index). */
  search?: string;
  /** Page size, 1..100. */
  limit: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  /** Only this tenant's (and project's) traces; null fields do not filter. */
  scope?: TraceScope;
}

export interface TraceScope {
  tenantId: string | null;
  projectId: string | null;
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
  insertBatch: (events: TelemetryEvent[]) => Promise<void>;
  /** Newest first (by start time, then id). Throws `InvalidCursorError` for a cursor it did not issue. */
  listTraces: (query: TraceQuery) => Promise<TracePage>;
  /** The trace and its observations ordered by start time, or null when unknown. */
  getTrace: (id: string, scope?: TraceScope) => Promise<TraceDetail | null>;
}

/**
 * @example
 * const traces = createTraceRepository(database);
 * const writer = createBulkWriter({ write: traces.insertBatch, flushIntervalMs: 100, batchSize: 1000, maxQueue: 100_000 });
 */
export function createTraceRepository(database: Database): TraceRepository {
  const { db } = database;
  const writeRows = chooseRowWriter(database);

  async function insertBatch(events: TelemetryEvent[]): Promise<void> {
    if (events.length === 0) return;
    await writeRows(events);
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
    if (query.scope?.tenantId != null) select = select.where('tenant_id', '=', query.scope.tenantId);
    if (query.scope?.projectId != null) select = select.where('project_id', '=', query.scope.projectId);
    if (query.session !== undefined) select = select.where('session_id', '=', query.session);
    if (query.source !== undefined) select = select.where('source', '=', query.source);
    if (query.tag !== undefined) {
      // Tags are stored as a JSON array: the quoted tag matches one whole element.
      const pattern = `%${likeEscape(JSON.stringify(query.tag))}%`;
      select = select.where(sql<boolean>`tags like ${pattern} escape '\\'`);
    }
    if (query.minCost !== undefined) select = select.where('cost', '>=', query.minCost);
    if (query.maxCost !== undefined) select = select.where('cost', '<=', query.maxCost);
    if (query.minLatencyMs !== undefined) select = select.where('duration_ms', '>=', query.minLatencyMs);
    if (query.maxLatencyMs !== undefined) select = select.where('duration_ms', '<=', query.maxLatencyMs);
    if (query.search !== undefined) select = select.where(fullTextMatch(database.dialect, query.search));
    for (const [column, value] of optionalFilters(query)) {
      await requireColumn(column);
      select = select.where(sql.ref(column), '=', value);
    }
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

  async function getTrace(id: string, scope?: TraceScope): Promise<TraceDetail | null> {
    let select = db.selectFrom('traces').selectAll().where('id', '=', id);
    if (scope?.tenantId != null) select = select.where('tenant_id', '=', scope.tenantId);
    if (scope?.projectId != null) select = select.where('project_id', '=', scope.projectId);
    const row = await select.executeTakeFirst();
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

  let shape: Promise<StoredShape> | undefined;
  async function requireColumn(column: OptionalTraceColumn): Promise<void> {
    shape ??= readStoredShape(database);
    if (!(await shape).traceColumns.has(column)) {
      throw new GatewayError('invalid_request', `This deployment stores no ${column} on traces yet.`, {
        param: column,
      });
    }
  }

  return { insertBatch, listTraces, getTrace };
}

function optionalFilters(query: TraceQuery): [OptionalTraceColumn, string][] {
  const filters: [OptionalTraceColumn, string | undefined][] = [
    ['tenant_id', query.tenant],
    ['project_id', query.project],
    ['prompt_name', query.promptName],
    ['prompt_version', query.promptVersion],
  ];
  return filters.filter((filter): filter is [OptionalTraceColumn, string] => filter[1] !== undefined);
}

/** `LIKE` with `\` as the escape character, so `%` and `_` in a value match themselves. */
function likeEscape(value: string): string {
  return value.replace(/[\\%_]/g, (character) => `\\${character}`);
}

function chooseRowWriter(database: Database): TraceRowWriter {
  // A SQLite file: better-sqlite3 is synchronous, so inserts run on the telemetry thread.
  if (database.telemetryThread !== undefined) return database.telemetryThread.write;
  // In-memory SQLite (tests): statements prepared once, in-thread, since compiling Kysely inserts was the cost.
  if (database.sqlite !== undefined) return createSqliteTraceRowWriter(database.sqlite, database.db);
  // PostgreSQL: pg is asynchronous already.
  return createKyselyTraceRowWriter(database.db, database.dialect);
}

/**
 * Scores: feedback and evaluation results attached to a trace (a thumbs up from the app, an
 * annotator's label, an eval metric). Append-only, scoped by tenant and project like the registry.
 * Numeric and boolean values (true = 1) are stored as numbers so they can be averaged and tested;
 * categorical ones as text.
 *
 * A score may name its request by the id the client saw. That request's trace reaches the store a
 * flush after the response, possibly from another replica, so a score that arrives first is kept as a
 * pending row and attached when the trace is stored (`attachPending`, run on a schedule) — never lost,
 * and only ever attached to a trace of the caller's own tenant and project.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../storage/database.js';
import type { PendingScoresTable, ScoresTable } from '../storage/schema.js';
import type { RecentRequests } from './recent-requests.js';

export type ScoreDataType = 'numeric' | 'boolean' | 'categorical';
export type ScoreSource = 'api' | 'annotation' | 'eval';

export interface ScoreScope {
  tenantId: string;
  projectId: string;
}

export interface Score {
  id: string;
  traceId: string;
  name: string;
  dataType: ScoreDataType;
  value: number | boolean | string;
  source: ScoreSource;
  comment: string | null;
  createdAt: number;
}

/** A score by request id whose trace is not stored yet; it keeps its id when attached. */
export interface PendingScore extends Omit<Score, 'traceId'> {
  traceId: null;
  requestId: string;
  pending: true;
}

export interface NewScore {
  traceId: string;
  name: string;
  dataType: ScoreDataType;
  value: number | boolean | string;
  source: ScoreSource;
  comment: string | null;
}

export type ScoreRepository = ReturnType<typeof createScoreRepository>;

/** Pending scores attached per pass (rows of the join); more wait for the next one. */
const attachBatch = 1_000;

/**
 * @param recent request ids this process answered lately: a score posted by request id right after
 *   the answer resolves through it before the trace is flushed to the store.
 */
export function createScoreRepository(database: Database, recent?: RecentRequests) {
  const { db } = database;

  /**
   * The trace id of a request the scope made, or null when no stored trace has it (yet). A request
   * id a client reused names its latest request up to `before`.
   */
  async function traceIdOfRequest(scope: ScoreScope, requestId: string, before = Date.now()) {
    const recentTrace = recent?.traceIdOf(scope, requestId) ?? null;
    if (recentTrace !== null) return recentTrace;
    const row = await db
      .selectFrom('traces')
      .select('id')
      .where('request_id', '=', requestId)
      .where('tenant_id', '=', scope.tenantId)
      .where('project_id', '=', scope.projectId)
      .where('start_time', '<=', before)
      .orderBy('start_time', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.id ?? null;
  }

  async function insertScore(scope: ScoreScope, score: NewScore): Promise<Score> {
    const row: ScoresTable = { ...newScoreRow(scope, score), trace_id: score.traceId };
    await db.insertInto('scores').values(row).execute();
    return rowToScore(row);
  }

  return {
    insertScore,
    traceIdOfRequest,

    /** A score on a request: attached now when its trace is known, pending until it is stored otherwise. */
    async insertScoreForRequest(
      scope: ScoreScope,
      requestId: string,
      score: Omit<NewScore, 'traceId'>,
    ): Promise<Score | PendingScore> {
      const traceId = await traceIdOfRequest(scope, requestId);
      if (traceId !== null) return insertScore(scope, { ...score, traceId });
      const row: PendingScoresTable = { ...newScoreRow(scope, score), request_id: requestId };
      await db.insertInto('pending_scores').values(row).execute();
      const { traceId: _none, ...rest } = rowToScore({ ...row, trace_id: '' });
      return { ...rest, traceId: null, requestId, pending: true };
    },

    /**
     * Moves pending scores whose trace is now stored into `scores` (each in a transaction that
     * deletes it first, so two replicas never attach one twice), then drops those older than
     * `expireBefore` — their request never produced a stored trace — and counts them.
     */
    async attachPending(expireBefore: number): Promise<{ attached: number; expired: number }> {
      // Only rows whose trace is there: scores that wait do not hold up the others.
      const matches = await db
        .selectFrom('pending_scores as pending')
        .innerJoin('traces', (join) =>
          join
            .onRef('traces.request_id', '=', 'pending.request_id')
            .onRef('traces.tenant_id', '=', 'pending.tenant_id')
            .onRef('traces.project_id', '=', 'pending.project_id')
            .onRef('traces.start_time', '<=', 'pending.created_at'),
        )
        .selectAll('pending')
        .select(['traces.id as trace_id', 'traces.start_time as trace_start'])
        .orderBy('pending.id')
        .orderBy('traces.start_time', 'desc')
        .limit(attachBatch)
        .execute();
      let attached = 0;
      const seen = new Set<string>();
      for (const { trace_start: _start, request_id: _requestId, ...row } of matches) {
        // A reused request id: the latest request before the score is the first row of its group.
        if (seen.has(row.id)) continue;
        seen.add(row.id);
        await db.transaction().execute(async (transaction) => {
          const deleted = await transaction
            .deleteFrom('pending_scores')
            .where('id', '=', row.id)
            .executeTakeFirst();
          if (Number(deleted.numDeletedRows) !== 1) return;
          await transaction.insertInto('scores').values(row).execute();
          attached += 1;
        });
      }
      const expired = await db
        .deleteFrom('pending_scores')
        .where('created_at', '<', expireBefore)
        .executeTakeFirst();
      return { attached, expired: Number(expired.numDeletedRows) };
    },

    async listScores(scope: ScoreScope, traceId: string): Promise<Score[]> {
      const rows = await db
        .selectFrom('scores')
        .selectAll()
        .where('tenant_id', '=', scope.tenantId)
        .where('project_id', '=', scope.projectId)
        .where('trace_id', '=', traceId)
        .orderBy('created_at')
        .execute();
      return rows.map(rowToScore);
    },
  };
}

/** The columns a score row and a pending score row share. */
function newScoreRow(scope: ScoreScope, score: Omit<NewScore, 'traceId'>): Omit<ScoresTable, 'trace_id'> {
  return {
    id: newScoreId(),
    tenant_id: scope.tenantId,
    project_id: scope.projectId,
    name: score.name,
    data_type: score.dataType,
    ...storedValue(score.value),
    source: score.source,
    comment: score.comment,
    created_at: Date.now(),
  };
}

function newScoreId(): string {
  return `score_${randomUUID().replaceAll('-', '')}`;
}

function storedValue(value: number | boolean | string): Pick<ScoresTable, 'numeric_value' | 'string_value'> {
  return typeof value === 'string'
    ? { numeric_value: null, string_value: value }
    : { numeric_value: Number(value), string_value: null };
}

function rowToScore(row: ScoresTable): Score {
  const dataType = row.data_type as ScoreDataType;
  const value =
    dataType === 'categorical'
      ? (row.string_value ?? '')
      : dataType === 'boolean'
        ? row.numeric_value === 1
        : (row.numeric_value ?? 0);
  return {
    id: row.id,
    traceId: row.trace_id,
    name: row.name,
    dataType,
    value,
    source: row.source as ScoreSource,
    comment: row.comment,
    createdAt: row.created_at,
  };
}

/**
 * Scores: feedback and evaluation results attached to a trace (a thumbs up from the app, an
 * annotator's label, an eval metric). Append-only, scoped by tenant and project like the registry.
 * Numeric and boolean values (true = 1) are stored as numbers so they can be averaged and tested;
 * categorical ones as text.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../storage/database.js';
import type { ScoresTable } from '../storage/schema.js';
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

export interface NewScore {
  traceId: string;
  name: string;
  dataType: ScoreDataType;
  value: number | boolean | string;
  source: ScoreSource;
  comment: string | null;
}

export type ScoreRepository = ReturnType<typeof createScoreRepository>;

/**
 * @param recent request ids this process answered lately: a score posted by request id right after
 *   the answer resolves through it before the trace is flushed to the store.
 */
export function createScoreRepository(database: Database, recent?: RecentRequests) {
  const { db } = database;
  return {
    async insertScore(scope: ScoreScope, score: NewScore): Promise<Score> {
      const row: ScoresTable = {
        id: `score_${randomUUID().replaceAll('-', '')}`,
        tenant_id: scope.tenantId,
        project_id: scope.projectId,
        trace_id: score.traceId,
        name: score.name,
        data_type: score.dataType,
        numeric_value: typeof score.value === 'string' ? null : Number(score.value),
        string_value: typeof score.value === 'string' ? score.value : null,
        source: score.source,
        comment: score.comment,
        created_at: Date.now(),
      };
      await db.insertInto('scores').values(row).execute();
      return rowToScore(row);
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

    /**
     * The trace id of a request the caller's tenant and project made, or null when no trace has it
     * (yet). A request id a client reused names its latest request.
     */
    async traceIdOfRequest(scope: ScoreScope, requestId: string): Promise<string | null> {
      const recentTrace = recent?.traceIdOf(scope, requestId) ?? null;
      if (recentTrace !== null) return recentTrace;
      const row = await db
        .selectFrom('traces')
        .select('id')
        .where('request_id', '=', requestId)
        .where('tenant_id', '=', scope.tenantId)
        .where('project_id', '=', scope.projectId)
        .orderBy('start_time', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row?.id ?? null;
    },
  };
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

/** Online evaluators (definitions and their cursor over the trace stream) and the scores they write. */
import { randomBytes } from 'node:crypto';
import type { OnlineEvaluator, OnlineEvaluatorInput } from '../evals/online/online-evaluator-spec.js';
import type { ScoreWriter } from '../evals/online/score-writer.js';
import type { OnlineScore } from '../evals/records.js';
import type { Database } from './database.js';
import type { EvalOnlineEvaluatorsTable, EvalOnlineScoresTable } from './eval-schema.js';
import { fromJsonText, storableText, toJsonText } from './json-text.js';

export interface ScoreQuery {
  traceId?: string;
  evaluatorId?: string;
  /** 1..1000, default 100. */
  limit?: number;
}

export interface OnlineEvalRepository {
  /** Starts at the current time: an evaluator scores traffic from its creation on. */
  createEvaluator: (input: OnlineEvaluatorInput) => Promise<OnlineEvaluator>;
  listEvaluators: () => Promise<OnlineEvaluator[]>;
  getEvaluator: (idOrName: string) => Promise<OnlineEvaluator | null>;
  setEnabled: (id: string, enabled: boolean) => Promise<boolean>;
  deleteEvaluator: (id: string) => Promise<boolean>;
  advanceCursor: (id: string, cursor: { time: number; id: string }) => Promise<void>;
  listScores: (query: ScoreQuery) => Promise<OnlineScore[]>;
  scores: ScoreWriter;
}

/** Thrown by createEvaluator for a name already taken. */
export class DuplicateEvaluatorError extends Error {
  override name = 'DuplicateEvaluatorError';
}

export function createOnlineEvalRepository(database: Database): OnlineEvalRepository {
  const { db } = database;

  async function find(idOrName: string): Promise<OnlineEvaluator | null> {
    const row = await db
      .selectFrom('eval_online_evaluators')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
      .executeTakeFirst();
    return row === undefined ? null : rowToEvaluator(row);
  }

  return {
    async createEvaluator(input) {
      if ((await find(input.name)) !== null)
        throw new DuplicateEvaluatorError(`an online evaluator named ${input.name} exists`);
      const row: EvalOnlineEvaluatorsTable = {
        id: `oe_${randomBytes(8).toString('hex')}`,
        name: input.name,
        filter: toJsonText(input.filter),
        sample_rate: input.sample_rate,
        assertions: toJsonText(input.assert),
        judge: input.judge === undefined ? null : toJsonText(input.judge),
        embedder_model: input.embedder_model ?? null,
        enabled: input.enabled ? 1 : 0,
        cursor_time: Date.now(),
        cursor_id: '',
        created_at: Date.now(),
      };
      await db.insertInto('eval_online_evaluators').values(row).execute();
      return rowToEvaluator(row);
    },

    async listEvaluators() {
      const rows = await db.selectFrom('eval_online_evaluators').selectAll().orderBy('name').execute();
      return rows.map(rowToEvaluator);
    },

    getEvaluator: find,

    async setEnabled(id, enabled) {
      const result = await db
        .updateTable('eval_online_evaluators')
        .set({ enabled: enabled ? 1 : 0 })
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async deleteEvaluator(id) {
      const result = await db.deleteFrom('eval_online_evaluators').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async advanceCursor(id, cursor) {
      await db
        .updateTable('eval_online_evaluators')
        .set({ cursor_time: cursor.time, cursor_id: cursor.id })
        .where('id', '=', id)
        .execute();
    },

    async listScores(query) {
      const limit = query.limit ?? 100;
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
        throw new RangeError(`limit must be an integer from 1 to 1000, got ${limit}`);
      let select = db.selectFrom('eval_online_scores').selectAll();
      if (query.traceId !== undefined) select = select.where('trace_id', '=', query.traceId);
      if (query.evaluatorId !== undefined) select = select.where('evaluator_id', '=', query.evaluatorId);
      const rows = await select
        .orderBy('created_at', 'desc')
        .orderBy('trace_id')
        .orderBy('metric')
        .limit(limit)
        .execute();
      return rows.map(rowToScore);
    },

    scores: {
      async write(scores) {
        if (scores.length === 0) return;
        await db
          .insertInto('eval_online_scores')
          .values(scores.map(scoreToRow))
          .onConflict((conflict) => conflict.columns(['trace_id', 'evaluator_id', 'metric']).doNothing())
          .execute();
      },
    },
  };
}

function rowToEvaluator(row: EvalOnlineEvaluatorsTable): OnlineEvaluator {
  const evaluator: OnlineEvaluator = {
    id: row.id,
    name: row.name,
    filter: fromJsonText(row.filter),
    sample_rate: row.sample_rate,
    assert: fromJsonText(row.assertions),
    enabled: row.enabled === 1,
    cursor: { time: row.cursor_time, id: row.cursor_id },
    createdAt: row.created_at,
  };
  if (row.judge !== null) evaluator.judge = fromJsonText(row.judge);
  if (row.embedder_model !== null) evaluator.embedder_model = row.embedder_model;
  return evaluator;
}

function scoreToRow(score: OnlineScore): EvalOnlineScoresTable {
  return {
    trace_id: score.traceId,
    evaluator_id: score.evaluatorId,
    metric: score.metric,
    score: Number.isFinite(score.score) ? score.score : 0,
    pass: score.pass ? 1 : 0,
    reason: score.reason === null ? null : storableText(score.reason),
    error: score.error === null ? null : storableText(score.error),
    created_at: score.createdAt,
  };
}

function rowToScore(row: EvalOnlineScoresTable): OnlineScore {
  return {
    traceId: row.trace_id,
    evaluatorId: row.evaluator_id,
    metric: row.metric,
    score: row.score,
    pass: row.pass === 1,
    reason: row.reason,
    error: row.error,
    createdAt: row.created_at,
  };
}

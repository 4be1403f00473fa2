/**
 * Online evaluators: definitions and their cursor over the trace stream. The scores they write go to
 * the shared scores table (`evals/online/score-writer.ts`).
 */
import { randomBytes } from 'node:crypto';
import type { OnlineEvaluator, OnlineEvaluatorInput } from '../evals/online/online-evaluator-spec.js';
import type { Database } from './database.js';
import type { EvalOnlineEvaluatorsTable } from './eval-schema.js';
import { fromJsonText, toJsonText } from './json-text.js';

export interface OnlineEvalRepository {
  /** Starts at the current time: an evaluator scores traffic from its creation on. */
  createEvaluator: (input: OnlineEvaluatorInput) => Promise<OnlineEvaluator>;
  listEvaluators: () => Promise<OnlineEvaluator[]>;
  getEvaluator: (idOrName: string) => Promise<OnlineEvaluator | null>;
  setEnabled: (id: string, enabled: boolean) => Promise<boolean>;
  deleteEvaluator: (id: string) => Promise<boolean>;
  advanceCursor: (id: string, cursor: { time: number; id: string }) => Promise<void>;
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

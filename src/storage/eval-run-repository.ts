/**
 * Eval runs and their results: a run row written at start and finished at the end (or marked
 * interrupted), one result row per item written as the item completes (so Ctrl-C loses nothing
 * finished and `--resume` skips it), movable labels per suite (`production`), and the response cache.
 */
import {
  defaultEvalScope,
  type EvalScope,
  type ItemResult,
  type RunProgress,
  type RunRecord,
  type RunStatus,
  type RunSummary,
} from '../evals/records.js';
import type { ResponseCacheStore } from '../evals/runner/response-cache.js';
import type { Database } from './database.js';
import type { EvalResultsTable, EvalRunsTable } from './eval-schema.js';
import { fromJsonText, storableText, toJsonText } from './json-text.js';

export interface NewRun {
  id: string;
  suite: string;
  description: string | null;
  dataset: string | null;
  itemCount: number;
  /** Default `running`; the API's queue creates runs `queued`. */
  status?: RunStatus;
  config: Record<string, unknown>;
}

export interface RunListQuery {
  suite?: string;
  /** 1..100, default 50. */
  limit?: number;
}

export interface EvalRunRepository {
  createRun: (run: NewRun) => Promise<void>;
  /** Sets an unfinished run's status (`queued`, `running`, `cancelled`…), clearing its finish time. */
  setStatus: (id: string, status: RunStatus) => Promise<void>;
  saveResult: (runId: string, result: ItemResult) => Promise<void>;
  finishRun: (id: string, status: RunStatus, summary: RunSummary) => Promise<void>;
  getRun: (id: string) => Promise<RunRecord | null>;
  listRuns: (query: RunListQuery) => Promise<RunRecord[]>;
  /** Items done so far, passed and failed: a running run's progress. */
  progress: (runId: string) => Promise<RunProgress>;
  /** Results in item order. */
  getResults: (runId: string) => Promise<ItemResult[]>;
  setLabel: (suite: string, label: string, runId: string) => Promise<void>;
  /** The run a label points at for a suite, or null. */
  resolveLabel: (suite: string, label: string) => Promise<string | null>;
  cache: ResponseCacheStore;
}

/** Runs and labels of one tenant and project (default: the `default` ones, as the CLI uses). */
export function createEvalRunRepository(
  database: Database,
  scope: EvalScope = defaultEvalScope,
): EvalRunRepository {
  const { db } = database;
  const runsInScope = () =>
    db
      .selectFrom('eval_runs')
      .selectAll()
      .where('tenant_id', '=', scope.tenantId)
      .where('project_id', '=', scope.projectId);

  async function labelsByRun(runIds: string[]): Promise<Map<string, string[]>> {
    const labels = new Map<string, string[]>();
    if (runIds.length === 0) return labels;
    const rows = await db
      .selectFrom('eval_run_labels')
      .select(['run_id', 'label'])
      .where('run_id', 'in', runIds)
      .orderBy('label')
      .execute();
    for (const row of rows) labels.set(row.run_id, [...(labels.get(row.run_id) ?? []), row.label]);
    return labels;
  }

  return {
    async createRun(run) {
      await db
        .insertInto('eval_runs')
        .values({
          id: run.id,
          tenant_id: scope.tenantId,
          project_id: scope.projectId,
          suite: run.suite,
          description: run.description,
          dataset: run.dataset,
          status: run.status ?? 'running',
          started_at: Date.now(),
          finished_at: null,
          item_count: run.itemCount,
          config: toJsonText(run.config),
          summary: null,
        })
        .execute();
    },

    async setStatus(id, status) {
      await db
        .updateTable('eval_runs')
        .set({ status, finished_at: null })
        .where('id', '=', id)
        .where('tenant_id', '=', scope.tenantId)
        .where('project_id', '=', scope.projectId)
        .execute();
    },

    async saveResult(runId, result) {
      await db
        .insertInto('eval_results')
        .values(resultToRow(runId, result))
        .onConflict((conflict) => conflict.columns(['run_id', 'item_key']).doNothing())
        .execute();
    },

    async finishRun(id, status, summary) {
      await db
        .updateTable('eval_runs')
        .set({ status, finished_at: Date.now(), summary: toJsonText(summary) })
        .where('id', '=', id)
        .where('tenant_id', '=', scope.tenantId)
        .where('project_id', '=', scope.projectId)
        .execute();
    },

    async getRun(id) {
      const row = await runsInScope().where('id', '=', id).executeTakeFirst();
      if (row === undefined) return null;
      return rowToRun(row, (await labelsByRun([id])).get(id) ?? []);
    },

    async listRuns(query) {
      const limit = query.limit ?? 50;
      if (!Number.isInteger(limit) || limit < 1 || limit > 100)
        throw new RangeError(`limit must be an integer from 1 to 100, got ${limit}`);
      let select = runsInScope();
      if (query.suite !== undefined) select = select.where('suite', '=', query.suite);
      const rows = await select.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
      const labels = await labelsByRun(rows.map((row) => row.id));
      return rows.map((row) => rowToRun(row, labels.get(row.id) ?? []));
    },

    async progress(runId) {
      const rows = await db
        .selectFrom('eval_results')
        .select(['pass', 'error'])
        .where('run_id', '=', runId)
        .execute();
      const passed = rows.filter((row) => row.pass === 1).length;
      return {
        done: rows.length,
        passed,
        failed: rows.length - passed,
        errors: rows.filter((row) => row.error !== null).length,
      };
    },

    async getResults(runId) {
      const rows = await db
        .selectFrom('eval_results')
        .selectAll()
        .where('run_id', '=', runId)
        .orderBy('position')
        .execute();
      return rows.map(rowToResult);
    },

    async setLabel(suite, label, runId) {
      await db
        .insertInto('eval_run_labels')
        .values({
          tenant_id: scope.tenantId,
          project_id: scope.projectId,
          suite,
          label,
          run_id: runId,
          updated_at: Date.now(),
        })
        .onConflict((conflict) =>
          conflict
            .columns(['tenant_id', 'project_id', 'suite', 'label'])
            .doUpdateSet({ run_id: runId, updated_at: Date.now() }),
        )
        .execute();
    },

    async resolveLabel(suite, label) {
      const row = await db
        .selectFrom('eval_run_labels')
        .select('run_id')
        .where('tenant_id', '=', scope.tenantId)
        .where('project_id', '=', scope.projectId)
        .where('suite', '=', suite)
        .where('label', '=', label)
        .executeTakeFirst();
      return row?.run_id ?? null;
    },

    cache: {
      async get(key) {
        const row = await db
          .selectFrom('eval_response_cache')
          .select('value')
          .where('key', '=', key)
          .executeTakeFirst();
        return row?.value;
      },
      async set(key, value) {
        await db
          .insertInto('eval_response_cache')
          .values({ key, value: storableText(value), created_at: Date.now() })
          .onConflict((conflict) => conflict.column('key').doNothing())
          .execute();
      },
    },
  };
}

function rowToRun(row: EvalRunsTable, labels: string[]): RunRecord {
  return {
    id: row.id,
    suite: row.suite,
    description: row.description,
    dataset: row.dataset,
    status: row.status as RunStatus,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    itemCount: row.item_count,
    config: fromJsonText(row.config),
    summary: row.summary === null ? null : fromJsonText(row.summary),
    labels,
  };
}

function finite(value: number | null): number | null {
  return value === null || !Number.isFinite(value) ? null : value;
}

function resultToRow(runId: string, result: ItemResult): EvalResultsTable {
  return {
    run_id: runId,
    item_key: result.itemKey,
    position: result.position,
    test_key: result.testKey,
    prompt_id: result.promptId,
    target: result.target,
    description: result.description,
    vars: toJsonText(result.vars),
    output: result.output === null ? null : storableText(result.output),
    error: result.error === null ? null : storableText(result.error),
    pass: result.pass ? 1 : 0,
    score: Number.isFinite(result.score) ? result.score : 0,
    latency_ms: finite(result.latencyMs),
    cost: finite(result.cost),
    input_tokens: result.inputTokens,
    output_tokens: result.outputTokens,
    cached: result.cached ? 1 : 0,
    assertions: toJsonText(result.assertions),
    created_at: Date.now(),
  };
}

function rowToResult(row: EvalResultsTable): ItemResult {
  return {
    itemKey: row.item_key,
    position: row.position,
    testKey: row.test_key,
    promptId: row.prompt_id,
    target: row.target,
    description: row.description,
    vars: fromJsonText(row.vars),
    output: row.output,
    error: row.error,
    pass: row.pass === 1,
    score: row.score,
    latencyMs: row.latency_ms,
    cost: row.cost,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    cached: row.cached === 1,
    assertions: fromJsonText(row.assertions),
  };
}

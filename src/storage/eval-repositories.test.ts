/**
 * The evaluation repositories on SQLite and on the machine's PostgreSQL (a fresh database per run):
 * dataset versions, runs with results and labels, the response cache, online evaluators, online
 * scores in the shared scores table, and tenant scoping.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ItemResult } from '../evals/records.js';
import { openDatabase, type Database } from './database.js';
import { createDatasetRepository } from './dataset-repository.js';
import { createEvalRunRepository } from './eval-run-repository.js';
import { migrateToLatest } from './migrate.js';
import { createOnlineEvalRepository, DuplicateEvaluatorError } from './online-eval-repository.js';
import { scoresTableWriter } from '../evals/online/score-writer.js';
import { createScoreRepository } from '../telemetry/score-repository.js';
import {
  createPostgresTestDatabase,
  postgresAvailable,
  type PostgresTestDatabase,
} from './testing/postgres-test-database.js';

const backends = [
  {
    name: 'SQLite',
    available: true,
    url: () => Promise.resolve({ url: ':memory:', drop: () => Promise.resolve() }),
  },
  {
    name: 'PostgreSQL',
    available: await postgresAvailable(),
    url: async () => {
      const database = (await createPostgresTestDatabase()) as PostgresTestDatabase;
      return { url: database.url, drop: () => database.drop() };
    },
  },
];

function result(position: number, overrides: Partial<ItemResult> = {}): ItemResult {
  return {
    itemKey: `t${position}|prompt-1|mock`,
    position,
    testKey: `t${position}`,
    promptId: 'prompt-1',
    target: 'mock',
    description: null,
    vars: { question: `q${position}` },
    output: `answer ${position}\u0000`,
    error: null,
    pass: true,
    score: 1,
    latencyMs: 12.5,
    cost: null,
    inputTokens: 10,
    outputTokens: 3,
    cached: false,
    assertions: [{ type: 'contains', metric: 'contains', pass: true, score: 1, weight: 1, reason: 'ok' }],
    ...overrides,
  };
}

for (const backend of backends) {
  describe.skipIf(!backend.available)(`evaluation storage on ${backend.name}`, () => {
    let database: Database;
    let drop: () => Promise<void>;

    beforeAll(async () => {
      const target = await backend.url();
      drop = target.drop;
      database = await openDatabase(target.url);
      await migrateToLatest(database);
    });

    afterAll(async () => {
      await database.close();
      await drop();
    });

    it('versions datasets: each change is a new immutable version', async () => {
      const datasets = createDatasetRepository(database);
      const first = await datasets.addItems(
        'capitals',
        [{ id: 'fr', input: { country: 'France' }, expected: 'Paris' }],
        {
          description: 'Capital cities',
        },
      );
      expect(first).toMatchObject({ version: 1, itemCount: 1 });
      const second = await datasets.addItems(
        'capitals',
        [{ input: { country: 'Japan' }, context: ['Tokyo is the capital.'], metadata: { source: 'trace' } }],
        {
          note: 'from production',
        },
      );
      expect(second).toMatchObject({ version: 2, itemCount: 2, note: 'from production' });

      const v1 = await datasets.getItems('capitals', 1);
      expect(v1?.items).toEqual([{ id: 'fr', input: { country: 'France' }, expected: 'Paris' }]);
      const latest = await datasets.getItems('capitals');
      expect(latest?.version).toBe(2);
      expect(latest?.items[1]).toMatchObject({
        input: { country: 'Japan' },
        context: ['Tokyo is the capital.'],
        metadata: { source: 'trace' },
      });
      expect(latest?.items[1]?.id).toMatch(/^item_[0-9a-f]{12}$/);

      expect(await datasets.getDataset('capitals')).toMatchObject({
        name: 'capitals',
        description: 'Capital cities',
        latestVersion: 2,
        itemCount: 2,
      });
      expect((await datasets.listVersions('capitals')).map((version) => version.version)).toEqual([2, 1]);
      const replaced = await datasets.addItems('capitals', [{ input: { country: 'Peru' } }], {
        replace: true,
      });
      expect(replaced.itemCount).toBe(1);
      expect(await datasets.getItems('capitals', 9)).toBeNull();
      expect(await datasets.getItems('nope')).toBeNull();
      expect(await datasets.deleteDataset('capitals')).toBe(true);
      expect(await datasets.listDatasets()).toEqual([]);
    });

    it('stores runs, results as they complete, labels and the response cache', async () => {
      const runs = createEvalRunRepository(database);
      await runs.createRun({
        id: 'run_a',
        suite: 'rag',
        description: 'first',
        dataset: null,
        itemCount: 2,
        config: { targets: ['mock'] },
      });
      await runs.saveResult('run_a', result(1));
      await runs.saveResult(
        'run_a',
        result(0, { pass: false, score: 0.25, error: 'timed out', output: null }),
      );
      // Saving an item again (a resumed run racing a finished one) changes nothing.
      await runs.saveResult('run_a', result(1, { score: 0 }));
      const results = await runs.getResults('run_a');
      expect(results.map((item) => [item.position, item.pass, item.score, item.error])).toEqual([
        [0, false, 0.25, 'timed out'],
        [1, true, 1, null],
      ]);
      expect(results[1]?.output).toBe('answer 1');
      expect(results[1]?.assertions[0]?.reason).toBe('ok');

      expect((await runs.getRun('run_a'))?.status).toBe('running');
      const summary = {
        items: 2,
        passed: 1,
        failed: 1,
        errors: 1,
        passRate: 0.5,
        meanScore: 0.625,
        cost: null,
        meanLatencyMs: 12.5,
        cachedItems: 0,
        metrics: [],
        durationMs: 10,
      };
      await runs.finishRun('run_a', 'interrupted', summary);
      await runs.setLabel('rag', 'production', 'run_a');
      const run = await runs.getRun('run_a');
      expect(run).toMatchObject({
        status: 'interrupted',
        summary,
        labels: ['production'],
        config: { targets: ['mock'] },
      });
      await runs.setStatus('run_a', 'running');
      expect((await runs.getRun('run_a'))?.status).toBe('running');
      expect(await runs.progress('run_a')).toEqual({ done: 2, passed: 1, failed: 1, errors: 1 });

      await runs.createRun({
        id: 'run_b',
        suite: 'rag',
        description: null,
        dataset: 'capitals@2',
        itemCount: 0,
        config: {},
      });
      await runs.setLabel('rag', 'production', 'run_b');
      expect(await runs.resolveLabel('rag', 'production')).toBe('run_b');
      expect(await runs.resolveLabel('other', 'production')).toBeNull();
      expect((await runs.listRuns({ suite: 'rag' })).map((listed) => [listed.id, listed.labels])).toEqual([
        ['run_b', ['production']],
        ['run_a', []],
      ]);

      await runs.cache.set('k', '{"text":"hi"}');
      await runs.cache.set('k', '{"text":"other"}');
      expect(await runs.cache.get('k')).toBe('{"text":"hi"}');
      expect(await runs.cache.get('missing')).toBeUndefined();
    });

    it('keeps online evaluators, their cursor and the scores they write', async () => {
      const online = createOnlineEvalRepository(database);
      const evaluator = await online.createEvaluator({
        name: 'polite',
        filter: { model: 'mock' },
        sample_rate: 0.5,
        assert: [{ type: 'not-is-refusal', weight: 1 }],
        enabled: true,
      });
      await expect(online.createEvaluator({ ...evaluator, name: 'polite' })).rejects.toBeInstanceOf(
        DuplicateEvaluatorError,
      );
      await online.advanceCursor(evaluator.id, { time: 123, id: 'abc' });
      expect(await online.getEvaluator('polite')).toMatchObject({
        id: evaluator.id,
        cursor: { time: 123, id: 'abc' },
        filter: { model: 'mock' },
      });
      expect(await online.setEnabled(evaluator.id, false)).toBe(true);
      expect((await online.listEvaluators())[0]?.enabled).toBe(false);

      expect(await online.deleteEvaluator(evaluator.id)).toBe(true);
      expect(await online.getEvaluator('polite')).toBeNull();
    });

    it('writes online scores into the shared scores table, under the trace’s tenant and project', async () => {
      const scores = createScoreRepository(database);
      await scoresTableWriter(scores).write([
        {
          tenantId: 'acme',
          projectId: 'web',
          traceId: 't1',
          metric: 'faithfulness',
          score: 0.75,
          comment: 'grounded: pass',
        },
      ]);
      expect(await scores.listScores({ tenantId: 'acme', projectId: 'web' }, 't1')).toMatchObject([
        {
          traceId: 't1',
          name: 'faithfulness',
          dataType: 'numeric',
          value: 0.75,
          source: 'eval',
          comment: 'grounded: pass',
        },
      ]);
      expect(await scores.listScores({ tenantId: 'default', projectId: 'default' }, 't1')).toEqual([]);
    });

    it('keeps each tenant’s and project’s datasets, runs and labels apart', async () => {
      const acme = { tenantId: 'acme', projectId: 'default' };
      const globex = { tenantId: 'globex', projectId: 'default' };
      await createDatasetRepository(database, acme).addItems('shared-name', [{ input: { q: 'acme' } }]);
      await createDatasetRepository(database, globex).addItems('shared-name', [
        { input: { q: 'globex' } },
        { input: { q: 'globex 2' } },
      ]);
      expect((await createDatasetRepository(database, acme).getItems('shared-name'))?.items).toMatchObject([
        { input: { q: 'acme' } },
      ]);
      expect((await createDatasetRepository(database, globex).getDataset('shared-name'))?.itemCount).toBe(2);
      expect(
        await createDatasetRepository(database, { tenantId: 'acme', projectId: 'other' }).listDatasets(),
      ).toEqual([]);
      expect(await createDatasetRepository(database, globex).deleteDataset('shared-name')).toBe(true);
      expect(await createDatasetRepository(database, acme).getDataset('shared-name')).not.toBeNull();

      const acmeRuns = createEvalRunRepository(database, acme);
      const globexRuns = createEvalRunRepository(database, globex);
      await acmeRuns.createRun({
        id: 'run_acme',
        suite: 's',
        description: null,
        dataset: null,
        itemCount: 0,
        config: {},
      });
      await acmeRuns.setLabel('s', 'production', 'run_acme');
      expect(await globexRuns.getRun('run_acme')).toBeNull();
      expect(await globexRuns.listRuns({})).toEqual([]);
      expect(await globexRuns.resolveLabel('s', 'production')).toBeNull();
      await globexRuns.setStatus('run_acme', 'cancelled');
      expect((await acmeRuns.getRun('run_acme'))?.status).toBe('running');
    });
  });
}

/**
 * Evaluation through the real server, on SQLite and PostgreSQL: datasets over the API (versions,
 * export, items from traces, precise errors), a suite run through the gateway stored as a run, an
 * interrupted run resumed without redoing finished items, comparisons with a labelled baseline, and
 * online evaluators scoring production traces into the shared scores table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { createGatewayClient, type GatewayClient } from '../src/evals/runner/gateway-client.js';
import { runSuite } from '../src/evals/run-suite.js';
import { parseSuiteText } from '../src/evals/suite/load-suite.js';
import { createDatasetRepository } from '../src/storage/dataset-repository.js';
import { createEvalRunRepository } from '../src/storage/eval-run-repository.js';
import { createPriceCatalog } from '../src/usage/price-catalog.js';
import { masterKey, startStack, type Stack } from './helpers/stack.js';
import { storesUnderTest } from './helpers/stores.js';

async function call<T>(
  stack: Stack,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T; text: string }> {
  await stack.gatehouse.telemetry.flush();
  const response = await request(`${stack.url}${path}`, {
    method: method as 'GET',
    headers: {
      authorization: `Bearer ${masterKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.body.text();
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  return { status: response.statusCode, body: parsed as T, text };
}

const suiteText = (extra = '') =>
  [
    'name: capitals',
    'prompts: ["Capital of {{country}}?"]',
    'targets: [slow-mock]',
    'defaultTest:',
    '  assert:',
    '    - type: icontains',
    '      value: "{{country}}"',
    '    - type: not-is-refusal',
    'tests:',
    ...['France', 'Japan', 'Peru', 'Chile', 'Kenya', 'Norway'].map(
      (country) => `  - { id: ${country.toLowerCase()}, vars: { country: ${country} } }`,
    ),
    extra,
  ].join('\n');

for (const store of await storesUnderTest()) {
  describe(`evals over the API on ${store}`, () => {
    let stack: Stack;
    let client: GatewayClient;

    beforeAll(async () => {
      stack = await startStack({
        store,
        config: { evals: { online: { poll_interval_ms: 50, settle_ms: 0 } } },
        providers: [{ id: 'slow', type: 'mock', mock: { latency_ms: 40 } }],
        models: [{ name: 'slow-mock', targets: [{ provider: 'slow', model: 'mock-1' }] }],
      });
      client = createGatewayClient({
        baseUrl: stack.url,
        apiKey: masterKey,
        prices: createPriceCatalog({ enabled: true, overrides: {} }),
      });
    });

    afterAll(async () => {
      await client.close();
      await stack.close();
    });

    it('versions datasets, exports them and makes items from traces', async () => {
      const created = await call<{ version: { version: number } }>(stack, 'POST', '/api/datasets', {
        name: 'faq',
        description: 'Frequent questions',
        items: [{ id: 'q1', input: { question: 'Opening hours?' }, expected: '9 to 5' }],
      });
      expect(created.status).toBe(201);
      expect(created.body.version.version).toBe(1);
      expect((await call(stack, 'POST', '/api/datasets', { name: 'faq' })).status).toBe(400);

      const added = await call<{ version: number; itemCount: number }>(
        stack,
        'POST',
        '/api/datasets/faq/items',
        {
          items: [{ input: { question: 'Parking?' }, context: ['Parking is free.'] }],
        },
      );
      expect(added.body).toMatchObject({ version: 2, itemCount: 2 });
      const v1 = await call<{ data: unknown[] }>(stack, 'GET', '/api/datasets/faq/items?version=1');
      expect(v1.body.data).toEqual([{ id: 'q1', input: { question: 'Opening hours?' }, expected: '9 to 5' }]);
      const detail = await call<{ latestVersion: number; versions: { version: number }[] }>(
        stack,
        'GET',
        '/api/datasets/faq',
      );
      expect(detail.body.latestVersion).toBe(2);
      expect(detail.body.versions.map((version) => version.version)).toEqual([2, 1]);
      const csv = await call(stack, 'GET', '/api/datasets/faq/export?format=csv');
      expect(csv.text.split('\n')[0]).toBe('id,question,expected,context,metadata');
      expect(csv.text).toContain('"[""Parking is free.""]"');

      const bad = await call<{ error: { param: string; message: string } }>(
        stack,
        'POST',
        '/api/datasets/faq/items',
        { items: [{ input: 'x' }] },
      );
      expect(bad.status).toBe(400);
      expect(bad.body.error.param).toBe('items[0].input');
      expect((await call(stack, 'GET', '/api/datasets/nope/items')).status).toBe(404);

      // A production failure becomes a regression case in one call.
      await client.chat(
        {
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: 'Why did my order fail?' }],
          purpose: 'target',
        },
        AbortSignal.timeout(10_000),
      );
      const traces = await call<{ data: { id: string; model: string }[] }>(
        stack,
        'GET',
        '/api/traces?model=gpt-4o-mini',
      );
      const traceId = traces.body.data[0]?.id ?? '';
      const fromTraces = await call<{ version: number; itemCount: number }>(
        stack,
        'POST',
        '/api/datasets/faq/from-traces',
        { trace_ids: [traceId] },
      );
      expect(fromTraces.body).toMatchObject({ version: 3, itemCount: 3 });
      const latest = await call<{
        data: { id: string; input: { question: string }; metadata: { trace_id: string } }[];
      }>(stack, 'GET', '/api/datasets/faq/items');
      expect(latest.body.data[2]).toMatchObject({
        id: `trace-${traceId}`,
        input: { question: 'Why did my order fail?' },
        metadata: { trace_id: traceId },
      });
      expect((await call(stack, 'POST', '/api/datasets/faq/from-traces', {})).status).toBe(400);
      expect((await call(stack, 'DELETE', '/api/datasets/faq')).status).toBe(204);
    });

    it('stores runs, resumes an interrupted one, and compares with a labelled baseline', async () => {
      const runs = createEvalRunRepository(stack.gatehouse.database);
      const datasets = createDatasetRepository(stack.gatehouse.database);
      const suite = parseSuiteText(suiteText(), '/suites/capitals.yaml');

      // Interrupt after two items finished (concurrency 1 keeps the order), then resume.
      const abort = new AbortController();
      let finished = 0;
      const first = await runSuite({
        suite,
        client,
        runs,
        datasets,
        signal: abort.signal,
        concurrency: 1,
        onResult: () => {
          finished += 1;
          if (finished === 2) abort.abort();
        },
      });
      expect(first.status).toBe('interrupted');
      expect(first.results).toHaveLength(2);
      expect((await runs.getRun(first.runId))?.status).toBe('interrupted');

      let resumedFrom = -1;
      const resumed = await runSuite({
        suite,
        client,
        runs,
        datasets,
        signal: new AbortController().signal,
        resumeRunId: first.runId,
        onStart: (_total, done) => (resumedFrom = done),
      });
      expect(resumedFrom).toBe(2);
      expect(resumed.runId).toBe(first.runId);
      expect(resumed.status).toBe('completed');
      expect(resumed.results.map((result) => result.testKey)).toEqual([
        'france',
        'japan',
        'peru',
        'chile',
        'kenya',
        'norway',
      ]);
      // The mock echoes the question, so every answer names its country.
      expect(resumed.summary).toMatchObject({ items: 6, passed: 6, errors: 0 });

      const labelled = await call(stack, 'PUT', `/api/eval-runs/${first.runId}/labels/production`);
      expect(labelled.body).toEqual({ suite: 'capitals', label: 'production', run_id: first.runId });

      // A candidate whose prompt loses the country for two tests: those flip to fail.
      const candidateSuite = parseSuiteText(
        suiteText()
          .replace('Capital of {{country}}?', 'Capital of {{place}}?')
          .replace('id: peru, vars: { country: Peru }', 'id: peru, vars: { country: Peru, place: Peru }')
          .replace(
            'id: france, vars: { country: France }',
            'id: france, vars: { country: France, place: France }',
          )
          .replace('id: japan, vars: { country: Japan }', 'id: japan, vars: { country: Japan, place: Japan }')
          .replace(
            'id: chile, vars: { country: Chile }',
            'id: chile, vars: { country: Chile, place: Chile }',
          ),
        '/suites/capitals.yaml',
      );
      const candidate = await runSuite({
        suite: candidateSuite,
        client,
        runs,
        datasets,
        signal: new AbortController().signal,
        baseline: 'production',
      });
      expect(candidate.comparison?.baselineRunId).toBe(first.runId);
      expect(candidate.comparison?.result.flippedToFail.map((change) => change.testKey)).toEqual([
        'kenya',
        'norway',
      ]);

      const list = await call<{ data: { id: string; labels: string[] }[] }>(
        stack,
        'GET',
        '/api/eval-runs?suite=capitals',
      );
      expect(list.body.data.map((run) => run.id)).toEqual([candidate.runId, first.runId]);
      expect(list.body.data[1]?.labels).toEqual(['production']);
      const results = await call<{ data: { testKey: string; output: string }[] }>(
        stack,
        'GET',
        `/api/eval-runs/${candidate.runId}/results`,
      );
      expect(results.body.data).toHaveLength(6);
      const comparison = await call<{
        baseline_run_id: string;
        regression: boolean;
        flippedToFail: { testKey: string }[];
      }>(stack, 'GET', `/api/eval-runs/${candidate.runId}/compare?baseline=production`);
      expect(comparison.body).toMatchObject({ baseline_run_id: first.runId, regression: true });
      expect(comparison.body.flippedToFail.map((change) => change.testKey)).toEqual(['kenya', 'norway']);
      expect(
        (await call(stack, 'GET', `/api/eval-runs/${candidate.runId}/compare?baseline=nope`)).status,
      ).toBe(404);
      expect((await call(stack, 'GET', '/api/eval-runs/run_missing')).status).toBe(404);
    });

    it('online evaluators score sampled production traces and skip eval traffic', async () => {
      const created = await call<{ id: string }>(stack, 'POST', '/api/online-evaluators', {
        name: 'echoes',
        filter: { model: 'slow-mock' },
        sample_rate: 1,
        assert: [{ type: 'icontains', value: 'giraffe' }, { type: 'not-is-refusal' }],
      });
      expect(created.status).toBe(201);
      const invalid = await call<{ error: { param: string } }>(stack, 'POST', '/api/online-evaluators', {
        name: 'x',
        sample_rate: 2,
        assert: [{ type: 'equals' }],
      });
      expect(invalid.status).toBe(400);
      expect(invalid.body.error.param).toBe('sample_rate');

      // Production traffic (no eval metadata), through the gateway like any app.
      const production = await request(`${stack.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'slow-mock',
          messages: [{ role: 'user', content: 'Tell me about the giraffe' }],
        }),
      });
      expect(production.statusCode).toBe(200);
      await production.body.dump();
      const traceId = String(production.headers['x-gatehouse-trace-id']);
      // Eval traffic is never sampled.
      await client.chat(
        { model: 'slow-mock', messages: [{ role: 'user', content: 'giraffe eval' }], purpose: 'judge' },
        AbortSignal.timeout(10_000),
      );

      // The scores land in the shared scores table, like feedback, with source `eval`.
      type Score = { name: string; value: number; source: string; comment: string };
      const deadline = Date.now() + 10_000;
      let scores: Score[] = [];
      while (Date.now() < deadline) {
        scores = (await call<{ data: Score[] }>(stack, 'GET', `/api/scores?trace_id=${traceId}`)).body.data;
        if (scores.length >= 2) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(scores.map((score) => [score.name, score.value, score.source]).sort()).toEqual([
        ['icontains', 1, 'eval'],
        ['not-is-refusal', 1, 'eval'],
      ]);
      expect(scores[0]?.comment).toMatch(/^echoes: pass/);
      const evalTraces = await call<{ data: { id: string; metadata: Record<string, string> | null }[] }>(
        stack,
        'GET',
        '/api/traces?model=slow-mock&limit=100',
      );
      const evalTrace = evalTraces.body.data.find((trace) => trace.metadata?.gatehouse_eval === 'judge');
      expect(evalTrace).toBeDefined();
      expect(
        (await call<{ data: unknown[] }>(stack, 'GET', `/api/scores?trace_id=${evalTrace?.id ?? ''}`)).body
          .data,
      ).toEqual([]);
      expect((await call(stack, 'PATCH', `/api/online-evaluators/echoes`, { enabled: false })).status).toBe(
        200,
      );
      expect((await call(stack, 'DELETE', `/api/online-evaluators/${created.body.id}`)).status).toBe(204);
    });
  });
}

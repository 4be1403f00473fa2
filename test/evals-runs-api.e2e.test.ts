/**
 * Eval runs started through the API, on SQLite and PostgreSQL: a suite sent as YAML whose prompt is a
 * registry reference, run asynchronously in the server with the exact prompt version recorded and a
 * baseline run of "whatever is labelled production" made and compared; a run from a stored dataset
 * with targets and asserts; progress, cancel and resume; precise 400s for bad suites.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { pinPrompts, registryPromptSource } from '../src/evals/prompts/pin-prompts.js';
import { restPromptSource } from '../src/evals/prompts/rest-prompt-source.js';
import { masterKey, startStack, type Stack } from './helpers/stack.js';
import { storesUnderTest } from './helpers/stores.js';

interface Run {
  id: string;
  suite: string;
  status: string;
  itemCount: number;
  config: { prompts: unknown[] };
  progress: { done: number; total: number; passed: number; failed: number; errors: number };
  summary: { baseline?: { runId: string; regression: boolean } } | null;
}

interface ItemRow {
  itemKey: string;
  latencyMs: number;
  output: string;
}

async function call<T>(stack: Stack, method: string, path: string, body?: unknown) {
  const response = await request(`${stack.url}${path}`, {
    method: method as 'GET',
    headers: {
      authorization: `Bearer ${masterKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.statusCode, body: (await response.body.json()) as T };
}

async function waitFor(stack: Stack, id: string, done: (run: Run) => boolean): Promise<Run> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const run = (await call<Run>(stack, 'GET', `/api/eval-runs/${id}`)).body;
    if (done(run) || Date.now() > deadline) return run;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const countries = ['France', 'Japan', 'Peru', 'Chile', 'Kenya', 'Norway'];
const suiteYaml = (prompt: string, model = 'mock') =>
  [
    'name: capitals',
    `prompts: ["${prompt}"]`,
    `targets: [${model}]`,
    'defaultTest:',
    '  assert:',
    '    - type: icontains',
    '      value: "{{country}}"',
    'tests:',
    ...countries.map((country) => `  - { id: ${country.toLowerCase()}, vars: { country: ${country} } }`),
  ].join('\n');

for (const store of await storesUnderTest()) {
  describe(`eval runs started through the API on ${store}`, () => {
    let stack: Stack;

    beforeAll(async () => {
      stack = await startStack({
        store,
        providers: [
          { id: 'fake', type: 'mock' },
          { id: 'slow', type: 'mock', mock: { latency_ms: 150 } },
        ],
        models: [
          { name: 'mock', targets: [{ provider: 'fake', model: 'mock-1' }] },
          { name: 'slow-mock', targets: [{ provider: 'slow', model: 'mock-1' }] },
        ],
      });
      // v1 (production) names the country; v2, the candidate, forgets it.
      for (const [template, labels] of [
        ['Capital of {{country}}?', ['production']],
        ['Which capital? {{#country}}(a country was given){{/country}}', []],
      ] as const) {
        const pushed = await call(stack, 'POST', '/api/prompts', {
          name: 'capital-q',
          template,
          variables: [{ name: 'country', type: 'string' }],
          labels,
        });
        expect(pushed.status).toBe(201);
      }
    });

    afterAll(() => stack.close());

    it('runs a registry prompt version against whatever is labelled production', async () => {
      const started = await call<Run>(stack, 'POST', '/api/eval-runs', {
        suite: suiteYaml('prompt:capital-q@2'),
        baseline_prompt_label: 'production',
      });
      expect(started.status).toBe(202);
      expect(started.body.progress.total).toBe(6);
      expect(['queued', 'running']).toContain(started.body.status);

      const run = await waitFor(stack, started.body.id, (current) => current.status === 'completed');
      expect(run.status).toBe('completed');
      expect(run.progress).toEqual({ done: 6, total: 6, passed: 0, failed: 6, errors: 0 });
      expect(run.config.prompts).toEqual([{ id: 'capital-q', prompt: 'capital-q', version: 2, label: null }]);
      expect(run.summary?.baseline?.regression).toBe(true);

      // The baseline: the same suite with the prompt at production (v1), stored as a run of its own.
      const baseline = await call<Run>(stack, 'GET', `/api/eval-runs/${run.summary?.baseline?.runId ?? ''}`);
      expect(baseline.body.config.prompts).toEqual([
        { id: 'capital-q', prompt: 'capital-q', version: 1, label: 'production' },
      ]);
      expect(baseline.body.progress).toMatchObject({ done: 6, passed: 6 });
      const results = await call<{ data: { vars: object; output: string }[] }>(
        stack,
        'GET',
        `/api/eval-runs/${baseline.body.id}/results`,
      );
      expect(results.body.data[0]?.output).toContain('Capital of France?');

      const comparison = await call<{ flippedToFail: { testKey: string }[]; regression: boolean }>(
        stack,
        'GET',
        `/api/eval-runs/${run.id}/compare?baseline=${baseline.body.id}`,
      );
      expect(comparison.body.flippedToFail.map((change) => change.testKey)).toEqual(
        countries.map((country) => country.toLowerCase()),
      );

      // Asked again, the baseline of the same versions is reused, not run again.
      const again = await call<Run>(stack, 'POST', '/api/eval-runs', {
        suite: suiteYaml('prompt:capital-q@2'),
        baseline_prompt_label: 'production',
      });
      const second = await waitFor(stack, again.body.id, (current) => current.status === 'completed');
      expect(second.summary?.baseline?.runId).toBe(baseline.body.id);
    });

    it('runs a stored dataset with prompts, targets and asserts given in the request', async () => {
      expect(
        (
          await call(stack, 'POST', '/api/datasets', {
            name: 'few-capitals',
            items: [
              { id: 'fr', input: { country: 'France' } },
              { id: 'jp', input: { country: 'Japan' } },
            ],
          })
        ).status,
      ).toBe(201);
      const started = await call<Run>(stack, 'POST', '/api/eval-runs', {
        dataset: 'few-capitals',
        prompts: [{ prompt: 'capital-q' }],
        targets: ['mock'],
        assert: [{ type: 'icontains', value: '{{country}}' }],
      });
      expect(started.status).toBe(202);
      const run = await waitFor(stack, started.body.id, (current) => current.status === 'completed');
      expect(run).toMatchObject({ suite: 'few-capitals', progress: { done: 2, passed: 2 } });
      expect(run.config.prompts).toEqual([
        { id: 'capital-q', prompt: 'capital-q', version: 1, label: 'production' },
      ]);
    });

    it('cancels a run, keeping what finished, and resumes it without redoing those items', async () => {
      const started = await call<Run>(stack, 'POST', '/api/eval-runs', {
        suite: suiteYaml('Capital of {{country}}?', 'slow-mock'),
        concurrency: 1,
        cache: false,
      });
      await waitFor(stack, started.body.id, (current) => current.progress.done >= 1);
      const cancelled = await call<Run>(stack, 'POST', `/api/eval-runs/${started.body.id}/cancel`);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.status).toBe('cancelled');
      const kept = cancelled.body.progress.done;
      expect(kept).toBeGreaterThanOrEqual(1);
      expect(kept).toBeLessThan(6);
      expect((await call(stack, 'POST', `/api/eval-runs/${started.body.id}/cancel`)).status).toBe(409);
      const keptRows = (
        await call<{ data: ItemRow[] }>(stack, 'GET', `/api/eval-runs/${started.body.id}/results`)
      ).body.data;
      expect(keptRows).toHaveLength(kept);

      const resumed = await call<Run>(stack, 'POST', `/api/eval-runs/${started.body.id}/resume`, {});
      expect(resumed.status).toBe(202);
      const finished = await waitFor(stack, started.body.id, (current) => current.status === 'completed');
      expect(finished.progress).toMatchObject({ done: 6, passed: 6 });
      // The items finished before the cancel were not called again: their results are the same rows.
      const after = await call<{ data: ItemRow[] }>(
        stack,
        'GET',
        `/api/eval-runs/${started.body.id}/results`,
      );
      expect(after.body.data).toHaveLength(6);
      expect(after.body.data.filter((row) => keptRows.some((kept) => kept.itemKey === row.itemKey))).toEqual(
        keptRows,
      );
      expect((await call(stack, 'POST', `/api/eval-runs/${started.body.id}/resume`, {})).status).toBe(409);
    });

    it('pins registry prompts the same way through the REST API (CLI) and the registry (server)', async () => {
      expect(
        (await call(stack, 'POST', '/api/prompts', { name: 'sign-off', template: 'Thanks, {{name}}.' }))
          .status,
      ).toBe(201);
      expect(
        (
          await call(stack, 'POST', '/api/prompts', {
            name: 'with-footer',
            template: 'Capital of {{country}}? {{> sign-off@latest}}',
            labels: ['staging'],
          })
        ).status,
      ).toBe(201);
      const reference = {
        id: 'with-footer',
        reference: { name: 'with-footer', label: 'staging', version: null },
      };
      const rest = await pinPrompts([reference], restPromptSource({ baseUrl: stack.url, apiKey: masterKey }));
      const inProcess = await pinPrompts(
        [reference],
        registryPromptSource(stack.gatehouse.prompts, { tenantId: 'default', projectId: 'default' }),
      );
      expect(rest).toEqual(inProcess);
      expect(rest[0]).toMatchObject({
        version: 1,
        render: { partials: { 'sign-off@latest': 'Thanks, {{name}}.' } },
      });
      await expect(
        pinPrompts([reference], restPromptSource({ baseUrl: stack.url, apiKey: 'gh-wrong-key' })),
      ).rejects.toThrow(/prompt:with-footer@staging: /);
    });

    it('answers 400 with the line, column and path of what is wrong', async () => {
      const badYaml = await call<{ error: { message: string; param: string } }>(
        stack,
        'POST',
        '/api/eval-runs',
        {
          suite: 'prompts: ["hi"]\ntargets: [mock]\ntests:\n  - assert:\n      - type: contians\n',
        },
      );
      expect(badYaml.status).toBe(400);
      expect(badYaml.body.error.param).toBe('suite');
      expect(badYaml.body.error.message).toContain(
        'api.yaml:5:15: tests[0].assert[0].type: unknown assertion type "contians" (did you mean "contains"?)',
      );
      const badJson = await call<{ error: { message: string } }>(stack, 'POST', '/api/eval-runs', {
        suite: { prompts: ['prompt:Bad Name'], targets: ['mock'], tests: [] },
      });
      expect(badJson.status).toBe(400);
      expect(badJson.body.error.message).toContain('prompts[0]: "Bad Name" is not a prompt reference');
      const missingPrompt = await call<{ error: { message: string } }>(stack, 'POST', '/api/eval-runs', {
        suite: suiteYaml('prompt:nope@staging'),
      });
      expect(missingPrompt.status).toBe(400);
      expect(missingPrompt.body.error.message).toContain('prompt:nope@staging: Prompt nope does not exist');
      const missingDataset = await call(stack, 'POST', '/api/eval-runs', {
        dataset: 'nope',
        prompts: ['hi'],
        targets: ['mock'],
      });
      expect(missingDataset.status).toBe(400);
      const serverFile = await call<{ error: { message: string } }>(stack, 'POST', '/api/eval-runs', {
        suite: 'prompts: [hi]\ntargets: [mock]\ntests: file:///etc/passwd.csv\n',
      });
      expect(serverFile.status).toBe(400);
      expect(serverFile.body.error.message).toContain('file:// tests need a suite file');
      expect(
        (await call(stack, 'POST', '/api/eval-runs', { suite: suiteYaml('hi'), baseline: 'nope' })).status,
      ).toBe(400);
      expect((await call(stack, 'GET', '/api/eval-runs/run_nope')).status).toBe(404);
    });
  });
}

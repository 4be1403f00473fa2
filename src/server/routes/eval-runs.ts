/**
 * `/api/eval-runs`: eval runs of the caller's tenant and project — start one (a suite as YAML text or
 * JSON, or a stored dataset with prompts, targets and asserts), follow its progress, cancel or resume
 * it, list runs, read results, compare with a baseline (run id or label), label a run (`production`).
 * Started runs execute in this process through `EvalRunQueue`; their results land in the same tables
 * as CLI runs.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { compareRuns } from '../../evals/comparisons/compare-runs.js';
import type { PromptVersionSource } from '../../evals/prompts/pin-prompts.js';
import type { EvalScope, RunRecord } from '../../evals/records.js';
import type { EvalRunQueue, RunClient } from '../../evals/run-queue.js';
import { parseSuiteObject, parseSuiteText, SuiteError, type Suite } from '../../evals/suite/load-suite.js';
import { suiteAssertionSchema } from '../../evals/suite/suite-schema.js';
import { GatewayError } from '../../errors/gateway-error.js';
import type { DatasetRepository } from '../../storage/dataset-repository.js';
import type { EvalRunRepository } from '../../storage/eval-run-repository.js';
import { principalOf, presentedKey } from '../auth.js';
import { controlPlaneScope } from '../control-plane-scope.js';
import { parseBody } from '../request-schemas.js';

/** What the routes need: stores per scope, and the runner that executes started runs. */
export interface EvalRunRoutesDependencies {
  runs: (scope: EvalScope) => EvalRunRepository;
  datasets: (scope: EvalScope) => DatasetRepository;
  /** The registry of a tenant and project, for `prompt:` references. */
  prompts: (scope: EvalScope) => PromptVersionSource;
  queue: EvalRunQueue;
  /** A client calling this gateway with `apiKey` (undefined: the master key). */
  openClient: (apiKey: string | undefined) => RunClient;
}

const listQuery = z.strictObject({
  suite: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
const compareQuery = z.strictObject({
  baseline: z.string().min(1),
  alpha: z.coerce.number().gt(0).lt(1).default(0.05),
});
const labelName = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const runName = z.string().regex(labelName, 'use letters, digits, ".", "_" or "-"');

const runOptions = {
  baseline: z.string().min(1).optional(),
  baseline_prompt_label: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,63}$/)
    .optional(),
  concurrency: z.number().int().min(1).max(64).optional(),
  timeout_ms: z.number().int().min(1).max(600_000).optional(),
  cache: z.boolean().default(true),
};

const startBody = z.union([
  z.strictObject({
    suite: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
    name: runName.optional(),
    ...runOptions,
  }),
  z.strictObject({
    dataset: z.string().min(1),
    prompts: z.array(z.unknown()).min(1),
    targets: z.array(z.unknown()).min(1),
    assert: z.array(suiteAssertionSchema).default([]),
    name: runName.optional(),
    ...runOptions,
  }),
]);
type StartBody = z.infer<typeof startBody>;
const resumeBody = z.strictObject({ concurrency: runOptions.concurrency, timeout_ms: runOptions.timeout_ms });

/** Where a started run keeps its suite, so it can resume. */
type SuiteSource = { yaml: string; name: string } | { json: Record<string, unknown>; name: string };

const resumable = new Set(['interrupted', 'cancelled', 'failed']);

export function registerEvalRunRoutes(app: FastifyInstance, dependencies: EvalRunRoutesDependencies): void {
  const { queue } = dependencies;

  async function requireRun(runs: EvalRunRepository, id: string): Promise<RunRecord> {
    const run = await runs.getRun(id);
    if (run === null) throw new GatewayError('not_found', `No eval run with id ${id}.`, { param: 'id' });
    return run;
  }

  /** A virtual key's runs call models with that key (its limits and budgets apply); others with the master key. */
  function callerKey(request: FastifyRequest): string | undefined {
    return principalOf(request).kind === 'virtual' ? presentedKey(request) : undefined;
  }

  async function withProgress(runs: EvalRunRepository, run: RunRecord) {
    const progress = await runs.progress(run.id);
    const failure = run.status === 'failed' ? queue.failure(run.id) : undefined;
    return {
      ...run,
      progress: { ...progress, total: run.itemCount },
      ...(failure === undefined ? {} : { error: failure }),
    };
  }

  async function enqueue(
    request: FastifyRequest,
    scope: EvalScope,
    suite: Suite,
    source: SuiteSource,
    options: { resumeRunId?: string; body: Partial<StartBody> },
  ) {
    const runs = dependencies.runs(scope);
    const datasets = dependencies.datasets(scope);
    const prompts = dependencies.prompts(scope);
    const { body } = options;
    let prepared;
    try {
      if (body.baseline !== undefined) {
        // Checked now, so a bad baseline is a 400 rather than a failed run.
        const known =
          (await runs.getRun(body.baseline)) !== null ||
          (await runs.resolveLabel(suite.name, body.baseline)) !== null;
        if (!known)
          throw new SuiteError(
            `baseline ${body.baseline} is neither a run id nor a label of suite ${suite.name}`,
          );
      }
      const { prepareRun } = await import('../../evals/run-suite.js');
      prepared = await prepareRun({
        suite,
        runs,
        datasets,
        prompts,
        initialStatus: 'queued',
        extraConfig: { source },
        ...(options.resumeRunId === undefined ? {} : { resumeRunId: options.resumeRunId }),
      });
    } catch (error) {
      throw asRequestError(error);
    }
    const apiKey = callerKey(request);
    queue.submit({
      prepared,
      openClient: () => dependencies.openClient(apiKey),
      options: {
        runs,
        datasets,
        prompts,
        cache: body.cache ?? true,
        ...(body.baseline === undefined ? {} : { baseline: body.baseline }),
        ...(body.baseline_prompt_label === undefined
          ? {}
          : { baselinePromptLabel: body.baseline_prompt_label }),
        ...(body.concurrency === undefined ? {} : { concurrency: body.concurrency }),
        ...(body.timeout_ms === undefined ? {} : { timeoutMs: body.timeout_ms }),
      },
    });
    return withProgress(runs, await requireRun(runs, prepared.runId));
  }

  app.post('/api/eval-runs', async (request, reply) => {
    const scope = controlPlaneScope(request, 'evals.write');
    const body = parseBody<StartBody>(startBody, request.body);
    let source: SuiteSource;
    if ('suite' in body) {
      source =
        typeof body.suite === 'string'
          ? { yaml: body.suite, name: body.name ?? 'api' }
          : { json: body.suite, name: body.name ?? 'api' };
    } else {
      const name = body.name ?? body.dataset.replace(/@\d+$/, '');
      source = {
        name,
        json: {
          name,
          dataset: body.dataset,
          prompts: body.prompts,
          targets: body.targets,
          defaultTest: { assert: body.assert },
        },
      };
    }
    const run = await enqueue(request, scope, suiteOf(source), source, { body });
    return reply.code(202).send(run);
  });

  app.post<{ Params: { id: string } }>('/api/eval-runs/:id/resume', async (request, reply) => {
    const scope = controlPlaneScope(request, 'evals.write');
    const body = parseBody<z.infer<typeof resumeBody>>(resumeBody, request.body ?? {});
    const run = await requireRun(dependencies.runs(scope), request.params.id);
    if (!resumable.has(run.status)) {
      throw new GatewayError(
        'conflict',
        `Run ${run.id} is ${run.status}; only an interrupted, cancelled or failed run resumes.`,
        {
          param: 'id',
        },
      );
    }
    const source = run.config.source as SuiteSource | undefined;
    if (source === undefined) {
      throw new GatewayError(
        'conflict',
        `Run ${run.id} was started by the CLI: resume it with \`gatehouse eval run --resume ${run.id}\`.`,
        {
          param: 'id',
        },
      );
    }
    const resumed = await enqueue(request, scope, suiteOf(source), source, {
      resumeRunId: run.id,
      body: {
        cache: true,
        ...(body.concurrency === undefined ? {} : { concurrency: body.concurrency }),
        ...(body.timeout_ms === undefined ? {} : { timeout_ms: body.timeout_ms }),
      },
    });
    return reply.code(202).send(resumed);
  });

  app.post<{ Params: { id: string } }>('/api/eval-runs/:id/cancel', async (request) => {
    const runs = dependencies.runs(controlPlaneScope(request, 'evals.write'));
    const run = await requireRun(runs, request.params.id);
    if (!(await queue.cancel(run.id))) {
      throw new GatewayError(
        'conflict',
        run.status === 'queued' || run.status === 'running'
          ? `Run ${run.id} is not executing in this server process (a CLI run, or another replica's).`
          : `Run ${run.id} is already ${run.status}.`,
        { param: 'id' },
      );
    }
    return withProgress(runs, await requireRun(runs, run.id));
  });

  app.get('/api/eval-runs', async (request) => {
    const runs = dependencies.runs(controlPlaneScope(request, 'evals.read'));
    const query = parseBody<z.infer<typeof listQuery>>(listQuery, { ...(request.query as object) });
    return {
      data: await runs.listRuns({
        limit: query.limit,
        ...(query.suite === undefined ? {} : { suite: query.suite }),
      }),
    };
  });

  app.get<{ Params: { id: string } }>('/api/eval-runs/:id', async (request) => {
    const runs = dependencies.runs(controlPlaneScope(request, 'evals.read'));
    return withProgress(runs, await requireRun(runs, request.params.id));
  });

  app.get<{ Params: { id: string } }>('/api/eval-runs/:id/results', async (request) => {
    const runs = dependencies.runs(controlPlaneScope(request, 'evals.read'));
    await requireRun(runs, request.params.id);
    return { data: await runs.getResults(request.params.id) };
  });

  app.get<{ Params: { id: string } }>('/api/eval-runs/:id/compare', async (request) => {
    const runs = dependencies.runs(controlPlaneScope(request, 'evals.read'));
    const query = parseBody<z.infer<typeof compareQuery>>(compareQuery, { ...(request.query as object) });
    const candidate = await requireRun(runs, request.params.id);
    const baselineId =
      (await runs.getRun(query.baseline)) !== null
        ? query.baseline
        : await runs.resolveLabel(candidate.suite, query.baseline);
    if (baselineId === null) {
      throw new GatewayError(
        'not_found',
        `Baseline ${query.baseline} is neither a run id nor a label of suite ${candidate.suite}.`,
        {
          param: 'baseline',
        },
      );
    }
    const comparison = compareRuns(await runs.getResults(baselineId), await runs.getResults(candidate.id), {
      alpha: query.alpha,
    });
    return { baseline_run_id: baselineId, candidate_run_id: candidate.id, ...comparison };
  });

  app.put<{ Params: { id: string; label: string } }>('/api/eval-runs/:id/labels/:label', async (request) => {
    const runs = dependencies.runs(controlPlaneScope(request, 'evals.write'));
    if (!labelName.test(request.params.label)) {
      throw new GatewayError('invalid_request', 'A label uses letters, digits, ".", "_" or "-".', {
        param: 'label',
      });
    }
    const run = await requireRun(runs, request.params.id);
    await runs.setLabel(run.suite, request.params.label, run.id);
    return { suite: run.suite, label: request.params.label, run_id: run.id };
  });
}

/** The suite of a source; every problem in the 400's message, one per line. */
function suiteOf(source: SuiteSource): Suite {
  try {
    return 'yaml' in source
      ? parseSuiteText(source.yaml, `${source.name}.yaml`, { readFiles: false })
      : parseSuiteObject(source.json, source.name);
  } catch (error) {
    throw asRequestError(error);
  }
}

function asRequestError(error: unknown): unknown {
  if (!(error instanceof SuiteError) && !(error instanceof RangeError)) return error;
  return new GatewayError('invalid_request', `Invalid suite: ${error.message}`, {
    param: 'suite',
    publicCode: 'invalid_suite',
  });
}

/**
 * A suite run from start to finish: resolve the tests (inline, file or stored dataset), plan the
 * items, create the run (or reopen it with `resume`), run the items through the gateway with the
 * response cache, store each result as it completes, summarise, and compare with a baseline run (a run
 * id or a label such as `production`).
 */
import { randomBytes } from 'node:crypto';
import type { DatasetRepository } from '../storage/dataset-repository.js';
import type { EvalRunRepository } from '../storage/eval-run-repository.js';
import { compareRuns, type RunComparison } from './comparisons/compare-runs.js';
import { createEvaluationServices } from './evaluation-services.js';
import type { Embedder, ModelClient } from './model-client.js';
import type { ItemResult, RunStatus, RunSummary } from './records.js';
import { withResponseCache } from './runner/response-cache.js';
import { runItems } from './runner/run-items.js';
import { planItems } from './runner/run-plan.js';
import { summarize } from './runner/summarize.js';
import { itemToTestCase, SuiteError, type Suite } from './suite/load-suite.js';
import type { TestCase } from './suite/test-case.js';

export interface SuiteRunOptions {
  suite: Suite;
  client: ModelClient;
  runs: EvalRunRepository;
  datasets: DatasetRepository;
  signal: AbortSignal;
  concurrency?: number;
  timeoutMs?: number;
  /** Use the response cache (default true). */
  cache?: boolean;
  /** Continue this interrupted run instead of starting one. */
  resumeRunId?: string;
  /** Baseline run id, or a label of this suite (`production`). */
  baseline?: string;
  /** Replaces the gateway embedder (a local model). */
  embedder?: Embedder;
  /** Called once the plan is known, with the items already done (resume). */
  onStart?: (total: number, done: number, runId: string) => void;
  onResult?: (result: ItemResult) => void;
}

export interface SuiteRunOutcome {
  runId: string;
  status: RunStatus;
  summary: RunSummary;
  results: ItemResult[];
  comparison: { baselineRunId: string; result: RunComparison } | null;
}

const defaultConcurrency = 4;
const defaultTimeoutMs = 60_000;

export async function runSuite(options: SuiteRunOptions): Promise<SuiteRunOutcome> {
  const { suite, runs } = options;
  const { tests, datasetRef } = await resolveTests(suite, options.datasets);
  const items = planItems(tests, suite.prompts, suite.targets);
  const baselineRunId =
    options.baseline === undefined ? null : await resolveBaseline(runs, suite.name, options.baseline);

  let runId: string;
  let previous: ItemResult[] = [];
  if (options.resumeRunId !== undefined) {
    const run = await runs.getRun(options.resumeRunId);
    if (run === null) throw new SuiteError(`no eval run ${options.resumeRunId} to resume`);
    if (run.suite !== suite.name)
      throw new SuiteError(`run ${run.id} belongs to suite ${run.suite}, not ${suite.name}`);
    runId = run.id;
    previous = await runs.getResults(runId);
    await runs.reopenRun(runId);
  } else {
    runId = `run_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
    await runs.createRun({
      id: runId,
      suite: suite.name,
      description: suite.description ?? null,
      dataset: datasetRef,
      itemCount: items.length,
      config: {
        targets: suite.targets,
        prompts: suite.prompts,
        judge: suite.judge,
        embedder: suite.embedderModel,
        path: suite.path,
      },
    });
  }
  const finished = new Set(previous.map((result) => result.itemKey));
  const remaining = items.filter((item) => !finished.has(item.itemKey));
  options.onStart?.(items.length, items.length - remaining.length, runId);

  const client = options.cache === false ? options.client : withResponseCache(options.client, runs.cache);
  const services = {
    client,
    ...createEvaluationServices({
      client,
      judge: suite.judge,
      embedder: options.embedder ?? suite.embedderModel,
    }),
  };
  const started = performance.now();
  const outcome = await runItems(remaining, services, {
    concurrency: options.concurrency ?? suite.concurrency ?? defaultConcurrency,
    timeoutMs: options.timeoutMs ?? suite.timeoutMs ?? defaultTimeoutMs,
    signal: options.signal,
    onResult: async (result) => {
      await runs.saveResult(runId, result);
      options.onResult?.(result);
    },
  });
  const results = [...previous, ...outcome.results].sort((a, b) => a.position - b.position);
  const status: RunStatus = outcome.interrupted ? 'interrupted' : 'completed';
  const summary = summarize(results, performance.now() - started);
  await runs.finishRun(runId, status, summary);

  let comparison: SuiteRunOutcome['comparison'] = null;
  if (baselineRunId !== null) {
    comparison = { baselineRunId, result: compareRuns(await runs.getResults(baselineRunId), results) };
  }
  return { runId, status, summary, results, comparison };
}

async function resolveTests(
  suite: Suite,
  datasets: DatasetRepository,
): Promise<{ tests: TestCase[]; datasetRef: string | null }> {
  if (suite.tests !== null) return { tests: suite.tests, datasetRef: null };
  const reference = suite.dataset ?? '';
  const at = reference.lastIndexOf('@');
  const name = at > 0 ? reference.slice(0, at) : reference;
  const version = at > 0 ? Number(reference.slice(at + 1)) : undefined;
  if (version !== undefined && !Number.isInteger(version))
    throw new SuiteError(`dataset ${reference}: the version after @ must be a number`);
  const found = await datasets.getItems(name, version);
  if (found === null)
    throw new SuiteError(`dataset ${reference} does not exist (see \`gatehouse datasets list\`)`);
  return {
    tests: found.items.map((item, index) => itemToTestCase(item, index, suite.defaultTest)),
    datasetRef: `${name}@${found.version}`,
  };
}

/** A run id, else a label of this suite. */
export async function resolveBaseline(
  runs: EvalRunRepository,
  suite: string,
  reference: string,
): Promise<string> {
  if ((await runs.getRun(reference)) !== null) return reference;
  const labelled = await runs.resolveLabel(suite, reference);
  if (labelled === null)
    throw new SuiteError(`baseline ${reference} is neither a run id nor a label of suite ${suite}`);
  return labelled;
}

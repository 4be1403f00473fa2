/**
 * A suite run from start to finish, in two steps. `prepareRun` resolves the tests (inline, file or
 * stored dataset), pins registry prompts to exact versions, plans the items and creates the run (or
 * reopens it with `resumeRunId`, keeping the versions it started with), so a caller that queues runs
 * (the API) learns of a bad suite at once. `executeRun` runs the items through the gateway with the
 * response cache, stores each result as it completes, summarises, and compares with a baseline: a run
 * id, a label of the suite (`production`), or the same suite with its registry prompts at a label
 * (`baselinePromptLabel`), reusing a finished run of exactly those versions when there is one.
 */
import { randomBytes } from 'node:crypto';
import type { DatasetRepository } from '../storage/dataset-repository.js';
import type { EvalRunRepository } from '../storage/eval-run-repository.js';
import { compareRuns, type RunComparison } from './comparisons/compare-runs.js';
import { createEvaluationServices } from './evaluation-services.js';
import type { Embedder, ModelClient } from './model-client.js';
import {
  pinPrompts,
  promptRecords,
  recordedVersions,
  type PromptRecord,
  type PromptVersionSource,
} from './prompts/pin-prompts.js';
import type { ItemResult, RunRecord, RunStatus, RunSummary } from './records.js';
import { withResponseCache } from './runner/response-cache.js';
import { runItems } from './runner/run-items.js';
import { planItems, type PlannedItem } from './runner/run-plan.js';
import { summarize } from './runner/summarize.js';
import { itemToTestCase, SuiteError, type Suite } from './suite/load-suite.js';
import { isInlinePrompt, type TestCase } from './suite/test-case.js';

export interface PrepareRunOptions {
  suite: Suite;
  runs: EvalRunRepository;
  datasets: DatasetRepository;
  /** Where registry prompts (`prompt:name@label`) are read; required when the suite has any. */
  prompts?: PromptVersionSource;
  /** Continue this interrupted run instead of starting one. */
  resumeRunId?: string;
  /** Status of a new run until it executes (`queued` for the API's queue; default `running`). */
  initialStatus?: RunStatus;
  /** Kept in the run's config (the API keeps the suite there, so a run can resume). */
  extraConfig?: Record<string, unknown>;
}

export interface PreparedRun {
  runId: string;
  suite: Suite;
  items: PlannedItem[];
  /** Results a resumed run already has. */
  previous: ItemResult[];
  dataset: string | null;
  prompts: PromptRecord[];
}

export interface ExecuteRunOptions {
  client: ModelClient;
  runs: EvalRunRepository;
  datasets: DatasetRepository;
  prompts?: PromptVersionSource;
  signal: AbortSignal;
  concurrency?: number;
  timeoutMs?: number;
  /** Use the response cache (default true). */
  cache?: boolean;
  /** Baseline run id, or a label of this suite (`production`). */
  baseline?: string;
  /** Baseline: this suite with every registry prompt at this label (`production`). */
  baselinePromptLabel?: string;
  /** Replaces the gateway embedder (a local model). */
  embedder?: Embedder;
  /** Called once the run starts, with the items already done (resume). */
  onStart?: (total: number, done: number, runId: string) => void;
  onResult?: (result: ItemResult) => void;
}

export type SuiteRunOptions = PrepareRunOptions & ExecuteRunOptions;

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
  return executeRun(await prepareRun(options), options);
}

export async function prepareRun(options: PrepareRunOptions): Promise<PreparedRun> {
  const { suite, runs } = options;
  let resumed: RunRecord | null = null;
  if (options.resumeRunId !== undefined) {
    resumed = await runs.getRun(options.resumeRunId);
    if (resumed === null) throw new SuiteError(`no eval run ${options.resumeRunId} to resume`);
    if (resumed.suite !== suite.name)
      throw new SuiteError(`run ${resumed.id} belongs to suite ${resumed.suite}, not ${suite.name}`);
  }
  const { tests, datasetRef } = await resolveTests(suite, options.datasets, resumed?.dataset ?? undefined);
  const pinned = await pinPrompts(
    suite.prompts,
    options.prompts,
    resumed === null ? undefined : recordedVersions(resumed.config.prompts),
  );
  const items = planItems(tests, pinned, suite.targets);
  const prompts = promptRecords(pinned);
  if (resumed !== null) {
    const previous = await runs.getResults(resumed.id);
    await runs.setStatus(resumed.id, options.initialStatus ?? 'running');
    return { runId: resumed.id, suite, items, previous, dataset: datasetRef, prompts };
  }
  const runId = `run_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await runs.createRun({
    id: runId,
    suite: suite.name,
    description: suite.description ?? null,
    dataset: datasetRef,
    itemCount: items.length,
    status: options.initialStatus ?? 'running',
    config: {
      targets: suite.targets,
      prompts,
      judge: suite.judge,
      embedder: suite.embedderModel,
      path: suite.path,
      ...options.extraConfig,
    },
  });
  return { runId, suite, items, previous: [], dataset: datasetRef, prompts };
}

export async function executeRun(
  prepared: PreparedRun,
  options: ExecuteRunOptions,
): Promise<SuiteRunOutcome> {
  const { suite, runId, previous, items } = prepared;
  const { runs } = options;
  const baselineRunId =
    options.baseline === undefined ? null : await resolveBaseline(runs, suite.name, options.baseline);
  const finished = new Set(previous.map((result) => result.itemKey));
  const remaining = items.filter((item) => !finished.has(item.itemKey));
  await runs.setStatus(runId, 'running');
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
  let comparison: SuiteRunOutcome['comparison'] = null;
  try {
    // Compared before the run is marked finished, so a finished run always shows its verdict.
    let comparedWith = baselineRunId;
    if (options.baselinePromptLabel !== undefined && status === 'completed')
      comparedWith = await promptLabelBaseline(prepared, options, options.baselinePromptLabel);
    if (comparedWith !== null) {
      comparison = {
        baselineRunId: comparedWith,
        result: compareRuns(await runs.getResults(comparedWith), results),
      };
      summary.baseline = { runId: comparedWith, regression: comparison.result.regression };
    }
  } finally {
    await runs.finishRun(runId, status, summary);
  }
  return { runId, status, summary, results, comparison };
}

/**
 * The run of this suite with its registry prompts at `label`: a finished run of the same versions,
 * dataset and targets when one exists, else a new run (cheap: the response cache answers what the
 * label's version was asked before).
 */
async function promptLabelBaseline(
  prepared: PreparedRun,
  options: ExecuteRunOptions,
  label: string,
): Promise<string> {
  const { suite } = prepared;
  if (suite.prompts.every(isInlinePrompt))
    throw new SuiteError(
      `a baseline at prompt label ${label} needs registry prompts (prompt:name) in the suite`,
    );
  const baselineSuite: Suite = {
    ...suite,
    prompts: suite.prompts.map((prompt) =>
      isInlinePrompt(prompt)
        ? prompt
        : { ...prompt, reference: { ...prompt.reference, label, version: null } },
    ),
  };
  const versions = fingerprint(promptRecords(await pinPrompts(baselineSuite.prompts, options.prompts)));
  const candidates = await options.runs.listRuns({ suite: suite.name, limit: 100 });
  const reusable = candidates.find(
    (run) =>
      run.id !== prepared.runId &&
      run.status === 'completed' &&
      run.dataset === prepared.dataset &&
      run.itemCount === prepared.items.length &&
      JSON.stringify(run.config.targets) === JSON.stringify(suite.targets) &&
      fingerprint(run.config.prompts as PromptRecord[]) === versions,
  );
  if (reusable !== undefined) return reusable.id;
  const baseline = await runSuite({
    suite: { ...baselineSuite, description: `baseline: registry prompts at ${label}` },
    client: options.client,
    runs: options.runs,
    datasets: options.datasets,
    signal: options.signal,
    ...(options.prompts === undefined ? {} : { prompts: options.prompts }),
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.cache === undefined ? {} : { cache: options.cache }),
    ...(options.embedder === undefined ? {} : { embedder: options.embedder }),
  });
  if (baseline.status !== 'completed')
    throw new SuiteError(`the baseline run at prompt label ${label} did not finish`);
  return baseline.runId;
}

/** What makes two runs' prompts the same: inline messages, or registry name and version (not label). */
function fingerprint(records: readonly PromptRecord[] | undefined): string {
  return JSON.stringify(
    (records ?? []).map((record) =>
      'prompt' in record ? [record.id, record.prompt, record.version] : [record.id, record.messages],
    ),
  );
}

async function resolveTests(
  suite: Suite,
  datasets: DatasetRepository,
  /** A resumed run's dataset, `name@version`: the same version it started with. */
  pinnedDataset?: string,
): Promise<{ tests: TestCase[]; datasetRef: string | null }> {
  if (suite.tests !== null) return { tests: suite.tests, datasetRef: null };
  const reference = pinnedDataset ?? suite.dataset ?? '';
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

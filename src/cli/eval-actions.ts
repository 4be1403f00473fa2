/** The bodies of the `gatehouse eval` commands (see eval-command.ts); each resolves to an exit code. */
import { compareRuns } from '../evals/comparisons/compare-runs.js';
import { evaluateGate } from '../evals/gate.js';
import { createProgressBar, type Progress } from '../evals/runner/progress-bar.js';
import { resolveBaseline, runSuite } from '../evals/run-suite.js';
import { loadSuiteFile, SuiteError } from '../evals/suite/load-suite.js';
import type { ReportData } from '../evals/reports/report-data.js';
import type { RunOptions } from './eval-command.js';
import { openEvalEnvironment, openEvalStores, type StoreOptions } from './eval-environment.js';
import { writeReports, type ReportOutput } from './report-outputs.js';

export function validateSuite(suite: string): Promise<number> {
  const loaded = loadSuiteFile(suite);
  process.stdout.write(
    `${suite}: ok (${loaded.tests?.length ?? `dataset ${loaded.dataset ?? ''}`} tests, ${loaded.prompts.length} prompts, ${loaded.targets.length} targets)\n`,
  );
  return Promise.resolve(0);
}

export async function listRuns(options: StoreOptions & { suite?: string; limit: number }): Promise<number> {
  const stores = await openEvalStores(options);
  try {
    const runs = await stores.runs.listRuns({
      ...(options.suite === undefined ? {} : { suite: options.suite }),
      limit: options.limit,
    });
    for (const run of runs) {
      const summary = run.summary;
      process.stdout.write(
        `${run.id}  ${run.suite}  ${run.status}  ${new Date(run.startedAt).toISOString()}  ${summary === null ? '-' : `${summary.passed}/${summary.items} passed`}${run.labels.length === 0 ? '' : `  [${run.labels.join(', ')}]`}\n`,
      );
    }
    return 0;
  } finally {
    await stores.close();
  }
}

export async function showRun(
  runId: string,
  options: StoreOptions & { output?: ReportOutput[] },
): Promise<number> {
  const stores = await openEvalStores(options);
  try {
    const run = await stores.runs.getRun(runId);
    if (run === null || run.summary === null) throw new SuiteError(`no finished eval run ${runId}`);
    const gate = evaluateGate(run.status, run.summary, null, {});
    writeReports(
      {
        runId,
        suite: run.suite,
        status: run.status,
        summary: run.summary,
        results: await stores.runs.getResults(runId),
        comparison: null,
        gate,
      },
      options.output ?? [],
    );
    return 0;
  } finally {
    await stores.close();
  }
}

export async function compareStoredRuns(
  baseline: string,
  candidateId: string,
  options: StoreOptions & { output?: ReportOutput[]; failOnRegression?: boolean },
): Promise<number> {
  const stores = await openEvalStores(options);
  try {
    const candidate = await stores.runs.getRun(candidateId);
    if (candidate === null || candidate.summary === null)
      throw new SuiteError(`no finished eval run ${candidateId}`);
    const baselineId = await resolveBaseline(stores.runs, candidate.suite, baseline);
    const results = await stores.runs.getResults(candidateId);
    const comparison = compareRuns(await stores.runs.getResults(baselineId), results);
    const gate = evaluateGate(candidate.status, candidate.summary, comparison, {
      failOnRegression: options.failOnRegression ?? true,
    });
    writeReports(
      {
        runId: candidateId,
        suite: candidate.suite,
        status: candidate.status,
        summary: candidate.summary,
        results,
        comparison: { baselineRunId: baselineId, result: comparison },
        gate,
      },
      options.output ?? [],
    );
    return options.failOnRegression === true && comparison.regression ? 1 : 0;
  } finally {
    await stores.close();
  }
}

export async function labelRun(runId: string, label: string, options: StoreOptions): Promise<number> {
  const stores = await openEvalStores(options);
  try {
    const run = await stores.runs.getRun(runId);
    if (run === null) throw new SuiteError(`no eval run ${runId}`);
    await stores.runs.setLabel(run.suite, label, runId);
    process.stdout.write(`${run.suite}@${label} → ${runId}\n`);
    return 0;
  } finally {
    await stores.close();
  }
}

export async function runEval(options: RunOptions): Promise<number> {
  const loaded = loadSuiteFile(options.config);
  const suite =
    options.target === undefined
      ? loaded
      : { ...loaded, targets: options.target.map((model) => ({ model, label: model, config: {} })) };
  const environment = await openEvalEnvironment(options);
  const abort = new AbortController();
  let interrupts = 0;
  const onInterrupt = (): void => {
    interrupts += 1;
    if (interrupts > 1) process.exit(130);
    process.stderr.write('\ninterrupted: keeping finished items (Ctrl-C again to quit at once)\n');
    abort.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onInterrupt);
  let progress: Progress = { tick: () => undefined, done: () => undefined };
  try {
    const outcome = await runSuite({
      suite,
      client: environment.client,
      prompts: environment.prompts,
      runs: environment.runs,
      datasets: environment.datasets,
      signal: abort.signal,
      cache: options.cache,
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.resume === undefined ? {} : { resumeRunId: options.resume }),
      ...(options.baselinePromptLabel === undefined
        ? {}
        : { baselinePromptLabel: options.baselinePromptLabel }),
      ...(options.baseline === undefined ? {} : { baseline: options.baseline }),
      onStart: (total, done, runId) => {
        process.stderr.write(
          `${options.resume === undefined ? 'run' : 'resuming'} ${runId}: ${total - done} of ${total} items via ${environment.gatewayUrl}\n`,
        );
        progress = createProgressBar(total, process.stderr, done);
      },
      onResult: (result) => progress.tick(result),
    });
    progress.done();
    const gate = evaluateGate(outcome.status, outcome.summary, outcome.comparison?.result ?? null, {
      ...(options.minPassRate === undefined ? {} : { minPassRate: options.minPassRate }),
      ...(options.failOnRegression === undefined ? {} : { failOnRegression: options.failOnRegression }),
    });
    const data: ReportData = { ...outcome, suite: suite.name, gate };
    writeReports(data, options.output ?? []);
    if (outcome.status === 'interrupted') {
      process.stderr.write(
        `resume with: gatehouse eval run -c ${options.config} --resume ${outcome.runId}\n`,
      );
      return 130;
    }
    if (options.label !== undefined && gate.passed) {
      await environment.runs.setLabel(suite.name, options.label, outcome.runId);
      process.stderr.write(`${suite.name}@${options.label} → ${outcome.runId}\n`);
    }
    return gate.passed ? 0 : 1;
  } finally {
    process.off('SIGINT', onInterrupt);
    await environment.close();
  }
}

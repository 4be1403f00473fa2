/**
 * `gatehouse eval …`: run a suite (`run`), check a suite file (`validate`), list and show stored runs,
 * compare two runs, and label a run (`production`) so later runs can use it as their baseline.
 * Exit codes: 0 the gate passed, 1 it failed, 2 bad suite or config, 130 interrupted (resume with
 * `--resume`).
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { compareRuns } from '../evals/comparisons/compare-runs.js';
import { evaluateGate } from '../evals/gate.js';
import { createProgressBar, type Progress } from '../evals/runner/progress-bar.js';
import { resolveBaseline, runSuite } from '../evals/run-suite.js';
import { loadSuiteFile, SuiteError } from '../evals/suite/load-suite.js';
import type { ReportData } from '../evals/reports/report-data.js';
import {
  openEvalEnvironment,
  openEvalStores,
  type GatewayOptions,
  type StoreOptions,
} from './eval-environment.js';
import { collectOutput, writeReports, type ReportOutput } from './report-outputs.js';
import { runCommand } from './run-command.js';

interface RunOptions extends GatewayOptions {
  /** The suite file (Promptfoo's `-c`). */
  config: string;
  concurrency?: number;
  timeoutMs?: number;
  cache: boolean;
  output?: ReportOutput[];
  baseline?: string;
  failOnRegression?: boolean;
  minPassRate?: number;
  resume?: string;
  label?: string;
  target?: string[];
}

export function registerEvalCommand(program: Command): void {
  const evalCommand = program
    .command('eval')
    .description('Run eval suites against gateway models, store and compare the results');

  evalCommand
    .command('run')
    .description(
      'Run a suite: every test × prompt × target, graded, stored as a run; exit 1 when the gate fails',
    )
    .requiredOption('-c, --config <suite>', 'suite YAML (Promptfoo-like; see docs/evals.md)')
    .option(
      '--gateway-config <file>',
      'gatehouse.yaml whose models and database to use (env GATEHOUSE_CONFIG)',
    )
    .option('--gateway <url>', 'call a running gateway instead of starting this config in-process')
    .option('--api-key <key>', 'key for --gateway (env GATEHOUSE_API_KEY)')
    .option('-t, --target <model...>', 'run these gateway models instead of the suite’s targets')
    .option('-j, --concurrency <n>', 'calls in flight (default: suite, else 4)', positiveInteger)
    .option('--timeout-ms <ms>', 'per-item deadline (default: suite, else 60000)', positiveInteger)
    .option('--no-cache', 'call the models even for requests answered before')
    .option(
      '-o, --output <format[:file]>',
      'table, json, junit or markdown, to stdout or a file (repeatable)',
      collectOutput,
    )
    .option('-b, --baseline <run>', 'compare with this run id or label of the suite (e.g. production)')
    .option(
      '--fail-on-regression',
      'fail when an item flips to fail or a metric drops significantly against the baseline',
    )
    .option('--min-pass-rate <rate>', 'fail below this pass rate (0-1) instead of on any failure', rate)
    .option('--resume <run>', 'continue an interrupted run, skipping the items it finished')
    .option('--label <label>', 'label the finished run (e.g. production) when its gate passes')
    .action((options: RunOptions) => runCommand(() => runEval(options)));

  evalCommand
    .command('validate')
    .description('Check a suite file; problems are printed as file:line:column: path: message')
    .argument('<suite>', 'suite YAML')
    .action((suite: string) =>
      runCommand(() => {
        const loaded = loadSuiteFile(suite);
        process.stdout.write(
          `${suite}: ok (${loaded.tests?.length ?? `dataset ${loaded.dataset ?? ''}`} tests, ${loaded.prompts.length} prompts, ${loaded.targets.length} targets)\n`,
        );
        return Promise.resolve(0);
      }),
    );

  evalCommand
    .command('list')
    .description('List stored runs, newest first')
    .option('--gateway-config <file>', 'gatehouse.yaml whose database to read')
    .option('--suite <name>', 'only runs of this suite')
    .option('--limit <n>', 'how many (1-100, default 20)', positiveInteger, 20)
    .action((options: StoreOptions & { suite?: string; limit: number }) =>
      runCommand(async () => {
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
      }),
    );

  evalCommand
    .command('show')
    .description('Report a stored run')
    .argument('<run>', 'run id')
    .option('--gateway-config <file>', 'gatehouse.yaml whose database to read')
    .option('-o, --output <format[:file]>', 'table, json, junit or markdown (repeatable)', collectOutput)
    .action((runId: string, options: StoreOptions & { output?: ReportOutput[] }) =>
      runCommand(async () => {
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
      }),
    );

  evalCommand
    .command('compare')
    .description(
      'Compare a candidate run with a baseline run (or label); exit 1 on regression with --fail-on-regression',
    )
    .argument('<baseline>', 'baseline run id, or a label of the candidate run’s suite')
    .argument('<candidate>', 'candidate run id')
    .option('--gateway-config <file>', 'gatehouse.yaml whose database to read')
    .option('-o, --output <format[:file]>', 'table, json, junit or markdown (repeatable)', collectOutput)
    .option('--fail-on-regression', 'exit 1 when the candidate regressed')
    .action(
      (
        baseline: string,
        candidateId: string,
        options: StoreOptions & { output?: ReportOutput[]; failOnRegression?: boolean },
      ) =>
        runCommand(async () => {
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
        }),
    );

  evalCommand
    .command('label')
    .description(
      'Point a label of the run’s suite (e.g. production) at a run; later runs use it with --baseline',
    )
    .argument('<run>', 'run id')
    .argument('<label>', 'label name')
    .option('--gateway-config <file>', 'gatehouse.yaml whose database to use')
    .action((runId: string, label: string, options: StoreOptions) =>
      runCommand(async () => {
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
      }),
    );
}

async function runEval(options: RunOptions): Promise<number> {
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
      runs: environment.runs,
      datasets: environment.datasets,
      signal: abort.signal,
      cache: options.cache,
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.resume === undefined ? {} : { resumeRunId: options.resume }),
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

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('expected a positive integer');
  return parsed;
}

function rate(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0 || parsed > 1)
    throw new InvalidArgumentError('expected a number from 0 to 1');
  return parsed;
}

/**
 * `gatehouse eval …`: run a suite (`run`), check a suite file (`validate`), list and show stored runs,
 * compare two runs, and label a run (`production`) so later runs can use it as their baseline.
 * Exit codes: 0 the gate passed, 1 it failed, 2 bad suite or config, 130 interrupted (resume with
 * `--resume`). The command bodies (eval-actions.ts) load only when a command runs, so `--help` and
 * `--version` stay fast.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { GatewayOptions, StoreOptions } from './eval-environment.js';
import { collectOutput, type ReportOutput } from './report-outputs.js';
import { runCommand } from './run-command.js';

export interface RunOptions extends GatewayOptions {
  /** The suite file (Promptfoo's `-c`). */
  config: string;
  concurrency?: number;
  timeoutMs?: number;
  cache: boolean;
  output?: ReportOutput[];
  baseline?: string;
  baselinePromptLabel?: string;
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
      '--baseline-prompt-label <label>',
      'compare with this suite run with its registry prompts at this label (e.g. production); reuses a finished run of those versions',
    )
    .option(
      '--fail-on-regression',
      'fail when an item flips to fail or a metric drops significantly against the baseline',
    )
    .option('--min-pass-rate <rate>', 'fail below this pass rate (0-1) instead of on any failure', rate)
    .option('--resume <run>', 'continue an interrupted run, skipping the items it finished')
    .option('--label <label>', 'label the finished run (e.g. production) when its gate passes')
    .action((options: RunOptions) =>
      runCommand(async () => (await import('./eval-actions.js')).runEval(options)),
    );

  evalCommand
    .command('validate')
    .description('Check a suite file; problems are printed as file:line:column: path: message')
    .argument('<suite>', 'suite YAML')
    .action((suite: string) =>
      runCommand(async () => (await import('./eval-actions.js')).validateSuite(suite)),
    );

  evalCommand
    .command('list')
    .description('List stored runs, newest first')
    .option('--gateway-config <file>', 'gatehouse.yaml whose database to read')
    .option('--suite <name>', 'only runs of this suite')
    .option('--limit <n>', 'how many (1-100, default 20)', positiveInteger, 20)
    .action((options: StoreOptions & { suite?: string; limit: number }) =>
      runCommand(async () => (await import('./eval-actions.js')).listRuns(options)),
    );

  evalCommand
    .command('show')
    .description('Report a stored run')
    .argument('<run>', 'run id')
    .option('--gateway-config <file>', 'gatehouse.yaml whose database to read')
    .option('-o, --output <format[:file]>', 'table, json, junit or markdown (repeatable)', collectOutput)
    .action((runId: string, options: StoreOptions & { output?: ReportOutput[] }) =>
      runCommand(async () => (await import('./eval-actions.js')).showRun(runId, options)),
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
        runCommand(async () =>
          (await import('./eval-actions.js')).compareStoredRuns(baseline, candidateId, options),
        ),
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
      runCommand(async () => (await import('./eval-actions.js')).labelRun(runId, label, options)),
    );
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

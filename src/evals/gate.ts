/**
 * The CI gate: by default every item must pass; with `--min-pass-rate` the pass rate must reach it
 * instead; with `--fail-on-regression` a regression against the baseline (an item flipped to fail, or
 * a significant metric drop) fails too. An interrupted run never passes.
 */
import type { RunComparison } from './comparisons/compare-runs.js';
import type { RunStatus, RunSummary } from './records.js';
import type { GateVerdict } from './reports/report-data.js';

export interface GateOptions {
  minPassRate?: number;
  failOnRegression?: boolean;
}

export function evaluateGate(
  status: RunStatus,
  summary: RunSummary,
  comparison: RunComparison | null,
  options: GateOptions,
): GateVerdict {
  const reasons: string[] = [];
  if (status !== 'completed') reasons.push(`the run is ${status}`);
  if (options.minPassRate !== undefined) {
    if (summary.passRate < options.minPassRate) {
      reasons.push(
        `pass rate ${(summary.passRate * 100).toFixed(1)}% is below the minimum ${(options.minPassRate * 100).toFixed(1)}%`,
      );
    }
  } else if (options.failOnRegression !== true && summary.failed > 0) {
    reasons.push(`${summary.failed} of ${summary.items} items failed`);
  }
  if (options.failOnRegression === true) {
    if (comparison === null)
      reasons.push('--fail-on-regression needs a baseline (--baseline <run id or label>)');
    else reasons.push(...comparison.regressionReasons);
  }
  return { passed: reasons.length === 0, reasons };
}

/**
 * A drift monitor as a check of the alert engine: one instance per group (`model=support`), breached
 * while any of its signals drifts. The alert's value is the worst signal's value over its threshold
 * (> 1 is drifted), so one number orders groups by how far they moved; the signals themselves travel
 * in the details (history and webhooks). Reports are recomputed every `every` (sampling and embedding
 * cost seconds); the engine's more frequent rounds re-read the last ones, so `for` still counts time.
 */
import type { DriftMonitor } from '../../config/drift-monitor.js';
import type { AlertCheck, CheckOutcome } from '../alerts/alert-check.js';
import { monitorWindows, type DriftReport, type DriftReporter } from './drift-reports.js';
import type { DriftSignalResult } from './drift-signals.js';

export function createDriftCheck(monitor: DriftMonitor, reporter: DriftReporter): AlertCheck {
  let last: { at: number; outcomes: CheckOutcome[] } | null = null;
  return {
    name: monitor.name,
    kind: 'drift',
    metric: 'drift',
    for: monitor.for,
    severity: monitor.severity,
    webhooks: monitor.webhooks,
    repeat_interval: monitor.repeat_interval,
    async evaluate(at) {
      if (last !== null && at >= last.at && at - last.at < monitor.every) return last.outcomes;
      const reports = await reporter.reports(monitor, monitorWindows(monitor, at));
      last = { at, outcomes: reports.map(reportOutcome) };
      return last.outcomes;
    },
  };
}

function reportOutcome(report: DriftReport): CheckOutcome {
  const judged = report.signals.filter((signal) => signal.value !== null);
  const ratio = (signal: DriftSignalResult) => (signal.value ?? 0) / signal.threshold;
  const worst = judged.length === 0 ? null : Math.max(...judged.map(ratio));
  const instance = report.groupBy === 'none' ? null : `${report.groupBy}=${report.group ?? '(none)'}`;
  const subject = instance ?? 'traffic';
  const drifted = report.signals.filter((signal) => signal.drifted);
  return {
    instance,
    value: worst,
    threshold: worst === null ? null : 1,
    breached: report.drifted,
    requests: report.recent.sampled,
    describe: (state) =>
      state === 'resolved'
        ? `${subject} no longer drifts${worst === null ? ' (not enough data to judge)' : ''}`
        : `${subject} drifted: ${drifted.map(describeSignal).join(', ')}`,
    details: {
      group_by: report.groupBy,
      group: report.group,
      reference: report.reference,
      recent: report.recent,
      drifted_signals: drifted.map((signal) => signal.signal),
      signals: report.signals.map((signal) => ({
        signal: signal.signal,
        measure: signal.measure,
        value: signal.value,
        threshold: signal.threshold,
        status: signal.status,
        samples: signal.samples,
      })),
    },
  };
}

function describeSignal(signal: DriftSignalResult): string {
  const measure = signal.measure === 'psi' ? 'PSI' : 'cosine distance';
  return `${signal.signal} ${measure} ${Number((signal.value ?? 0).toPrecision(3))} > ${signal.threshold}`;
}

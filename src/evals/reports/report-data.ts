/** What every report format renders: the run, its results and summary, the comparison and the gate. */
import type { RunComparison } from '../comparisons/compare-runs.js';
import type { ItemResult, RunStatus, RunSummary } from '../records.js';

export interface GateVerdict {
  passed: boolean;
  /** Why the gate failed, one line each. */
  reasons: string[];
}

export interface ReportData {
  runId: string;
  suite: string;
  status: RunStatus;
  summary: RunSummary;
  results: ItemResult[];
  comparison: { baselineRunId: string; result: RunComparison } | null;
  gate: GateVerdict;
}

export type ReportFormat = 'table' | 'json' | 'junit' | 'markdown';

export const reportFormats: readonly ReportFormat[] = ['table', 'json', 'junit', 'markdown'];

export function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

export function signed(value: number, digits = 4): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`;
}

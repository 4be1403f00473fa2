/**
 * What evaluation stores: dataset summaries and items, runs, per-item results, online scores. Types
 * only (like telemetry/model.ts), shared by the runner, the storage repositories and the API.
 */
import type { DatasetItem } from './datasets/dataset-item.js';
import type { AssertionResult } from './grading/assertion-result.js';

export interface DatasetSummary {
  name: string;
  description: string | null;
  latestVersion: number;
  itemCount: number;
  createdAt: number;
}

export interface DatasetVersion {
  version: number;
  itemCount: number;
  note: string | null;
  createdAt: number;
}

/** A stored item always has an id. */
export type StoredDatasetItem = DatasetItem & { id: string };

export type RunStatus = 'running' | 'completed' | 'interrupted' | 'failed';

/** One output of one test, prompt and target, with its grades. */
export interface ItemResult {
  /** `testKey|promptId|target`: unique within a run. */
  itemKey: string;
  /** Order of the item in the run. */
  position: number;
  testKey: string;
  promptId: string;
  target: string;
  description: string | null;
  vars: Record<string, unknown>;
  output: string | null;
  /** Why the item has no grade: the call failed, timed out, or an assertion could not be graded. */
  error: string | null;
  pass: boolean;
  score: number;
  latencyMs: number | null;
  /** USD of the call and its judges; null when unknown. */
  cost: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  cached: boolean;
  assertions: AssertionResult[];
}

export interface MetricSummary {
  metric: string;
  mean: number;
  passRate: number;
  count: number;
}

export interface RunSummary {
  items: number;
  passed: number;
  failed: number;
  errors: number;
  passRate: number;
  meanScore: number;
  cost: number | null;
  meanLatencyMs: number | null;
  cachedItems: number;
  metrics: MetricSummary[];
  durationMs: number;
}

export interface RunRecord {
  id: string;
  suite: string;
  description: string | null;
  dataset: string | null;
  status: RunStatus;
  startedAt: number;
  finishedAt: number | null;
  itemCount: number;
  /** Targets, prompts and options the run used. */
  config: Record<string, unknown>;
  summary: RunSummary | null;
  labels: string[];
}

export interface OnlineScore {
  traceId: string;
  evaluatorId: string;
  metric: string;
  score: number;
  pass: boolean;
  reason: string | null;
  error: string | null;
  createdAt: number;
}

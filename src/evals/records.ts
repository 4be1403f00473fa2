/**
 * What evaluation stores: dataset summaries and items, runs, per-item results, online scores. Types
 * (and the default scope), shared by the runner, the storage repositories and the API.
 */
import { defaultProjectId, defaultTenantId } from '../tenancy/model.js';
import type { DatasetItem } from './datasets/dataset-item.js';
import type { AssertionResult } from './grading/assertion-result.js';

/** The tenant and project that own datasets and runs; the CLI works in the default ones. */
export interface EvalScope {
  tenantId: string;
  projectId: string;
}

export const defaultEvalScope: EvalScope = { tenantId: defaultTenantId, projectId: defaultProjectId };

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

/**
 * `queued` waits in the API's queue; `interrupted` (Ctrl-C, shutdown) and `cancelled` keep what
 * finished and can resume; `failed` could not run (the API's runner hit an error).
 */
export type RunStatus = 'queued' | 'running' | 'completed' | 'interrupted' | 'cancelled' | 'failed';

/** How far a run got: items with a result, and how they graded. */
export interface RunProgress {
  done: number;
  passed: number;
  failed: number;
  errors: number;
}

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

/**
 * sacreBLEU corpus BLEU of one prompt on one target over the items with a `bleu` assertion: n-gram
 * statistics summed over those items, not the mean of their sentence BLEU.
 */
export interface CorpusBleuSummary {
  target: string;
  promptId: string;
  /** 0–100. */
  score: number;
  /** Modified n-gram precisions (0–100), orders 1 to 4. */
  precisions: number[];
  brevityPenalty: number;
  /** Items it covers. */
  segments: number;
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
  /** Present when items have `bleu` assertions. */
  corpusBleu?: CorpusBleuSummary[];
  durationMs: number;
  /** The run it was compared with (`--baseline`, `baseline_prompt_label`) and the verdict. */
  baseline?: { runId: string; regression: boolean };
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

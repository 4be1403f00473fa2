/**
 * The evaluation tables as Kysely sees them (migrations 0005-evals, 0007-evals-tenancy-scores). JSON
 * columns are text. Datasets, runs and run labels belong to a tenant and project.
 */
import type { IntegerBoolean } from './schema.js';

export interface EvalDatasetsTable {
  id: string;
  tenant_id: string;
  project_id: string;
  name: string;
  description: string | null;
  latest_version: number;
  created_at: number;
}

export interface EvalDatasetVersionsTable {
  dataset_id: string;
  version: number;
  item_count: number;
  note: string | null;
  created_at: number;
}

export interface EvalDatasetItemsTable {
  dataset_id: string;
  version: number;
  position: number;
  item_id: string;
  input: string;
  expected: string | null;
  context: string | null;
  metadata: string | null;
}

export interface EvalRunsTable {
  id: string;
  tenant_id: string;
  project_id: string;
  suite: string;
  description: string | null;
  dataset: string | null;
  status: string;
  started_at: number;
  finished_at: number | null;
  item_count: number;
  config: string;
  summary: string | null;
}

export interface EvalResultsTable {
  run_id: string;
  item_key: string;
  position: number;
  test_key: string;
  prompt_id: string;
  target: string;
  description: string | null;
  vars: string;
  output: string | null;
  error: string | null;
  pass: IntegerBoolean;
  score: number;
  latency_ms: number | null;
  cost: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cached: IntegerBoolean;
  assertions: string;
  created_at: number;
}

export interface EvalRunLabelsTable {
  tenant_id: string;
  project_id: string;
  suite: string;
  label: string;
  run_id: string;
  updated_at: number;
}

export interface EvalResponseCacheTable {
  key: string;
  value: string;
  created_at: number;
}

export interface EvalOnlineEvaluatorsTable {
  id: string;
  name: string;
  filter: string;
  sample_rate: number;
  assertions: string;
  judge: string | null;
  embedder_model: string | null;
  enabled: IntegerBoolean;
  cursor_time: number;
  cursor_id: string;
  created_at: number;
}

export interface EvalTables {
  eval_datasets: EvalDatasetsTable;
  eval_dataset_versions: EvalDatasetVersionsTable;
  eval_dataset_items: EvalDatasetItemsTable;
  eval_runs: EvalRunsTable;
  eval_results: EvalResultsTable;
  eval_run_labels: EvalRunLabelsTable;
  eval_response_cache: EvalResponseCacheTable;
  eval_online_evaluators: EvalOnlineEvaluatorsTable;
}

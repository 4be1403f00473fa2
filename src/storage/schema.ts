/**
 * The database schema as Kysely sees it: one interface per table, column names as stored.
 *
 * Types are chosen to mean the same on SQLite and PostgreSQL: booleans are integers 0/1 (SQLite has no
 * boolean, and better-sqlite3 refuses to bind one), JSON is text (parsed by the repositories), epoch
 * milliseconds are bigint (read back as JS numbers: see the int8 parser in database.ts).
 */
import type { ObservationType, TraceStatus } from '../telemetry/model.js';
import type { EvalTables } from './eval-schema.js';
import type { TraceRollupsTable } from './trace-rollups.js';

/** 0 or 1. */
export type IntegerBoolean = 0 | 1;

/** One row per `TraceRecord` (append-only). */
export interface TracesTable {
  id: string;
  request_id: string;
  start_time: number;
  end_time: number;
  duration_ms: number;
  endpoint: string;
  model: string;
  provider: string | null;
  provider_type: string | null;
  upstream_model: string | null;
  status: TraceStatus;
  http_status: number;
  stream: IntegerBoolean;
  user_id: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  total_tokens: number | null;
  cached_input_tokens: number | null;
  usage_estimated: IntegerBoolean;
  cost: number | null;
  ttft_ms: number | null;
  error_type: string | null;
  error_message: string | null;
  /** JSON object of strings, or null. */
  metadata: string | null;
  /** JSON, or null when nothing was captured. */
  input: string | null;
  /** JSON, or null when nothing was captured. */
  output: string | null;
  /** JSON array of `{ param, message }`. */
  warnings: string;
  /** Who made the call (null for rows written before tenancy existed). */
  tenant_id: string | null;
  project_id: string | null;
  /** Null for master-key calls. */
  key_id: string | null;
  /** `gateway`, `otlp` or `api`; null on rows written before it existed (gateway). */
  source: string | null;
  name: string | null;
  session_id: string | null;
  /** JSON array of strings, or null. */
  tags: string | null;
  cache_hit: IntegerBoolean | null;
  guardrail_triggered: IntegerBoolean | null;
  prompt_name: string | null;
  prompt_version: number | null;
  prompt_label: string | null;
  experiment_id: string | null;
  experiment_variant: string | null;
}

/** One row per `ObservationRecord` (append-only); primary key (trace_id, id). */
export interface ObservationsTable {
  id: string;
  trace_id: string;
  parent_id: string | null;
  type: ObservationType;
  name: string;
  start_time: number;
  end_time: number;
  latency_ms: number;
  ttft_ms: number | null;
  provider: string | null;
  model: string | null;
  status: TraceStatus;
  http_status: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  total_tokens: number | null;
  cached_input_tokens: number | null;
  /** Null when the observation has no usage at all (`usage: null`). */
  usage_estimated: IntegerBoolean | null;
  cost: number | null;
  error_message: string | null;
  /** JSON object. */
  attributes: string;
}

/** Shared by tenants and projects: JSON text columns validated by the admin API. */
interface TenancyColumns {
  name: string;
  created_at: number;
  updated_at: number;
  revoked_at: number | null;
  /** JSON `LimitSpec`. */
  limits: string;
  /** JSON `BudgetSpec[]`. */
  budgets: string;
  /** JSON `PolicyOverrides`. */
  policy: string;
  /** JSON object of strings. */
  metadata: string;
}

export interface TenantsTable extends TenancyColumns {
  id: string;
}

export interface ProjectsTable extends TenancyColumns {
  id: string;
  tenant_id: string;
}

export interface ApiKeysTable extends TenancyColumns {
  id: string;
  tenant_id: string;
  project_id: string | null;
  kind: 'virtual' | 'admin';
  role: 'admin' | 'member' | 'viewer' | null;
  /** Hex SHA-256 of the key; the key itself is never stored. */
  key_hash: string;
  key_prefix: string;
  expires_at: number | null;
  /** JSON array of model names (a trailing `*` matches any suffix), or null for any. */
  allowed_models: string | null;
  allowed_prompts: string | null;
  created_by: string;
}

/** Append-only. */
export interface AuditLogTable {
  id: string;
  at: number;
  tenant_id: string;
  project_id: string | null;
  actor: string;
  action: string;
  target_type: string;
  target_id: string;
  /** JSON of the object before and after the action (null when it did not exist). */
  before: string | null;
  after: string | null;
  request_id: string | null;
}

/** An alert rule created through the API (rules from the config file are not stored). */
export interface AlertRulesTable {
  name: string;
  /** JSON of the rule, as validated by the alert rule schema. */
  definition: string;
  created_at: number;
}

/** One alert state change (pending, firing, resolved), append-only. */
export interface AlertEventsTable {
  id: string;
  rule_name: string;
  state: string;
  value: number | null;
  threshold: number | null;
  at: number;
  message: string;
  /** JSON object. */
  details: string;
}

/** Every table Gatehouse stores. Other modules add their tables here as they get migrations. */
export interface Schema extends EvalTables {
  traces: TracesTable;
  observations: ObservationsTable;
  tenants: TenantsTable;
  projects: ProjectsTable;
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
  alert_rules: AlertRulesTable;
  alert_events: AlertEventsTable;
  prompts: PromptsTable;
  prompt_versions: PromptVersionsTable;
  prompt_labels: PromptLabelsTable;
  prompt_label_events: PromptLabelEventsTable;
  prompt_experiments: PromptExperimentsTable;
  scores: ScoresTable;
  pending_scores: PendingScoresTable;
  guardrail_review_items: GuardrailReviewItemsTable;
  trace_rollups: TraceRollupsTable;
}

/** One row per prompt name in a tenant and project. */
export interface PromptsTable {
  id: string;
  tenant_id: string;
  project_id: string;
  name: string;
  /** `text` or `chat`, fixed by the first version. */
  type: string;
  created_at: number;
}

/** Immutable: a version is never updated once written. */
export interface PromptVersionsTable {
  prompt_id: string;
  version: number;
  /** JSON: a string (text prompts) or a message list (chat prompts). */
  template: string;
  /** JSON object: model, temperature, max_tokens, response_format, tools. */
  config: string;
  /** JSON array of `{ name, type, required }`. */
  variables: string;
  /** JSON array of strings. */
  tags: string;
  /** `ignore` or `reject`. */
  extra_variables: string;
  commit_message: string | null;
  content_hash: string;
  created_by: string;
  created_at: number;
}

export interface PromptLabelsTable {
  prompt_id: string;
  label: string;
  version: number;
  updated_at: number;
}

/** The audit of label moves (append-only). A null `from_version` is a new label; a null `to_version` a removed one. */
export interface PromptLabelEventsTable {
  id: string;
  prompt_id: string;
  label: string;
  from_version: number | null;
  to_version: number | null;
  action: string;
  actor: string;
  reason: string | null;
  created_at: number;
}

export interface PromptExperimentsTable {
  id: string;
  prompt_id: string;
  label: string;
  /** `running`, `stopped` or `shipped`. */
  status: string;
  /** JSON array of `{ name, version, weight }`. */
  variants: string;
  /** JSON `{ metadata: { key: value } }`, or null for all traffic. */
  segment: string | null;
  shipped_variant: string | null;
  created_by: string;
  created_at: number;
  ended_at: number | null;
}

/** Scores posted by request id before the request's trace was stored; moved to `scores` when it is. */
export interface PendingScoresTable extends Omit<ScoresTable, 'trace_id'> {
  request_id: string;
}

/** Feedback and evaluation scores attached to traces (append-only). */
export interface ScoresTable {
  id: string;
  tenant_id: string;
  project_id: string;
  trace_id: string;
  name: string;
  /** `numeric`, `boolean` or `categorical`. */
  data_type: string;
  numeric_value: number | null;
  string_value: string | null;
  /** `api`, `annotation` or `eval`. */
  source: string;
  comment: string | null;
  created_at: number;
}

/** A guardrail verdict waiting for (or given) a reviewer's label; labelling updates the row. */
export interface GuardrailReviewItemsTable {
  id: string;
  tenant_id: string;
  project_id: string;
  trace_id: string;
  request_id: string;
  created_at: number;
  policy: string;
  check_name: string;
  check_type: string;
  /** `input` or `output`. */
  stage: string;
  /** What the policy did: `flag`, `block`… */
  action: string;
  score: number;
  /** The text the check judged (after earlier masking). */
  text: string;
  /** JSON object: the verdict's details and finding types. */
  details: string;
  /** `correct` or `false_positive`; null until labelled. */
  label: string | null;
  note: string | null;
  labelled_by: string | null;
  labelled_at: number | null;
}

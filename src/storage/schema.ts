/**
 * The database schema as Kysely sees it: one interface per table, column names as stored.
 *
 * Types are chosen to mean the same on SQLite and PostgreSQL: booleans are integers 0/1 (SQLite has no
 * boolean, and better-sqlite3 refuses to bind one), JSON is text (parsed by the repositories), epoch
 * milliseconds are bigint (read back as JS numbers: see the int8 parser in database.ts).
 */
import type { ObservationType, TraceStatus } from '../telemetry/model.js';
import type { EvalTables } from './eval-schema.js';

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

/** Every table Gatehouse stores. Other modules add their tables here as they get migrations. */
export interface Schema extends EvalTables {
  traces: TracesTable;
  observations: ObservationsTable;
}

/**
 * Conversion between telemetry records and table rows: flattening usage, booleans as 0/1, JSON as text.
 *
 * Writing also makes values storable on both engines, because one bad value would fail its whole
 * batch on every retry: integers are rounded, non-finite numbers become null (or 0 where the column
 * is required), NUL characters (which PostgreSQL text rejects) are removed, unserializable JSON
 * becomes null. `undefined` input/output is stored as null and read back as null.
 */
import type {
  ObservationRecord,
  TokenUsage,
  TelemetryEvent,
  TraceRecord,
  TraceSource,
} from '../telemetry/model.js';
import type { IntegerBoolean, ObservationsTable, TracesTable } from './schema.js';

/** The rows of a batch of events, per table. Only strings, numbers and nulls: they cross threads as is. */
export interface TraceRows {
  traces: TracesTable[];
  observations: ObservationsTable[];
}

export function eventsToRows(events: TelemetryEvent[]): TraceRows {
  return {
    traces: events.flatMap((event) => (event.trace === null ? [] : [traceToRow(event.trace)])),
    observations: events.flatMap((event) => event.observations.map(observationToRow)),
  };
}

export function traceToRow(trace: TraceRecord): TracesTable {
  return {
    id: text(trace.id),
    request_id: text(trace.requestId),
    start_time: integer(trace.startTime),
    end_time: integer(trace.endTime),
    duration_ms: real(trace.durationMs),
    endpoint: text(trace.endpoint),
    model: text(trace.model),
    provider: nullableText(trace.provider),
    provider_type: nullableText(trace.providerType),
    upstream_model: nullableText(trace.upstreamModel),
    status: trace.status,
    http_status: integer(trace.httpStatus),
    stream: flag(trace.stream),
    user_id: nullableText(trace.user),
    input_tokens: nullableInteger(trace.usage.inputTokens),
    output_tokens: nullableInteger(trace.usage.outputTokens),
    total_tokens: nullableInteger(trace.usage.totalTokens),
    cached_input_tokens: nullableInteger(trace.usage.cachedInputTokens),
    usage_estimated: flag(trace.usage.estimated),
    cost: nullableReal(trace.cost),
    ttft_ms: nullableReal(trace.ttftMs),
    error_type: nullableText(trace.errorType),
    error_message: nullableText(trace.errorMessage),
    metadata: json(trace.metadata),
    input: json(trace.input),
    output: json(trace.output),
    warnings: json(trace.warnings) ?? '[]',
    tenant_id: nullableText(trace.tenantId),
    project_id: nullableText(trace.projectId),
    key_id: nullableText(trace.keyId),
    source: trace.source ?? 'gateway',
    name: nullableText(trace.name ?? null),
    session_id: nullableText(trace.sessionId ?? null),
    tags: trace.tags === undefined || trace.tags.length === 0 ? null : json(trace.tags),
    cache_hit: nullableFlag(trace.cacheHit),
    guardrail_triggered: nullableFlag(trace.guardrailTriggered),
    prompt_name: trace.prompt === null ? null : text(trace.prompt.name),
    prompt_version: trace.prompt === null ? null : integer(trace.prompt.version),
    prompt_label: nullableText(trace.prompt?.label ?? null),
    experiment_id: nullableText(trace.prompt?.experimentId ?? null),
    experiment_variant: nullableText(trace.prompt?.variant ?? null),
  };
}

export function rowToTrace(row: TracesTable): TraceRecord {
  return {
    id: row.id,
    requestId: row.request_id,
    startTime: row.start_time,
    endTime: row.end_time,
    durationMs: row.duration_ms,
    endpoint: row.endpoint,
    model: row.model,
    provider: row.provider,
    providerType: row.provider_type,
    upstreamModel: row.upstream_model,
    status: row.status,
    httpStatus: row.http_status,
    stream: row.stream === 1,
    user: row.user_id,
    usage: {
      inputTokens: row.input_tokens,
      outputTokens: row.output_tokens,
      totalTokens: row.total_tokens,
      cachedInputTokens: row.cached_input_tokens,
      estimated: row.usage_estimated === 1,
    },
    cost: row.cost,
    ttftMs: row.ttft_ms,
    errorType: row.error_type,
    errorMessage: row.error_message,
    metadata: row.metadata === null ? null : parse<Record<string, string>>(row.metadata),
    input: row.input === null ? null : parse<unknown>(row.input),
    output: row.output === null ? null : parse<unknown>(row.output),
    warnings: parse<TraceRecord['warnings']>(row.warnings),
    tenantId: row.tenant_id,
    projectId: row.project_id,
    keyId: row.key_id,
    source: (row.source ?? 'gateway') as TraceSource,
    name: row.name,
    sessionId: row.session_id,
    tags: row.tags === null ? [] : parse<string[]>(row.tags),
    cacheHit: row.cache_hit === null ? null : row.cache_hit === 1,
    guardrailTriggered: row.guardrail_triggered === null ? null : row.guardrail_triggered === 1,
    prompt:
      row.prompt_name === null || row.prompt_version === null
        ? null
        : {
            name: row.prompt_name,
            version: row.prompt_version,
            label: row.prompt_label,
            experimentId: row.experiment_id,
            variant: row.experiment_variant,
          },
  };
}

export function observationToRow(observation: ObservationRecord): ObservationsTable {
  const usage = observation.usage;
  return {
    id: text(observation.id),
    trace_id: text(observation.traceId),
    parent_id: nullableText(observation.parentId),
    type: observation.type,
    name: text(observation.name),
    start_time: integer(observation.startTime),
    end_time: integer(observation.endTime),
    latency_ms: real(observation.latencyMs),
    ttft_ms: nullableReal(observation.ttftMs),
    provider: nullableText(observation.provider),
    model: nullableText(observation.model),
    status: observation.status,
    http_status: observation.httpStatus === null ? null : nullableInteger(observation.httpStatus),
    input_tokens: usage === null ? null : nullableInteger(usage.inputTokens),
    output_tokens: usage === null ? null : nullableInteger(usage.outputTokens),
    total_tokens: usage === null ? null : nullableInteger(usage.totalTokens),
    cached_input_tokens: usage === null ? null : nullableInteger(usage.cachedInputTokens),
    // Null here is what tells "no usage" apart from "usage with every count unknown".
    usage_estimated: usage === null ? null : flag(usage.estimated),
    cost: nullableReal(observation.cost),
    error_message: nullableText(observation.errorMessage),
    attributes: json(observation.attributes) ?? '{}',
  };
}

export function rowToObservation(row: ObservationsTable): ObservationRecord {
  const usage: TokenUsage | null =
    row.usage_estimated === null
      ? null
      : {
          inputTokens: row.input_tokens,
          outputTokens: row.output_tokens,
          totalTokens: row.total_tokens,
          cachedInputTokens: row.cached_input_tokens,
          estimated: row.usage_estimated === 1,
        };
  return {
    id: row.id,
    traceId: row.trace_id,
    parentId: row.parent_id,
    type: row.type,
    name: row.name,
    startTime: row.start_time,
    endTime: row.end_time,
    latencyMs: row.latency_ms,
    ttftMs: row.ttft_ms,
    provider: row.provider,
    model: row.model,
    status: row.status,
    httpStatus: row.http_status,
    usage,
    cost: row.cost,
    errorMessage: row.error_message,
    attributes: parse<Record<string, unknown>>(row.attributes),
  };
}

function flag(value: boolean): IntegerBoolean {
  return value ? 1 : 0;
}

function nullableFlag(value: boolean | null | undefined): IntegerBoolean | null {
  return value === null || value === undefined ? null : flag(value);
}

function text(value: string): string {
  return value.includes('\u0000') ? value.replaceAll('\u0000', '') : value;
}

function nullableText(value: string | null): string | null {
  return value === null ? null : text(value);
}

function integer(value: number): number {
  return Number.isFinite(value) ? Math.round(value) : 0;
}

function nullableInteger(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? Math.round(value) : null;
}

function real(value: number): number {
  return Number.isFinite(value) ? value : 0;
}

function nullableReal(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}

function json(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  try {
    // undefined for functions and symbols; throws for bigint and cycles.
    return JSON.stringify(value) ?? null;
  } catch {
    return null;
  }
}

function parse<T>(textValue: string): T {
  return JSON.parse(textValue) as T;
}

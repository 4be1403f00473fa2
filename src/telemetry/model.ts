/**
 * The telemetry model: a trace per request and the observations (spans) inside it, each written once
 * and never updated (ARCHITECTURE §1.4). Types only.
 */

export type TraceStatus = 'ok' | 'error' | 'cancelled';

/** The kinds of work an observation records (OpenTelemetry GenAI / Langfuse vocabulary). */
export type ObservationType =
  'span' | 'generation' | 'embedding' | 'retrieval' | 'tool' | 'agent' | 'guardrail' | 'evaluator' | 'event';

export interface TokenUsage {
  inputTokens: number | null;
  outputTokens: number | null;
  totalTokens: number | null;
  cachedInputTokens: number | null;
  /** True when counted with a tokenizer because the provider reported no usage. */
  estimated: boolean;
}

export interface TraceRecord {
  /** W3C trace id: 32 lowercase hex characters. */
  id: string;
  requestId: string;
  /** Epoch milliseconds. */
  startTime: number;
  endTime: number;
  durationMs: number;
  /** `chat.completions`, `embeddings` or `messages`. */
  endpoint: string;
  /** The model name the client asked for. */
  model: string;
  /** Provider id and type, and upstream model, of the attempt that produced the answer (or the last one). */
  provider: string | null;
  providerType: string | null;
  upstreamModel: string | null;
  status: TraceStatus;
  httpStatus: number;
  stream: boolean;
  user: string | null;
  usage: TokenUsage;
  /** USD; null when the model has no known price (never 0 by default). */
  cost: number | null;
  /** Time to first token sent to the client, for streams. */
  ttftMs: number | null;
  errorType: string | null;
  errorMessage: string | null;
  metadata: Record<string, string> | null;
  /** Request messages / embedding input, when content capture is on. */
  input: unknown;
  /** Response message(s), when content capture is on. */
  output: unknown;
  /** Parameters the provider could not honour. */
  warnings: { param: string; message: string }[];
  /** The tenant, project and virtual key that made the call (key null for the master key). */
  tenantId: string | null;
  projectId: string | null;
  keyId: string | null;
  /** Who wrote the trace: the gateway (default), an app over OTLP, or the JSON ingestion API. */
  source?: TraceSource;
  /** Display name (an app's root span name); null for gateway traces, which are named by endpoint. */
  name?: string | null;
  /** Groups the traces of one conversation (`metadata.session_id`, `session.id`). */
  sessionId?: string | null;
  /** Free labels to filter by (`metadata.tags`, comma-separated). */
  tags?: string[];
  /** True when the answer came from the response cache; null when no cache was consulted. */
  cacheHit?: boolean | null;
  /** True when a guardrail blocked, masked or flagged; null when no guardrail ran. */
  guardrailTriggered?: boolean | null;
  /** The prompt version that served the request, when the client called by prompt reference. */
  prompt: TracePrompt | null;
}

/** Which prompt served a request: the exact version, never only the label. */
export interface TracePrompt {
  name: string;
  version: number;
  /** The label the reference resolved through; null when the client asked for a version number. */
  label: string | null;
  /** Set when an experiment on that label chose the version. */
  experimentId: string | null;
  variant: string | null;
}

export type TraceSource = 'gateway' | 'otlp' | 'api';

export interface ObservationRecord {
  /** W3C span id: 16 lowercase hex characters. */
  id: string;
  traceId: string;
  parentId: string | null;
  type: ObservationType;
  name: string;
  startTime: number;
  endTime: number;
  latencyMs: number;
  ttftMs: number | null;
  provider: string | null;
  model: string | null;
  status: TraceStatus;
  httpStatus: number | null;
  usage: TokenUsage | null;
  cost: number | null;
  errorMessage: string | null;
  /** Anything else worth keeping (provider type, retryable, upstream error code…). */
  attributes: Record<string, unknown>;
}

/** One request's telemetry, handed over in one piece. */
export interface TraceEvent {
  trace: TraceRecord;
  observations: ObservationRecord[];
}

/**
 * Spans ingested from an app without a trace row: their root span was not in the batch, or the trace
 * row was already written (by the gateway the app called with `traceparent`).
 */
export interface SpanEvent {
  trace: null;
  observations: ObservationRecord[];
}

/** What the bulk writer stores. */
export type TelemetryEvent = TraceEvent | SpanEvent;

/** What the data plane writes to. `record` never blocks and never throws. */
export interface TelemetrySink {
  record(event: TraceEvent): void;
}

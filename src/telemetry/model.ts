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

/** What the data plane writes to. `record` never blocks and never throws. */
export interface TelemetrySink {
  record(event: TraceEvent): void;
}

/**
 * The request context: what one data-plane request carries through the pipeline stages. Created by
 * the server edge with a validated body, filled in by each stage.
 */
import type {
  ChatCompletionChunk,
  ChatCompletionRequest,
  ChatCompletion,
  EmbeddingsRequest,
  EmbeddingsResponse,
} from '../providers/canonical.js';
import type { CallWarning, ProviderAdapter } from '../providers/spec.js';
import type { ObservationRecord, TracePrompt } from '../telemetry/model.js';

/** One deployment a request may be sent to. */
export interface RouteTarget {
  adapter: ProviderAdapter;
  /** The model name at that provider. */
  model: string;
}

export interface ResolvedRoute {
  /** The configured model name that matched (`fast`, `openai/*`). */
  name: string;
  /** Deployments in order of preference. */
  targets: RouteTarget[];
}

interface ContextBase {
  requestId: string;
  /** Who the request belongs to; null (or absent) means the default tenant / project. */
  tenantId?: string | null;
  projectId?: string | null;
  traceId: string;
  /** Span id of the root observation. */
  rootSpanId: string;
  /** Parent span from an incoming `traceparent`, so app and gateway spans join one trace. */
  parentSpanId: string | null;
  /** The wire API the client spoke (`chat.completions`, `messages`, `embeddings`). */
  endpoint: string;
  /** Epoch ms and a monotonic origin for durations. */
  startTime: number;
  startMark: number;
  /** Aborted when the client disconnects or the server gives up. */
  signal: AbortSignal;
  route: ResolvedRoute | null;
  /** The deployment that produced the answer (or failed last). */
  target: RouteTarget | null;
  warnings: CallWarning[];
  /** Failed upstream attempts, recorded by dispatch as they fail. */
  failedAttempts: ObservationRecord[];
  /** The attempt that answered; record finalises its observation once the answer is complete. */
  answeringAttempt: AttemptStart | null;
}

export interface AttemptStart {
  target: RouteTarget;
  spanId: string;
  startTime: number;
  startMark: number;
  /** Monotonic time the first chunk arrived (streams). */
  firstChunkMark: number | null;
}

export interface ChatContext extends ContextBase {
  kind: 'chat';
  request: ChatCompletionRequest;
  /** Whether the client asked for the usage chunk (the gateway always asks the upstream for it). */
  clientWantsStreamUsage: boolean;
  /** The `x-gatehouse-prompt-variables` header (JSON), the header form of `prompt_variables`. */
  promptVariablesHeader: string | undefined;
  /** Set by resolve-prompt when the client called by prompt reference (`model: "prompt:name@label"`). */
  prompt: TracePrompt | null;
  /** Set by dispatch: a full response, or a stream whose first chunk has already arrived. */
  result:
    | { kind: 'response'; response: ChatCompletion }
    | { kind: 'stream'; stream: AsyncIterable<ChatCompletionChunk> }
    | null;
}

export interface EmbeddingsContext extends ContextBase {
  kind: 'embeddings';
  request: EmbeddingsRequest;
  result: { kind: 'embeddings'; response: EmbeddingsResponse } | null;
}

export type RequestContext = ChatContext | EmbeddingsContext;

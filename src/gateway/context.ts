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
import type { ObservationRecord } from '../telemetry/model.js';

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
  /** Observations of stages that did work (cache lookups…), recorded with the trace. */
  observations: ObservationRecord[];
  /** Tenant and project the request belongs to (null: the default partition). */
  tenantId?: string | null;
  projectId?: string | null;
  /** A cache policy named by the request's key or tenant, overriding the per-model and default ones. */
  cachePolicy?: string | null;
  /** The prompt behind the request, when it came through one (scopes and purges cached answers). */
  promptId?: string | null;
  /** The request's `Cache-Control` header. */
  cacheControl: string | null;
  /** What the response cache did, once it looked (`x-gatehouse-cache`). */
  cache: CacheOutcome | null;
}

export interface CacheOutcome {
  status: 'miss' | 'hit' | 'semantic-hit';
  /** Cosine similarity of a semantic hit. */
  similarity: number | null;
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

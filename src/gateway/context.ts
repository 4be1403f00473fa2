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
import type { RequestEstimate } from '../routing/request-estimate.js';
import type { RoutePlan } from '../routing/route-plan.js';
import type { GuardrailRun } from '../guardrails/policy/guardrail-run.js';
import type { ActiveKey, EffectivePolicy, Principal } from '../tenancy/model.js';
import type { ObservationRecord, TracePrompt, TraceRecord } from '../telemetry/model.js';

/** One deployment a request may be sent to. */
export interface RouteTarget {
  adapter: ProviderAdapter;
  /** The model name at that provider. */
  model: string;
}

/** Something routing did besides attempts (a skipped target, a retry wait, a breaker trip…), for the trace. */
export interface RoutingEvent {
  kind: 'skipped' | 'retry' | 'breaker-opened' | 'canary-rollback' | 'deadline' | 'filtered';
  /** The target concerned (`provider/model`), or the routing model. */
  target: string;
  /** Milliseconds since the request started. */
  atMs: number;
  [detail: string]: unknown;
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
  /** The routing plan: target groups in order, decisions, policy (set by resolve). */
  route: RoutePlan | null;
  /** Token estimates of the request, computed on first use. */
  estimate: RequestEstimate | null;
  /** What routing did besides the attempts, in order. */
  routingEvents: RoutingEvent[];
  /** The shadow call's observation, when this request is mirrored; it settles off the response path. */
  shadowCall: Promise<ObservationRecord> | null;
  /** The deployment that produced the answer (or failed last). */
  target: RouteTarget | null;
  warnings: CallWarning[];
  /** Failed upstream attempts, recorded by dispatch as they fail. */
  failedAttempts: ObservationRecord[];
  /** The attempt that answered; record finalises its observation once the answer is complete. */
  answeringAttempt: AttemptStart | null;
  /** What the guardrails did, when a policy applied. */
  guardrails: GuardrailRun | null;
  /** Observations of stages other than upstream attempts (guardrail verdicts, cache lookups). */
  stageObservations: ObservationRecord[];
  /** Who called, as the server edge authenticated them. */
  principal: Principal;
  /** Set by authenticate: the tenant, project and key the request runs as, and their policy. */
  tenancy: TenancyContext | null;
  /** Extra response headers set by stages (`x-ratelimit-*` from admit). */
  responseHeaders: Record<string, string> | null;
  /** Set by admit: called by record with the finished trace, to release limits and record spend. */
  settle: ((trace: TraceRecord) => void) | null;
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

/**
 * The request's tenancy, for this and later stages (guardrails read `policy.guardrailPolicy`, the
 * cache `policy.cachePolicy`). Master-key requests run as the default tenant with no key.
 */
export interface TenancyContext {
  tenantId: string;
  projectId: string;
  keyId: string | null;
  active: ActiveKey | null;
  policy: EffectivePolicy | null;
}

export interface AttemptStart {
  target: RouteTarget;
  /** The configured model whose target group this attempt belongs to (differs from the request's on fallback). */
  group: string;
  /** 1 for the first attempt on this target, 2 for its first retry… */
  attempt: number;
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

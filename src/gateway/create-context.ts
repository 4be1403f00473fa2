/** Creates the context of one data-plane request at the server edge. */
import type { ChatCompletionRequest, EmbeddingsRequest } from '../providers/canonical.js';
import { newSpanId, newTraceId, parseTraceparent } from '../telemetry/ids.js';
import type { Principal } from '../tenancy/model.js';
import type { ChatContext, EmbeddingsContext } from './context.js';

export interface EdgeRequest {
  requestId: string;
  endpoint: string;
  signal: AbortSignal;
  /** The incoming `traceparent` header, if any. */
  traceparent: string | undefined;
  principal: Principal;
  /** The incoming `Cache-Control` header, if any. */
  cacheControl?: string | undefined;
  /** The incoming `x-gatehouse-prompt-variables` header, if any. */
  promptVariables?: string | undefined;
}

function base(edge: EdgeRequest) {
  const parent = parseTraceparent(edge.traceparent);
  return {
    requestId: edge.requestId,
    traceId: parent?.traceId ?? newTraceId(),
    rootSpanId: newSpanId(),
    parentSpanId: parent?.parentSpanId ?? null,
    endpoint: edge.endpoint,
    startTime: Date.now(),
    startMark: performance.now(),
    signal: edge.signal,
    route: null,
    estimate: null,
    routingEvents: [],
    shadowCall: null,
    target: null,
    warnings: [],
    failedAttempts: [],
    answeringAttempt: null,
    guardrails: null,
    stageObservations: [],
    principal: edge.principal,
    tenancy: null,
    responseHeaders: null,
    settle: null,
    cacheControl: edge.cacheControl ?? null,
    cache: null,
  };
}

export function createChatContext(edge: EdgeRequest, request: ChatCompletionRequest): ChatContext {
  return {
    ...base(edge),
    kind: 'chat',
    request,
    clientWantsStreamUsage: request.stream_options?.include_usage === true,
    promptVariablesHeader: edge.promptVariables,
    prompt: null,
    result: null,
  };
}

export function createEmbeddingsContext(edge: EdgeRequest, request: EmbeddingsRequest): EmbeddingsContext {
  return { ...base(edge), kind: 'embeddings', request, result: null };
}

/**
 * Tracing for apps: `observe(name, fn, { type })` runs `fn` inside an OpenTelemetry span carrying the
 * attributes Gatehouse's OTLP ingestion maps (src/telemetry/otlp-ingest/map-otlp-span.ts): the
 * observation type (`gatehouse.observation.type`, with OpenInference's `openinference.span.kind` and
 * GenAI's `gen_ai.operation.name` for other backends), model, provider, tokens and cost (`gen_ai.*`),
 * input and output, session, user and tags. Spans are batched and sent over OTLP/HTTP protobuf to
 * Gatehouse's `POST /v1/traces` by default, or to any OpenTelemetry collector.
 *
 * A gateway call made inside `observe` joins the same trace when it carries `traceparent`: use
 * `traceHeaders()` per request, or hand `fetch` (which adds them) to the openai client.
 *
 * The provider is the SDK's own, not registered globally, so an app's OpenTelemetry setup is left as
 * it is; the context manager (AsyncLocalStorage) is registered only when the app has none.
 */
import {
  context,
  trace,
  SpanStatusCode,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { FetchFunction } from './http.js';
import type { CreateScoreInput, Score, ScoresClient } from './scores-client.js';

/** What an observed function does; `rerank` is stored as a retrieval, `chain` as a span. */
export type ObservationKind =
  | 'span'
  | 'chain'
  | 'generation'
  | 'embedding'
  | 'retrieval'
  | 'rerank'
  | 'tool'
  | 'agent'
  | 'guardrail'
  | 'evaluator';

const kinds: Record<ObservationKind, { type: string; openInference: string; genAiOperation?: string }> = {
  span: { type: 'span', openInference: 'CHAIN' },
  chain: { type: 'span', openInference: 'CHAIN' },
  generation: { type: 'generation', openInference: 'LLM', genAiOperation: 'chat' },
  embedding: { type: 'embedding', openInference: 'EMBEDDING', genAiOperation: 'embeddings' },
  retrieval: { type: 'retrieval', openInference: 'RETRIEVER' },
  rerank: { type: 'retrieval', openInference: 'RERANKER' },
  tool: { type: 'tool', openInference: 'TOOL', genAiOperation: 'execute_tool' },
  agent: { type: 'agent', openInference: 'AGENT', genAiOperation: 'invoke_agent' },
  guardrail: { type: 'guardrail', openInference: 'GUARDRAIL' },
  evaluator: { type: 'evaluator', openInference: 'EVALUATOR' },
};

export interface ObserveOptions {
  /** Default `span`. */
  type?: ObservationKind;
  input?: unknown;
  /** Records what `fn` returns as the output (default true). */
  captureOutput?: boolean;
  sessionId?: string;
  userId?: string;
  tags?: string[];
  /** Any other span attributes (kept in the observation's attributes). */
  attributes?: Attributes;
}

export interface GenerationDetails {
  model?: string;
  /** `openai`, `anthropic`… — with the model, what prices the call. */
  provider?: string;
  usage?: { inputTokens?: number; outputTokens?: number; cachedInputTokens?: number };
  /** USD, when the app knows it; otherwise Gatehouse prices the tokens from its catalog. */
  cost?: number;
  ttftMs?: number;
}

/** The span an observed function runs in. */
export interface Observation {
  readonly traceId: string;
  readonly spanId: string;
  setInput(value: unknown): void;
  setOutput(value: unknown): void;
  /** Model, provider, tokens, cost: what makes a `generation` show in costs and token counts. */
  setGeneration(details: GenerationDetails): void;
  setSession(sessionId: string): void;
  setUser(userId: string): void;
  setTags(tags: string[]): void;
  setAttributes(attributes: Attributes): void;
  /** A score on this trace (`POST /api/scores`). */
  score(
    name: string,
    value: CreateScoreInput['value'],
    options?: Omit<CreateScoreInput, 'traceId' | 'requestId' | 'name' | 'value'>,
  ): Promise<Score>;
}

export interface TracingOptions {
  /** The OTLP/HTTP traces endpoint (default `<baseUrl>/v1/traces`). */
  url?: string;
  /** Sent with every export (default: `Authorization: Bearer <apiKey>`). */
  headers?: Record<string, string>;
  /** `service.name` of the spans (default `gatehouse-app`). */
  serviceName?: string;
  /** Replaces the batching OTLP exporter (tests, another backend). */
  spanProcessors?: SpanProcessor[];
}

export interface Tracing {
  /**
   * Runs `fn` in a span; a thrown error marks the span failed and is rethrown.
   *
   * @example
   * const answer = await gatehouse.observe('answer-ticket', async (span) => {
   *   span.setUser(ticket.userId);
   *   return reply(ticket);
   * }, { type: 'agent', input: ticket.text });
   */
  observe<T>(
    name: string,
    fn: (observation: Observation) => T | Promise<T>,
    options?: ObserveOptions,
  ): Promise<T>;
  /** Wraps a function so that each call is observed, with its arguments as input. */
  observed<A extends unknown[], T>(
    name: string,
    fn: (...args: A) => T | Promise<T>,
    options?: Omit<ObserveOptions, 'input'>,
  ): (...args: A) => Promise<T>;
  /** The trace id of the observation running now, or null outside `observe`. */
  currentTraceId(): string | null;
  /** `{ traceparent }` (and `tracestate`) of the observation running now; empty outside `observe`. */
  traceHeaders(): Record<string, string>;
  /** `fetch` that adds `traceHeaders()`: give it to the openai client (`new OpenAI({ fetch })`). */
  fetch: FetchFunction;
  /** Sends the spans ended so far. */
  flush(): Promise<void>;
  /** Flushes and stops exporting. */
  shutdown(): Promise<void>;
}

const propagator = new W3CTraceContextPropagator();

export function createTracing(
  options: TracingOptions & { baseUrl: string; apiKey: string; fetch: FetchFunction; scores: ScoresClient },
): Tracing {
  ensureContextManager();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName ?? 'gatehouse-app' }),
    spanProcessors: options.spanProcessors ?? [
      new BatchSpanProcessor(
        new OTLPTraceExporter({
          url: options.url ?? `${options.baseUrl.replace(/\/+$/, '')}/v1/traces`,
          headers: options.headers ?? { authorization: `Bearer ${options.apiKey}` },
        }),
      ),
    ],
  });
  const tracer: Tracer = provider.getTracer('gatehouse-sdk');

  async function observe<T>(
    name: string,
    fn: (observation: Observation) => T | Promise<T>,
    observeOptions: ObserveOptions = {},
  ): Promise<T> {
    const kind = kinds[observeOptions.type ?? 'span'];
    const attributes: Attributes = {
      ...observeOptions.attributes,
      'gatehouse.observation.type': kind.type,
      'openinference.span.kind': kind.openInference,
    };
    if (kind.genAiOperation !== undefined) attributes['gen_ai.operation.name'] = kind.genAiOperation;
    const span = tracer.startSpan(name, { attributes });
    const observation = observationOf(span, kind.type, options.scores);
    if (observeOptions.input !== undefined) observation.setInput(observeOptions.input);
    if (observeOptions.sessionId !== undefined) observation.setSession(observeOptions.sessionId);
    if (observeOptions.userId !== undefined) observation.setUser(observeOptions.userId);
    if (observeOptions.tags !== undefined) observation.setTags(observeOptions.tags);
    const active: Context = trace.setSpan(context.active(), span);
    try {
      const result = await context.with(active, () => fn(observation));
      if (observeOptions.captureOutput !== false && result !== undefined) observation.setOutput(result);
      return result;
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: error instanceof Error ? error.message : String(error),
      });
      throw error;
    } finally {
      span.end();
    }
  }

  function traceHeaders(): Record<string, string> {
    const headers: Record<string, string> = {};
    propagator.inject(context.active(), headers, {
      set: (_carrier, key, value) => {
        headers[key] = value;
      },
    });
    return headers;
  }

  const tracedFetch: FetchFunction = (input, init) => {
    const extra = traceHeaders();
    if (Object.keys(extra).length === 0) return options.fetch(input, init);
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    for (const [key, value] of Object.entries(extra)) headers.set(key, value);
    return options.fetch(input, { ...init, headers });
  };

  return {
    observe,
    observed:
      (name, fn, observeOptions) =>
      (...args) =>
        observe(name, () => fn(...args), { ...observeOptions, input: args.length === 1 ? args[0] : args }),
    currentTraceId: () => trace.getSpan(context.active())?.spanContext().traceId ?? null,
    traceHeaders,
    fetch: tracedFetch,
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

function observationOf(span: Span, type: string, scores: ScoresClient): Observation {
  const { traceId, spanId } = span.spanContext();
  // A generation's messages use the GenAI names; other work OpenInference's input/output values.
  const contentKeys =
    type === 'generation'
      ? { input: 'gen_ai.input.messages', output: 'gen_ai.output.messages' }
      : { input: 'input.value', output: 'output.value' };
  const setContent = (which: 'input' | 'output', value: unknown) => {
    if (typeof value === 'string') {
      span.setAttribute(contentKeys[which], value);
      return;
    }
    span.setAttribute(contentKeys[which], JSON.stringify(value) ?? String(value));
    if (type !== 'generation') span.setAttribute(`${which}.mime_type`, 'application/json');
  };
  return {
    traceId,
    spanId,
    setInput: (value) => setContent('input', value),
    setOutput: (value) => setContent('output', value),
    setGeneration(details) {
      const attributes: Attributes = {};
      if (details.model !== undefined) attributes['gen_ai.request.model'] = details.model;
      if (details.provider !== undefined) attributes['gen_ai.provider.name'] = details.provider;
      if (details.usage?.inputTokens !== undefined)
        attributes['gen_ai.usage.input_tokens'] = details.usage.inputTokens;
      if (details.usage?.outputTokens !== undefined) {
        attributes['gen_ai.usage.output_tokens'] = details.usage.outputTokens;
      }
      if (details.usage?.cachedInputTokens !== undefined) {
        attributes['gen_ai.usage.cache_read.input_tokens'] = details.usage.cachedInputTokens;
      }
      if (details.cost !== undefined) attributes['gen_ai.usage.cost'] = details.cost;
      if (details.ttftMs !== undefined)
        attributes['gen_ai.server.time_to_first_token'] = details.ttftMs / 1000;
      span.setAttributes(attributes);
    },
    setSession: (sessionId) => span.setAttribute('session.id', sessionId),
    setUser: (userId) => span.setAttribute('user.id', userId),
    setTags: (tags) => span.setAttribute('tag.tags', tags),
    setAttributes: (attributes) => span.setAttributes(attributes),
    score: (name, value, scoreOptions = {}) => scores.create({ ...scoreOptions, traceId, name, value }),
  };
}

/** Without a context manager, the active span is lost across `await`; an app's own one is kept. */
function ensureContextManager(): void {
  const manager = new AsyncLocalStorageContextManager();
  manager.enable();
  // `false` (with a diagnostic) when the app registered one already: keep theirs.
  if (!context.setGlobalContextManager(manager)) manager.disable();
}

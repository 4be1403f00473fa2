/**
 * Cache lookup, between resolve and dispatch: a request its policy caches is answered from the cache
 * when an equal (or, in semantic mode, an equivalent) request's answer is stored — as a response or,
 * for a streamed request, replayed as a stream — and dispatch never runs. Otherwise the answer is
 * stored once it is complete: at once for a response, at the end of a stream that finished well
 * (never a partial, broken or abandoned one). The request's `Cache-Control` can skip the lookup
 * (`no-cache`), the store (`no-store`), or bound the age of what is served (`max-age=N`).
 */
import { parseCacheControl } from '../cache/cache-control.js';
import { replayAsStream } from '../cache/replay-stream.js';
import type { CachePlan, LookupResult, ResponseCache } from '../cache/response-cache.js';
import type { ChatCompletion, ChatCompletionChunk } from '../providers/canonical.js';
import { newSpanId } from '../telemetry/ids.js';
import type { ObservationRecord } from '../telemetry/model.js';
import type { ChatContext, RequestContext } from './context.js';
import type { Stage } from './compose.js';
import { StreamCollector } from './stream-collector.js';

export const lookupCache = (cache: ResponseCache): Stage<RequestContext> =>
  async function lookupCache(context, next) {
    if (context.kind !== 'chat' || context.route === null) return next();
    const plan = cache.plan({
      request: context.request,
      route: context.route.name,
      tenantId: context.tenancy?.tenantId ?? null,
      projectId: context.tenancy?.projectId ?? null,
      promptId: context.promptId ?? null,
      policyName: context.tenancy?.policy?.cachePolicy ?? null,
    });
    if (plan === null) return next();

    const directives = parseCacheControl(context.cacheControl);
    let vector: Float32Array | null = null;
    context.cache = { status: 'miss', similarity: null };
    if (!directives.noCache) {
      const startTime = Date.now();
      const startMark = performance.now();
      const found = await cache.lookup(plan, {
        maxAgeSeconds: directives.maxAgeSeconds,
        signal: context.signal,
      });
      context.stageObservations.push(lookupObservation(context, plan, found, startTime, startMark));
      if (found.kind !== 'miss') {
        context.cache = { status: found.kind, similarity: found.similarity };
        const completion = found.answer.completion;
        context.result =
          context.request.stream === true
            ? { kind: 'stream', stream: replayAsStream(completion) }
            : { kind: 'response', response: completion };
        return;
      }
      vector = found.vector;
    }

    await next();
    if (directives.noStore) return;
    const result = context.result;
    if (result === null || context.answeringAttempt === null) return;
    const store = (completion: ChatCompletion): void => {
      const target = context.answeringAttempt!.target;
      const origin = {
        provider: target.adapter.id,
        model: target.model,
        latencyMs: performance.now() - context.startMark,
      };
      void cache.store(plan, completion, origin, vector);
    };
    if (result.kind === 'response') {
      if (isComplete(result.response)) store(result.response);
    } else {
      context.result = { kind: 'stream', stream: storeWhenComplete(result.stream, store) };
    }
  };

/** Only an answer whose every choice says how it finished is kept. */
function isComplete(completion: ChatCompletion): boolean {
  return completion.choices.length > 0 && completion.choices.every((choice) => choice.finish_reason !== null);
}

async function* storeWhenComplete(
  stream: AsyncIterable<ChatCompletionChunk>,
  store: (completion: ChatCompletion) => void,
): AsyncGenerator<ChatCompletionChunk> {
  const collector = new StreamCollector();
  for await (const chunk of stream) {
    collector.add(chunk);
    yield chunk;
  }
  // Reached only when the stream ended well: a failure threw above, a client that left returned.
  if (collector.isComplete()) store(collector.toCompletion());
}

function lookupObservation(
  context: ChatContext,
  plan: CachePlan,
  found: LookupResult,
  startTime: number,
  startMark: number,
): ObservationRecord {
  const latencyMs = performance.now() - startMark;
  const error = found.kind === 'miss' ? found.error : null;
  return {
    id: newSpanId(),
    traceId: context.traceId,
    parentId: context.rootSpanId,
    type: 'span',
    name: 'cache.lookup',
    startTime,
    endTime: startTime + latencyMs,
    latencyMs,
    ttftMs: null,
    provider: null,
    model: null,
    status: error === null ? 'ok' : 'error',
    httpStatus: null,
    usage: null,
    cost: null,
    errorMessage: error,
    attributes: {
      result: found.kind,
      mode: plan.policy.mode,
      policy: plan.policyName,
      similarity: found.kind === 'miss' ? null : found.similarity,
      ...(found.kind === 'miss'
        ? {}
        : { savedCostUsd: found.answer.origin.cost, savedLatencyMs: found.answer.origin.latencyMs }),
    },
  };
}

/**
 * Dispatch: send the request to the route's deployments in order until one answers. A retryable
 * failure (429, 5xx, timeout, refused connection, a stream that breaks before its first chunk) moves
 * on to the next deployment; anything else is final. A stream counts as answered only once its first
 * chunk has arrived, so failing over stays invisible to the client.
 */
import type { ChatCompletionChunk } from '../providers/canonical.js';
import { UpstreamCallError } from '../providers/shared/upstream-error.js';
import { GatewayError } from '../errors/gateway-error.js';
import { newSpanId } from '../telemetry/ids.js';
import type { AttemptStart, ChatContext, EmbeddingsContext, RequestContext, RouteTarget } from './context.js';
import type { Stage } from './compose.js';
import { toGatewayError } from './upstream-failure.js';
import { failedAttemptObservation } from './observations.js';

export const dispatchRequest = (): Stage<RequestContext> =>
  async function dispatchRequest(context, next) {
    const targets = context.route?.targets ?? [];
    let lastFailure: UpstreamCallError | undefined;
    for (const target of targets) {
      const attempt: AttemptStart = {
        target,
        spanId: newSpanId(),
        startTime: Date.now(),
        startMark: performance.now(),
        firstChunkMark: null,
      };
      context.target = target;
      try {
        if (context.kind === 'chat') await callChat(context, target, attempt);
        else await callEmbeddings(context, target);
        context.answeringAttempt = attempt;
        break;
      } catch (error) {
        if (context.signal.aborted) throw cancelled(error);
        if (!UpstreamCallError.isInstance(error)) throw error;
        context.failedAttempts.push(failedAttemptObservation(context, attempt, error));
        lastFailure = error;
        if (!error.isRetryable) break;
      }
    }
    if (context.answeringAttempt === null) {
      throw lastFailure === undefined
        ? new GatewayError('service_unavailable', `model ${context.request.model} has no deployment to call`)
        : toGatewayError(lastFailure);
    }
    await next();
  };

async function callChat(context: ChatContext, target: RouteTarget, attempt: AttemptStart): Promise<void> {
  const request = { ...context.request, model: target.model };
  const result = await target.adapter.chat(request, { signal: context.signal });
  if (result.kind === 'response') {
    context.result = result;
  } else {
    const iterator = result.stream[Symbol.asyncIterator]();
    const first = await iterator.next();
    attempt.firstChunkMark = performance.now();
    context.result = { kind: 'stream', stream: resumeStream(first, iterator) };
  }
  context.warnings.push(...result.warnings);
}

async function callEmbeddings(context: EmbeddingsContext, target: RouteTarget): Promise<void> {
  const result = await target.adapter.embed(
    { ...context.request, model: target.model },
    { signal: context.signal },
  );
  context.result = { kind: 'embeddings', response: result.response };
  context.warnings.push(...result.warnings);
}

/**
 * The stream again, from the chunk already read. Closing it early closes the upstream iterator; a
 * failure after the first chunk can no longer fail over and surfaces as a `GatewayError` saying where
 * the stream broke.
 */
async function* resumeStream(
  first: IteratorResult<ChatCompletionChunk>,
  iterator: AsyncIterator<ChatCompletionChunk>,
): AsyncGenerator<ChatCompletionChunk> {
  let done = first.done === true;
  let delivered = 0;
  try {
    if (!done) {
      yield first.value as ChatCompletionChunk;
      delivered++;
    }
    while (!done) {
      let next: IteratorResult<ChatCompletionChunk>;
      try {
        next = await iterator.next();
      } catch (error) {
        done = true;
        if (!UpstreamCallError.isInstance(error)) throw error;
        const mapped = toGatewayError(error);
        throw new GatewayError(mapped.code, `stream broke after ${delivered} chunks: ${mapped.message}`, {
          status: mapped.status,
          type: mapped.type,
          publicCode: mapped.publicCode,
          cause: error,
        });
      }
      done = next.done === true;
      if (!done) {
        yield next.value;
        delivered++;
      }
    }
  } finally {
    if (!done) await iterator.return?.();
  }
}

function cancelled(cause: unknown): GatewayError {
  return new GatewayError(
    'client_closed_request',
    'the client closed the connection before the answer was complete',
    {
      cause,
    },
  );
}

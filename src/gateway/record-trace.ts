/**
 * Record: the outermost stage. Whatever happens inside — an answer, an error, a client that leaves —
 * becomes one trace handed to the telemetry sink, which buffers it; the data plane never waits on the
 * store. A stream is recorded when it ends, so the trace has its real duration, TTFT and usage.
 */
import type { ChatCompletionChunk } from '../providers/canonical.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { TelemetrySink, TraceEvent } from '../telemetry/model.js';
import type { RecentRequests } from '../telemetry/recent-requests.js';
import type { ChatContext, RequestContext } from './context.js';
import type { Stage } from './compose.js';
import { StreamCollector } from './stream-collector.js';
import { buildTraceEvent } from './observations.js';
import type { TraceOptions } from './observations.js';

export interface RecordOptions extends TraceOptions {
  sink: TelemetrySink;
  /** Learns each request's trace id before the client has the answer (scores by request id). */
  recentRequests?: RecentRequests | undefined;
}

export const recordTrace = (options: RecordOptions): Stage<RequestContext> =>
  async function recordTrace(context, next) {
    try {
      await next();
    } catch (error) {
      const status =
        GatewayError.isInstance(error) && error.code === 'client_closed_request' ? 'cancelled' : 'error';
      emit(context, buildTraceEvent(context, { status, error }, options), options);
      throw error;
    }
    const result = context.result;
    if (result === null) return;
    if (result.kind === 'stream') {
      if (context.kind === 'chat') {
        context.result = { kind: 'stream', stream: recordWhenStreamEnds(context, result.stream, options) };
      }
      return;
    }
    const outcome =
      result.kind === 'embeddings' ? { embeddings: result.response } : { completion: result.response };
    emit(context, buildTraceEvent(context, { status: 'ok', ...outcome }, options), options);
  };

/**
 * Lets admit settle limits and spend with the real usage and cost, then hands the trace over; a
 * mirrored request's trace waits (off the response path) for its shadow call.
 */
function emit(context: RequestContext, event: TraceEvent, options: RecordOptions): void {
  context.settle?.(event.trace);
  options.recentRequests?.remember(event.trace);
  const shadow = context.shadowCall;
  if (shadow === null) {
    options.sink.record(event);
    return;
  }
  void shadow.then((observation) => {
    event.observations.push(observation);
    options.sink.record(event);
  });
}

async function* recordWhenStreamEnds(
  context: ChatContext,
  stream: AsyncIterable<ChatCompletionChunk>,
  options: RecordOptions,
): AsyncGenerator<ChatCompletionChunk> {
  const collector = new StreamCollector();
  let status: 'ok' | 'error' | 'cancelled' = 'cancelled';
  let failure: unknown;
  try {
    for await (const chunk of stream) {
      collector.add(chunk);
      yield chunk;
    }
    status = 'ok';
  } catch (error) {
    status = context.signal.aborted ? 'cancelled' : 'error';
    failure = error;
    throw error;
  } finally {
    const error =
      status === 'cancelled'
        ? new GatewayError(
            'client_closed_request',
            `the client closed the stream after ${collector.chunkCount} chunks`,
          )
        : failure;
    emit(
      context,
      buildTraceEvent(
        context,
        { status, completion: collector.toCompletion(), ...(error === undefined ? {} : { error }) },
        options,
      ),
      options,
    );
  }
}

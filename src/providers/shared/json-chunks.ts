/**
 * Turns a provider's server-sent events into typed values: JSON-parses each `data`, knows where the
 * stream ends, and reports a stream that ends early or carries an error object as an
 * `UpstreamCallError` (kind `stream`), so the client gets a well-formed error instead of a silent cut.
 *
 * After the end marker the rest of the body is still read (normally nothing): stopping early would
 * destroy the socket and cost a new connection on the next call.
 */
import type { EventSourceMessage } from './sse.js';
import { UpstreamCallError, retryableErrorNames, retryableStatuses } from './upstream-error.js';
import { describeErrorValue } from './error-body.js';

export interface JsonEventOptions {
  provider: string;
  /**
   * How a complete stream ends: a `data` value (`[DONE]`), an event for which `isDone` is true
   * (`message_stop`), or `'body'` when the end of the body is the end (Gemini; the caller then checks
   * the stream was complete).
   */
  end: { data: string } | { isDone: (data: unknown) => boolean } | 'body';
}

export async function* readJsonEvents(
  events: AsyncIterable<EventSourceMessage>,
  options: JsonEventOptions,
): AsyncGenerator<{ event: string | undefined; data: unknown }> {
  const { end, provider } = options;
  let done = false;
  for await (const event of events) {
    if (done) continue;
    if (typeof end === 'object' && 'data' in end && event.data === end.data) {
      done = true;
      continue;
    }
    const data = parseData(event, provider);
    if (event.event === 'error' || (typeof data === 'object' && data !== null && 'error' in data)) {
      throw streamErrorEvent(event, data, provider);
    }
    yield { event: event.event, data };
    if (typeof end === 'object' && 'isDone' in end && end.isDone(data)) done = true;
  }
  if (done || end === 'body') return;
  throw new UpstreamCallError(`${provider} stream ended before its end marker`, { kind: 'stream', provider });
}

function parseData(event: EventSourceMessage, provider: string): unknown {
  try {
    return JSON.parse(event.data);
  } catch (error) {
    throw new UpstreamCallError(`${provider} sent a stream event that is not JSON`, {
      kind: 'stream',
      provider,
      responseBody: event.data.slice(0, 2000),
      cause: error,
    });
  }
}

function streamErrorEvent(event: EventSourceMessage, data: unknown, provider: string): UpstreamCallError {
  const described = describeErrorValue(data);
  return new UpstreamCallError(described.message ?? `${provider} sent an error event`, {
    kind: 'stream',
    provider,
    providerCode: described.code,
    responseBody: event.data.slice(0, 2000),
    retryable:
      (described.code !== undefined && retryableErrorNames.has(described.code)) ||
      (described.numericCode !== undefined && retryableStatuses.has(described.numericCode)),
  });
}

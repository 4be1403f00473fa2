/**
 * Turns a provider's server-sent events into typed values: JSON-parses each `data`, stops at the
 * end marker, and reports a stream that ends early or carries an error object as an
 * `UpstreamCallError` (kind `stream`), so the client gets a well-formed error instead of a silent cut.
 */
import type { EventSourceMessage } from './sse.js';
import { UpstreamCallError } from './upstream-error.js';
import { describeErrorValue } from './error-body.js';

export interface JsonEventOptions {
  provider: string;
  /** The `data` value that ends the stream (`[DONE]`); undefined when the end is an event (`message_stop`). */
  doneData?: string;
  /** True when this parsed event completes the stream. */
  isDone?: (event: EventSourceMessage, data: unknown) => boolean;
}

export async function* readJsonEvents(
  events: AsyncIterable<EventSourceMessage>,
  options: JsonEventOptions,
): AsyncGenerator<{ event: string | undefined; data: unknown }> {
  for await (const event of events) {
    if (options.doneData !== undefined && event.data === options.doneData) return;
    let data: unknown;
    try {
      data = JSON.parse(event.data);
    } catch (error) {
      throw new UpstreamCallError(`${options.provider} sent a stream event that is not JSON`, {
        kind: 'stream',
        provider: options.provider,
        responseBody: event.data.slice(0, 2000),
        cause: error,
      });
    }
    if (event.event === 'error' || (typeof data === 'object' && data !== null && 'error' in data)) {
      const described = describeErrorValue(data);
      throw new UpstreamCallError(described.message ?? `${options.provider} sent an error event`, {
        kind: 'stream',
        provider: options.provider,
        providerCode: described.code,
        responseBody: event.data.slice(0, 2000),
        retryable: described.code === 'overloaded_error' || described.code === 'rate_limit_error',
      });
    }
    yield { event: event.event, data };
    if (options.isDone?.(event, data)) return;
  }
  throw new UpstreamCallError(`${options.provider} stream ended before its end marker`, {
    kind: 'stream',
    provider: options.provider,
  });
}

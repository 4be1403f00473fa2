/**
 * Server-sent events from an upstream body, parsed once for every provider (eventsource-parser does
 * the WHATWG line protocol). Adapters receive `{ event, data }` messages and never see raw bytes.
 */
import { createParser } from 'eventsource-parser';
import type { EventSourceMessage } from 'eventsource-parser';

export type { EventSourceMessage } from 'eventsource-parser';

interface DestroyableBody extends AsyncIterable<Buffer | Uint8Array | string> {
  destroy(error?: Error): unknown;
}

/**
 * Yields each event as soon as its terminating blank line arrives. `mapError` turns a read failure
 * (reset, idle timeout) into the error the caller should see. The body is destroyed when the consumer
 * stops early, so the upstream request is cancelled rather than left to run.
 */
export async function* readServerSentEvents(
  body: DestroyableBody,
  mapError: (error: unknown) => unknown,
): AsyncGenerator<EventSourceMessage> {
  const decoder = new TextDecoder();
  let pending: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => pending.push(event) });
  let finished = false;
  try {
    for await (const chunk of body) {
      parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
      if (pending.length > 0) {
        const ready = pending;
        pending = [];
        yield* ready;
      }
    }
    // A last event without its blank line still counts (some servers omit it).
    parser.feed(decoder.decode() + '\n\n');
    yield* pending;
    finished = true;
  } catch (error) {
    throw mapError(error);
  } finally {
    if (!finished) body.destroy();
  }
}

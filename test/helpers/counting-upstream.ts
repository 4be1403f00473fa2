/**
 * An OpenAI-compatible upstream for limit tests: answers every chat completion after `latencyMs`
 * with fixed usage, and counts how many requests it holds at once (the proof a concurrency limit held).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CountingUpstream {
  url: string;
  /** Requests answered so far. */
  readonly served: number;
  /** Most requests in flight at the same time. */
  readonly maxInFlight: number;
  /** Starts counting `maxInFlight` afresh. */
  resetMaxInFlight(): void;
  close(): Promise<void>;
}

export async function startCountingUpstream(options: {
  latencyMs: number;
  usage: { prompt_tokens: number; completion_tokens: number };
}): Promise<CountingUpstream> {
  let inFlight = 0;
  let maxInFlight = 0;
  let served = 0;
  const server = createServer((request, response) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    request.resume();
    request.on('end', () => {
      setTimeout(() => {
        inFlight -= 1;
        served += 1;
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            id: 'chatcmpl-counting',
            object: 'chat.completion',
            created: 1,
            model: 'counted-model',
            choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
            usage: {
              ...options.usage,
              total_tokens: options.usage.prompt_tokens + options.usage.completion_tokens,
            },
          }),
        );
      }, options.latencyMs);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    get served() {
      return served;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    resetMaxInFlight() {
      maxInFlight = inFlight;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

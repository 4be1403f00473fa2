/**
 * Writes a server-sent event stream to the client, frame by frame as the upstream produces them (no
 * buffering), respecting socket backpressure. A failure after the headers went out ends the stream
 * with a well-formed error event in the client's wire format; a client that leaves stops the
 * iteration, which cancels the upstream request.
 */
import type { FastifyReply } from 'fastify';
import type { ServerResponse } from 'node:http';
import { GatewayError } from '../errors/gateway-error.js';

export interface EventStreamOptions {
  headers: Record<string, string>;
  /** Renders the terminal error frame (`data: {"error":…}` for OpenAI, `event: error` for Anthropic). */
  errorFrame: (error: GatewayError) => string;
}

export async function sendEventStream(
  reply: FastifyReply,
  frames: AsyncIterable<string>,
  options: EventStreamOptions,
): Promise<void> {
  const response = reply.raw;
  reply.hijack();
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    ...options.headers,
  });
  // Frames that arrive together (one upstream packet often carries several events) leave in one
  // write: cork on the first, uncork once the loop waits for the upstream again.
  let corked = false;
  const uncork = (): void => {
    corked = false;
    response.uncork();
  };
  try {
    for await (const frame of frames) {
      if (response.destroyed) break;
      if (!corked) {
        corked = true;
        response.cork();
        process.nextTick(uncork);
      }
      if (!response.write(frame)) await drained(response);
    }
  } catch (error) {
    if (!response.destroyed) {
      const gatewayError = GatewayError.isInstance(error)
        ? error
        : new GatewayError(
            'internal_error',
            `stream failed (request ${reply.request.id}); see the server log`,
          );
      if (!GatewayError.isInstance(error))
        reply.log.error({ err: error, requestId: reply.request.id }, 'stream failed');
      response.write(options.errorFrame(gatewayError));
    }
  }
  if (!response.destroyed) response.end();
}

/** Waits for the socket to accept more, or to close (then the loop above stops). */
function drained(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

export function sseData(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`;
}

export function sseEvent(event: string, value: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(value)}\n\n`;
}

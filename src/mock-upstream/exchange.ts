/**
 * One request to the mock upstream and the ways to answer it: JSON, or a paced server-sent event
 * stream, either of which `x-mock-cut-after-chunks` can break on purpose. Routes receive an
 * `Exchange` and never touch sockets themselves.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { WireFormat } from './error-bodies.js';
import { sleep } from '../providers/mock/pace-chunks.js';

/** Per-request behaviour: the server options overridden by the request's `x-mock-*` headers. */
export interface ExchangeControls {
  tokensPerSecond?: number;
  cutAfterChunks?: number;
  reply?: string;
  /** A slow first token: the stream's headers go out, then this wait before the first event. */
  firstChunkDelayMs?: number | undefined;
  replySequence?: string[];
}

export interface Exchange {
  request: IncomingMessage;
  response: ServerResponse;
  /** Route parameters in pattern order (model, deployment…). */
  params: string[];
  query: URLSearchParams;
  /** The parsed JSON body (undefined for bodiless requests). */
  body: unknown;
  controls: ExchangeControls;
  /** Aborted when the client goes away, so paced streams stop writing. */
  signal: AbortSignal;
}

export interface AuthFailure {
  status: number;
  message: string;
  code?: string;
}

export interface Route {
  method: 'GET' | 'POST';
  /** Matched against the path; capture groups become `params`. */
  pattern: RegExp;
  format: WireFormat;
  /** Checks the credentials and required headers the real service insists on. */
  authorize(request: IncomingMessage, query: URLSearchParams): AuthFailure | undefined;
  handle(exchange: Exchange): Promise<void>;
}

/** An answer the request body did not allow (validation), sent as the format's 400. */
export class BadRequest extends Error {
  override readonly name = 'BadRequest';
}

/** Sends JSON; with `x-mock-cut-after-chunks` only the first half arrives before the socket dies. */
export function respondJson(exchange: Exchange, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  const { response } = exchange;
  response.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  if (exchange.controls.cutAfterChunks === undefined) {
    response.end(text);
    return;
  }
  response.write(text.slice(0, Math.floor(text.length / 2)));
  breakConnection(exchange);
}

/**
 * Streams `frames` (complete SSE events) as they are produced. With `x-mock-cut-after-chunks: N`
 * the connection is dropped after N events, without the format's end marker: a broken stream.
 */
export async function respondEventStream(
  exchange: Exchange,
  frames: AsyncIterable<string>,
  contentType = 'text/event-stream',
): Promise<void> {
  const { response, signal } = exchange;
  const cut = exchange.controls.cutAfterChunks;
  response.writeHead(200, {
    'content-type': `${contentType}; charset=utf-8`,
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  // Headers go out now: a paced stream's time to first byte is the latency, not the whole answer.
  response.flushHeaders();
  // Unpaced, unbroken streams are written in one go (corked), which keeps load tests cheap.
  const corked = exchange.controls.tokensPerSecond === undefined && cut === undefined;
  if (corked) response.cork();
  let sent = 0;
  const firstChunkDelay = exchange.controls.firstChunkDelayMs ?? 0;
  if (firstChunkDelay > 0) await sleep(firstChunkDelay, signal);
  for await (const frame of frames) {
    if (signal.aborted) return;
    if (cut !== undefined && sent >= cut) {
      breakConnection(exchange);
      return;
    }
    sent += 1;
    if (!response.write(frame) && !corked) await once(response, 'drain', { signal });
  }
  // A stream of N events or fewer had nothing left to withhold, so it ends cleanly.
  response.end();
}

/** Flushes what was written, then closes the socket mid-body (no terminating chunk, no end marker). */
function breakConnection(exchange: Exchange): void {
  const { socket } = exchange.request;
  socket.end();
  socket.once('finish', () => socket.destroy());
}

/** Reads the whole request body as text. */
export async function readBodyText(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
  return chunks.length === 0 ? '' : Buffer.concat(chunks).toString('utf8');
}

/** `data: {json}` frames of a JSON-per-event stream (OpenAI, Gemini). */
export async function* dataFrames(events: AsyncIterable<unknown>, done?: string): AsyncGenerator<string> {
  for await (const event of events) yield `data: ${JSON.stringify(event)}\n\n`;
  if (done !== undefined) yield `data: ${done}\n\n`;
}

/**
 * The mock upstream: a FAKE model server for demos, tests and load tests (it never runs or proxies a
 * real model). It speaks the OpenAI, Azure OpenAI, Gemini and Anthropic wire formats, checks the
 * credentials each one requires, records what it received, and misbehaves on request (latency,
 * pacing, error statuses, broken streams) through options or `x-mock-*` headers. Plain node:http,
 * no framework: as the load-test upstream, its per-request cost must stay far below the gateway's.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { failureMessage, readMockControls } from '../providers/mock/mock-controls.js';
import { sleep } from '../providers/mock/pace-chunks.js';
import { errorBody, sendError } from './error-bodies.js';
import type { WireFormat } from './error-bodies.js';
import { BadRequest, readBodyText } from './exchange.js';
import type { Exchange, Route } from './exchange.js';
import { routes } from './routes.js';
import { FaultScripts, faultFromHeaders, faultScriptSchema, retryAfterFromHeaders } from './fault-script.js';
import type { MockFault } from './fault-script.js';
import { createRandom } from './seeded-random.js';
import type { MockUpstream, MockUpstreamOptions, RecordedRequest } from './types.js';

export type { MockUpstream, MockUpstreamOptions, RecordedRequest } from './types.js';

/**
 * Starts the server and resolves once it listens.
 *
 * @example
 * const upstream = await startMockUpstream({ port: 0 });
 * const client = new OpenAI({ baseURL: `${upstream.url}/v1`, apiKey: 'any' });
 * // … then `await upstream.close()`
 */
export async function startMockUpstream(options: MockUpstreamOptions = {}): Promise<MockUpstream> {
  const host = options.host ?? '127.0.0.1';
  const requests: RecordedRequest[] = [];
  const settings: Settings = {
    record: options.recordRequests ?? true,
    latencyMs: options.latencyMs ?? 0,
    tokensPerSecond: options.tokensPerSecond,
    failureRate: Math.min(Math.max(options.failureRate ?? 0, 0), 1),
    failureStatus: options.failureStatus ?? 500,
    random: createRandom(options.seed),
    requests,
    faults: new FaultScripts(),
  };
  const server = createServer({ keepAlive: true, noDelay: true }, (request, response) => {
    handle(request, response, settings).catch((error: unknown) => answerUnexpected(response, error));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    requests,
    clearRequests: () => {
      requests.length = 0;
    },
    faults: settings.faults,
    setFailureRate: (rate) => {
      settings.failureRate = Math.min(Math.max(rate, 0), 1);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        // Keep-alive sockets and open streams would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}

interface Settings {
  record: boolean;
  latencyMs: number;
  tokensPerSecond: number | undefined;
  failureRate: number;
  failureStatus: number;
  random: () => number;
  requests: RecordedRequest[];
  faults: FaultScripts;
}

async function handle(request: IncomingMessage, response: ServerResponse, settings: Settings): Promise<void> {
  const target = request.url ?? '/';
  const queryAt = target.indexOf('?');
  const path = safeDecode(queryAt < 0 ? target : target.slice(0, queryAt));
  const query = new URLSearchParams(queryAt < 0 ? '' : target.slice(queryAt + 1));
  const method = request.method ?? 'GET';
  // Listened for from the start: a client may leave while its body is still being read.
  const aborter = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) aborter.abort(new Error('[mock] client closed the connection'));
  });

  if (path === '/__mock/requests') return serveRecorded(method, response, settings.requests);

  const receivedAt = Date.now();
  const text = method === 'GET' || method === 'HEAD' ? '' : await readBodyText(request);
  const body = parseJson(text);
  if (path === '/__mock/faults') return serveFaults(method, body, response, settings.faults);
  const recorded: RecordedRequest = {
    method,
    path,
    query: Object.fromEntries(query),
    headers: { ...request.headers },
    body: body.ok ? body.value : text === '' ? undefined : text,
    receivedAt,
    target: undefined,
  };
  if (settings.record) settings.requests.push(recorded);

  const match = findRoute(method, path);
  if (match === undefined) {
    return sendError(response, guessFormat(path), 404, `Invalid URL (${method} ${path})`, {
      code: 'unknown_url',
    });
  }
  const { route, params } = match;
  const refused = route.authorize(request, query);
  if (refused !== undefined)
    return sendError(response, route.format, refused.status, refused.message, { code: refused.code });
  if (!body.ok) {
    return sendError(
      response,
      route.format,
      400,
      'We could not parse the JSON body of your request. The body must be valid JSON.',
    );
  }

  const controls = readMockControls(request.headers);
  const scriptKey = targetOf(request.headers, params, body.value);
  recorded.target = scriptKey;
  const fault = settings.faults.next(scriptKey) ?? faultFromHeaders(request.headers);
  const exchange: Exchange = {
    request,
    response,
    params,
    query,
    body: body.value,
    controls: {
      tokensPerSecond: controls.tokensPerSecond ?? settings.tokensPerSecond,
      cutAfterChunks: fault?.fault === 'cut' ? fault.after_chunks : controls.cutAfterChunks,
      reply: controls.reply,
      firstChunkDelayMs: fault?.fault === 'slow_first_token' ? fault.delay_ms : undefined,
      replySequence: controls.replySequence,
    },
    signal: aborter.signal,
  };
  try {
    await sleep(controls.latencyMs ?? settings.latencyMs, aborter.signal);
    if (fault !== undefined && (await applyFault(fault, exchange, route.format))) return;
    const failStatus =
      controls.failStatus ??
      (settings.failureRate > 0 && settings.random() < settings.failureRate
        ? settings.failureStatus
        : undefined);
    if (failStatus !== undefined) {
      return sendError(response, route.format, failStatus, failureMessage(controls, failStatus), {
        headers: retryAfterFromHeaders(request.headers),
      });
    }
    await route.handle(exchange);
  } catch (error) {
    // A client that went away is not an error of the mock: the answer simply stops.
    if (aborter.signal.aborted) return;
    if (error instanceof BadRequest && !response.headersSent)
      return sendError(response, route.format, 400, error.message);
    throw error;
  }
}

/**
 * Applies a scripted or header-forced fault; true when it answered (or refused to) in place of the
 * route. A slow first token on a streamed request is left to the stream writer (headers go first).
 */
async function applyFault(fault: MockFault, exchange: Exchange, format: WireFormat): Promise<boolean> {
  const { request, response, signal } = exchange;
  switch (fault.fault) {
    case 'status':
      sendError(
        response,
        format,
        fault.status,
        fault.message ?? `[mock] Scripted failure with status ${fault.status}.`,
        {
          headers:
            fault.retry_after_ms !== undefined
              ? { 'retry-after-ms': String(fault.retry_after_ms) }
              : fault.retry_after !== undefined
                ? { 'retry-after': String(fault.retry_after) }
                : {},
        },
      );
      return true;
    case 'hang':
      await new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        else signal.addEventListener('abort', () => resolve(), { once: true });
      });
      return true;
    case 'reset':
      request.socket.destroy();
      return true;
    case 'slow_first_token':
      if (!isStreamRequest(exchange)) await sleep(fault.delay_ms, signal);
      return false;
    case 'ok':
    case 'cut':
      return false;
  }
}

function isStreamRequest(exchange: Exchange): boolean {
  const body = exchange.body as { stream?: unknown } | undefined;
  return body?.stream === true || exchange.request.url?.includes('streamGenerateContent') === true;
}

/** The name a fault script is keyed by: `x-mock-target`, else the model in the path or body. */
function targetOf(headers: IncomingMessage['headers'], params: string[], body: unknown): string {
  const header = headers['x-mock-target'];
  if (typeof header === 'string' && header !== '') return header;
  if (params[0] !== undefined && params[0] !== '') return params[0];
  const model = (body as { model?: unknown } | undefined)?.model;
  return typeof model === 'string' ? model : '';
}

function serveFaults(
  method: string,
  body: { ok: true; value: unknown } | { ok: false },
  response: ServerResponse,
  faults: FaultScripts,
): void {
  if (method === 'DELETE') {
    faults.clear();
    response.writeHead(204).end();
    return;
  }
  const parsed = method === 'POST' && body.ok ? faultScriptSchema.safeParse(body.value) : undefined;
  if (parsed?.success !== true) {
    const problem = parsed?.error.issues[0]?.message ?? 'POST a JSON fault script or DELETE';
    sendError(response, 'openai', 400, `[mock] invalid fault script: ${problem}`);
    return;
  }
  faults.set(parsed.data.target, parsed.data.steps);
  response.writeHead(204).end();
}

function serveRecorded(method: string, response: ServerResponse, requests: RecordedRequest[]): void {
  if (method === 'DELETE') {
    requests.length = 0;
    response.writeHead(204).end();
    return;
  }
  const text = JSON.stringify(requests);
  response
    .writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
    .end(text);
}

function findRoute(method: string, path: string): { route: Route; params: string[] } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const found = route.pattern.exec(path);
    if (found !== null) return { route, params: found.slice(1).map((value) => value ?? '') };
  }
  return undefined;
}

/** Unknown paths still get an error body a client of that family can read. */
function guessFormat(path: string): WireFormat {
  if (path.startsWith('/openai/')) return 'azure';
  if (path.startsWith('/v1beta/') || path.includes(':')) return 'gemini';
  if (path.startsWith('/v1/messages')) return 'anthropic';
  return 'openai';
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** A bug in the mock still answers (500, OpenAI shape) instead of hanging the client. */
function answerUnexpected(response: ServerResponse, error: unknown): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const message = `[mock] internal error: ${error instanceof Error ? error.message : String(error)}`;
  const text = JSON.stringify(errorBody('openai', 500, message));
  response
    .writeHead(500, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
    .end(text);
}

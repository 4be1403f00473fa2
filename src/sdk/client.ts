/**
 * `createGatehouseClient`: what an app holds to use Gatehouse beyond the OpenAI-compatible gateway —
 * the prompt registry (cached), scores, and tracing of its own functions.
 */
import { createHttpClient, type FetchFunction } from './http.js';
import { createPromptsClient, type PromptsClient } from './prompts-client.js';
import { createScoresClient, type ScoresClient } from './scores-client.js';
import { createTracing, type Tracing, type TracingOptions } from './tracing.js';

export interface GatehouseClientOptions {
  /** Gatehouse's URL, e.g. `http://127.0.0.1:4000` (default `GATEHOUSE_URL`). */
  baseUrl?: string;
  /** A virtual key (default `GATEHOUSE_API_KEY`). */
  apiKey?: string;
  /** Timeout of each API call in ms (default 5,000); a timeout counts as unreachable. */
  timeoutMs?: number;
  /** The `fetch` used for the API and by the traced `fetch` (default: the global one). */
  fetch?: FetchFunction;
  /** Where spans go (default: this Gatehouse's `/v1/traces`). */
  tracing?: TracingOptions;
}

export interface GatehouseClient extends Tracing {
  prompts: PromptsClient;
  scores: ScoresClient;
}

/**
 * @example
 * const gatehouse = createGatehouseClient({ baseUrl: 'http://127.0.0.1:4000', apiKey: process.env.GATEHOUSE_API_KEY });
 * const prompt = await gatehouse.prompts.get('support-answer');
 */
export function createGatehouseClient(options: GatehouseClientOptions = {}): GatehouseClient {
  const baseUrl = options.baseUrl ?? process.env.GATEHOUSE_URL;
  const apiKey = options.apiKey ?? process.env.GATEHOUSE_API_KEY;
  if (baseUrl === undefined || baseUrl === '') {
    throw new Error('createGatehouseClient needs baseUrl (or GATEHOUSE_URL), e.g. http://127.0.0.1:4000.');
  }
  if (apiKey === undefined || apiKey === '') {
    throw new Error('createGatehouseClient needs apiKey (or GATEHOUSE_API_KEY): a Gatehouse virtual key.');
  }
  const fetchFunction = options.fetch ?? globalThis.fetch;
  const http = createHttpClient({
    baseUrl,
    apiKey,
    timeoutMs: options.timeoutMs ?? 5_000,
    fetch: fetchFunction,
  });
  const scores = createScoresClient(http);
  const tracing = createTracing({ ...options.tracing, baseUrl, apiKey, fetch: fetchFunction, scores });
  return { ...tracing, prompts: createPromptsClient(http), scores };
}

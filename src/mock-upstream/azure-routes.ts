/**
 * Azure OpenAI's wire format on the mock upstream (a FAKE model): deployments in the path, the
 * `api-key` header (or an Entra ID bearer token) and the mandatory `api-version` query; bodies and
 * streams are OpenAI's, with the deployment name as the answering model.
 */
import type { IncomingMessage } from 'node:http';
import type { AuthFailure, Route } from './exchange.js';
import { serveChat, serveEmbeddings } from './openai-routes.js';

function requireAzureCredentials(request: IncomingMessage, query: URLSearchParams): AuthFailure | undefined {
  const apiKey = request.headers['api-key'];
  const bearer = request.headers.authorization;
  if (
    (typeof apiKey !== 'string' || apiKey === '') &&
    (bearer === undefined || !/^Bearer\s+\S/i.test(bearer))
  ) {
    return {
      status: 401,
      message:
        'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
    };
  }
  if ((query.get('api-version') ?? '') === '') {
    return {
      status: 400,
      code: 'MissingApiVersionParameter',
      message: 'The api-version query parameter (?api-version=) is required for all requests.',
    };
  }
  return undefined;
}

export const azureRoutes: Route[] = [
  {
    method: 'POST',
    pattern: /^\/openai\/deployments\/([^/]+)\/chat\/completions$/,
    format: 'azure',
    authorize: requireAzureCredentials,
    handle: (exchange) => serveChat(exchange, exchange.params[0]),
  },
  {
    method: 'POST',
    pattern: /^\/openai\/deployments\/([^/]+)\/embeddings$/,
    format: 'azure',
    authorize: requireAzureCredentials,
    handle: (exchange) => serveEmbeddings(exchange, exchange.params[0]),
  },
];

/**
 * `gatehouse/sdk`: the TypeScript client for apps — prompts from the registry (cached, with a
 * code-level fallback), scores, and OpenTelemetry tracing of the app's own functions. It imports
 * nothing of the server (no database, no HTTP server): only the prompt template renderer it shares.
 */
export { createGatehouseClient, type GatehouseClient, type GatehouseClientOptions } from './client.js';
export { GatehouseApiError, GatehouseUnreachableError, type FetchFunction } from './http.js';
export type {
  ChatRequest,
  GatehousePrompt,
  PromptFallback,
  PromptMessage,
  PromptVersionBody,
} from './prompt.js';
export type { GetPromptOptions, PrefetchItem, PromptsClient } from './prompts-client.js';
export type { CreateScoreInput, Score, ScoresClient } from './scores-client.js';
export type {
  GenerationDetails,
  Observation,
  ObservationKind,
  ObserveOptions,
  Tracing,
  TracingOptions,
} from './tracing.js';
/** What `prompt.compile()` throws for a missing or mistyped variable (`param` names it, `code` says why). */
export { GatewayError } from '../errors/gateway-error.js';

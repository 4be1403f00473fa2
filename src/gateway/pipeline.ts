/**
 * The data-plane pipeline, composed once at start-up. `ls src/gateway` reads as the request flow:
 * record (outermost, sees every outcome) → resolve a prompt reference → resolve the route → dispatch
 * to a deployment.
 */
import type { TelemetrySink } from '../telemetry/model.js';
import type { PriceCatalog } from '../usage/price-catalog.js';
import { compose } from './compose.js';
import type { RequestContext } from './context.js';
import { dispatchRequest } from './dispatch.js';
import { recordTrace } from './record-trace.js';
import { resolveRoute } from './resolve-route.js';
import type { ModelRouter } from './resolve-route.js';
import type { PromptResolver } from '../prompts/prompt-resolver.js';
import { resolvePrompt } from './resolve-prompt.js';

export interface PipelineOptions {
  router: ModelRouter;
  sink: TelemetrySink;
  prices: PriceCatalog;
  captureContent: boolean;
  /** Serves calls by prompt reference (`model: "prompt:name"`); without it they are unknown models. */
  prompts?: PromptResolver;
}

export type Pipeline = (context: RequestContext) => Promise<void>;

export function createPipeline(options: PipelineOptions): Pipeline {
  return compose<RequestContext>([
    recordTrace({ sink: options.sink, prices: options.prices, captureContent: options.captureContent }),
    ...(options.prompts === undefined ? [] : [resolvePrompt(options.prompts)]),
    resolveRoute(options.router),
    dispatchRequest(),
  ]);
}

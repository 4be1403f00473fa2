/**
 * The data-plane pipeline, composed once at start-up. `ls src/gateway` reads as the request flow:
 * record (outermost, sees every outcome) → resolve the route → look up the response cache (when a
 * policy caches) → dispatch to a deployment.
 */
import type { ResponseCache } from '../cache/response-cache.js';
import type { TelemetrySink } from '../telemetry/model.js';
import type { PriceCatalog } from '../usage/price-catalog.js';
import { lookupCache } from './cache-lookup.js';
import { compose } from './compose.js';
import type { RequestContext } from './context.js';
import { dispatchRequest } from './dispatch.js';
import { recordTrace } from './record-trace.js';
import { resolveRoute } from './resolve-route.js';
import type { ModelRouter } from './resolve-route.js';

export interface PipelineOptions {
  router: ModelRouter;
  sink: TelemetrySink;
  prices: PriceCatalog;
  captureContent: boolean;
  /** Null when no cache policy caches anything: the stage is left out. */
  cache: ResponseCache | null;
}

export type Pipeline = (context: RequestContext) => Promise<void>;

export function createPipeline(options: PipelineOptions): Pipeline {
  return compose<RequestContext>([
    recordTrace({ sink: options.sink, prices: options.prices, captureContent: options.captureContent }),
    resolveRoute(options.router),
    ...(options.cache === null ? [] : [lookupCache(options.cache)]),
    dispatchRequest(),
  ]);
}

/**
 * The data-plane pipeline, composed once at start-up. `ls src/gateway` reads as the request flow:
 * authenticate (who calls, what they may use) → record (sees every outcome of an authenticated
 * request) → admit (rate limits, budgets) → resolve the route → dispatch to a deployment.
 */
import type { TelemetrySink } from '../telemetry/model.js';
import type { PriceCatalog } from '../usage/price-catalog.js';
import type { Limiter } from '../limits/limiter.js';
import { admitRequest } from './admit.js';
import { authenticate } from './authenticate.js';
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
  limiter: Limiter;
  /** Output tokens assumed for budget reservations when a request sets no max_tokens. */
  outputTokensEstimate: number;
}

export type Pipeline = (context: RequestContext) => Promise<void>;

export function createPipeline(options: PipelineOptions): Pipeline {
  const { router, prices } = options;
  return compose<RequestContext>([
    authenticate(),
    recordTrace({ sink: options.sink, prices, captureContent: options.captureContent }),
    admitRequest({
      limiter: options.limiter,
      outputTokensEstimate: options.outputTokensEstimate,
      priceOf(model) {
        const first = router.resolve(model)?.targets[0];
        return first === undefined ? undefined : prices.lookup(first.adapter.id, first.model);
      },
    }),
    resolveRoute(router),
    dispatchRequest(),
  ]);
}

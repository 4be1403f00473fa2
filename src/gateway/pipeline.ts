/**
 * The data-plane pipeline, composed once at start-up. `ls src/gateway` reads as the request flow:
 * authenticate (who calls, what they may use) → record (sees every outcome of an authenticated
 * request) → admit (rate limits, budgets) → resolve the route → mirror to a shadow (when planned) →
 * guard input → guard output (wraps dispatch, so it can re-ask) → dispatch to a deployment.
 */
import type { TelemetrySink } from '../telemetry/model.js';
import type { PriceCatalog } from '../usage/price-catalog.js';
import type { Limiter } from '../limits/limiter.js';
import { admitRequest } from './admit.js';
import { authenticate } from './authenticate.js';
import { compose } from './compose.js';
import type { RequestContext } from './context.js';
import { dispatchRequest } from './dispatch.js';
import type { GuardrailPolicies } from '../guardrails/policy/guardrail-policies.js';
import { createTextCompleter } from './complete-text.js';
import { guardInput } from './guard-input.js';
import { guardOutput } from './guard-output.js';
import { recordTrace } from './record-trace.js';
import { reservationPrice, resolveRoute } from './resolve-route.js';
import { mirrorShadow } from './mirror-shadow.js';
import type { ModelRouter } from './resolve-route.js';

export interface PipelineOptions {
  router: ModelRouter;
  sink: TelemetrySink;
  prices: PriceCatalog;
  captureContent: boolean;
  /** Guardrail policies; without any, the guard stages are left out. */
  guardrails?: GuardrailPolicies;
  limiter: Limiter;
  /** Output tokens assumed for budget reservations when a request sets no max_tokens. */
  outputTokensEstimate: number;
}

export type Pipeline = (context: RequestContext) => Promise<void>;

export function createPipeline(options: PipelineOptions): Pipeline {
  const { router, prices } = options;
  const dispatch = dispatchRequest({ prices });
  const guards =
    options.guardrails === undefined || options.guardrails.names().length === 0
      ? null
      : {
          policies: options.guardrails,
          router,
          complete: createTextCompleter(router),
        };
  return compose<RequestContext>([
    authenticate(),
    recordTrace({ sink: options.sink, prices, captureContent: options.captureContent }),
    admitRequest({
      limiter: options.limiter,
      outputTokensEstimate: options.outputTokensEstimate,
      priceOf: (model) => reservationPrice(router, prices, model),
    }),
    resolveRoute(router),
    mirrorShadow({ prices, captureContent: options.captureContent }),
    ...(guards === null
      ? []
      : [
          guardInput(guards),
          guardOutput({ ...guards, redispatch: (context) => dispatch(context, () => Promise.resolve()) }),
        ]),
    dispatch,
  ]);
}

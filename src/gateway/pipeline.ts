/**
 * The data-plane pipeline, composed once at start-up. `ls src/gateway` reads as the request flow:
 * record (outermost, sees every outcome) → resolve the route → mirror to a shadow (when planned) →
 * guard input → guard output (wraps dispatch, so it can re-ask) → dispatch to a deployment.
 */
import type { TelemetrySink } from '../telemetry/model.js';
import type { PriceCatalog } from '../usage/price-catalog.js';
import { compose } from './compose.js';
import type { RequestContext } from './context.js';
import { dispatchRequest } from './dispatch.js';
import type { GuardrailPolicies } from '../guardrails/policy/guardrail-policies.js';
import { createTextCompleter } from './complete-text.js';
import { guardInput } from './guard-input.js';
import { guardOutput } from './guard-output.js';
import { recordTrace } from './record-trace.js';
import { resolveRoute } from './resolve-route.js';
import { mirrorShadow } from './mirror-shadow.js';
import type { ModelRouter } from './resolve-route.js';

export interface PipelineOptions {
  router: ModelRouter;
  sink: TelemetrySink;
  prices: PriceCatalog;
  captureContent: boolean;
  /** Guardrail policies; without any, the guard stages are left out. */
  guardrails?: GuardrailPolicies;
}

export type Pipeline = (context: RequestContext) => Promise<void>;

export function createPipeline(options: PipelineOptions): Pipeline {
  const dispatch = dispatchRequest({ prices: options.prices });
  const guards =
    options.guardrails === undefined || options.guardrails.names().length === 0
      ? null
      : {
          policies: options.guardrails,
          router: options.router,
          complete: createTextCompleter(options.router),
        };
  return compose<RequestContext>([
    recordTrace({ sink: options.sink, prices: options.prices, captureContent: options.captureContent }),
    resolveRoute(options.router),
    mirrorShadow({ prices: options.prices, captureContent: options.captureContent }),
    ...(guards === null
      ? []
      : [
          guardInput(guards),
          guardOutput({ ...guards, redispatch: (context) => dispatch(context, () => Promise.resolve()) }),
        ]),
    dispatch,
  ]);
}

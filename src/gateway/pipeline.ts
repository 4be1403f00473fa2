/**
 * The data-plane pipeline, composed once at start-up. `ls src/gateway` reads as the request flow:
 * authenticate (who calls, what they may use) → record (sees every outcome of an authenticated
 * request) → resolve a prompt reference → admit (rate limits, budgets) → resolve the route → guard
 * input → mirror to a shadow (when planned; after masking, so a shadow never sees what the primary
 * may not) → guard output (wraps what follows, so it can re-ask and check cached answers too) → look
 * up the response cache (when a policy caches) → dispatch to a deployment.
 */
import type { ResponseCache } from '../cache/response-cache.js';
import type { TelemetrySink } from '../telemetry/model.js';
import type { PriceCatalog } from '../usage/price-catalog.js';
import type { Limiter } from '../limits/limiter.js';
import { admitRequest } from './admit.js';
import { authenticate } from './authenticate.js';
import { lookupCache } from './cache-lookup.js';
import { compose } from './compose.js';
import type { RequestContext } from './context.js';
import { dispatchRequest } from './dispatch.js';
import type { GuardrailPolicies } from '../guardrails/policy/guardrail-policies.js';
import type { CompleteText } from '../guardrails/judge/llm-judge.js';
import { guardInput } from './guard-input.js';
import { guardOutput } from './guard-output.js';
import type { GuardrailSinks } from './guardrail-records.js';
import { recordTrace } from './record-trace.js';
import { reservationPrice, resolveRoute } from './resolve-route.js';
import { mirrorShadow } from './mirror-shadow.js';
import type { ModelRouter } from './resolve-route.js';
import type { PromptResolver } from '../prompts/prompt-resolver.js';
import { resolvePrompt } from './resolve-prompt.js';
import type { RecentRequests } from '../telemetry/recent-requests.js';

export interface PipelineOptions {
  router: ModelRouter;
  sink: TelemetrySink;
  prices: PriceCatalog;
  captureContent: boolean;
  /** Guardrail policies; without any, the guard stages are left out. */
  guardrails?: GuardrailPolicies;
  /** Where guardrail verdicts are counted and queued for review (default: nowhere). */
  guardrailSinks?: GuardrailSinks;
  /** Calls a model for the guardrails' LLM judge (src/gateway/complete-text.ts). */
  completeText: CompleteText;
  limiter: Limiter;
  /** Output tokens assumed for budget reservations when a request sets no max_tokens. */
  outputTokensEstimate: number;
  /** Null when no cache policy caches anything: the stage is left out. */
  cache: ResponseCache | null;
  /** Serves calls by prompt reference (`model: "prompt:name"`); without it they are unknown models. */
  prompts?: PromptResolver;
  /** Learns request id → trace id as each trace is recorded (scores posted by request id). */
  recentRequests?: RecentRequests;
}

export type Pipeline = (context: RequestContext) => Promise<void>;

const noGuardrailSinks: GuardrailSinks = { countVerdict: () => undefined, review: () => undefined };

export function createPipeline(options: PipelineOptions): Pipeline {
  const { router, prices } = options;
  const dispatch = dispatchRequest({ prices });
  const guards =
    options.guardrails === undefined || options.guardrails.names().length === 0
      ? null
      : {
          policies: options.guardrails,
          router,
          complete: options.completeText,
          sinks: options.guardrailSinks ?? noGuardrailSinks,
        };
  return compose<RequestContext>([
    authenticate(),
    recordTrace({
      sink: options.sink,
      prices,
      captureContent: options.captureContent,
      recentRequests: options.recentRequests,
    }),
    ...(options.prompts === undefined ? [] : [resolvePrompt(options.prompts)]),
    admitRequest({
      limiter: options.limiter,
      outputTokensEstimate: options.outputTokensEstimate,
      priceOf: (model) => reservationPrice(router, prices, model),
    }),
    resolveRoute(router),
    ...(guards === null ? [] : [guardInput(guards)]),
    mirrorShadow({ prices, captureContent: options.captureContent }),
    ...(guards === null
      ? []
      : [
          guardOutput({
            ...guards,
            redispatch: (context) => dispatch(context, () => Promise.resolve()),
            trace: { prices, captureContent: options.captureContent },
          }),
        ]),
    ...(options.cache === null ? [] : [lookupCache(options.cache)]),
    dispatch,
  ]);
}

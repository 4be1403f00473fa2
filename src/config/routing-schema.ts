/**
 * The routing parts of `gatehouse.yaml`: per-target limits, model strategies, fallbacks, retries,
 * timeouts, circuit breakers, complexity routing and traffic splits (docs/routing.md). Retry, timeout
 * and breaker settings exist twice: under `routing` with defaults, and under a model without
 * defaults, where a field that is set overrides the global one.
 */
import { z } from 'zod';

export const strategies = [
  'ordered',
  'weighted',
  'round-robin',
  'least-latency',
  'least-busy',
  'lowest-cost',
] as const;

type FieldSpec = readonly [schema: z.ZodType, fallback: unknown, description: string];

/** One object schema from field specs: with the defaults filled in, or with every field optional. */
function section(fields: Record<string, FieldSpec>, withDefaults: boolean): z.ZodType {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, [schema, fallback, description]] of Object.entries(fields)) {
    shape[key] = (
      withDefaults && fallback !== undefined ? schema.default(fallback) : schema.optional()
    ).describe(description);
  }
  return z.strictObject(shape);
}

/** The global section (`routing.retry`): every default filled in. */
function defaultsSection<Output extends object>(fields: Record<string, FieldSpec>) {
  return section(fields, true) as unknown as z.ZodType<Output, Partial<Output>>;
}

/** A per-model section: only what is set, to lay over the global one. */
function overrideSection<Output extends object>(fields: Record<string, FieldSpec>) {
  return section(fields, false) as unknown as z.ZodType<Partial<Output>, Partial<Output>>;
}

export interface RetryConfig {
  max_attempts: number;
  initial_delay_ms: number;
  max_delay_ms: number;
  multiplier: number;
  respect_retry_after: boolean;
  max_retry_after_ms: number;
}

export interface RouteTimeoutsConfig {
  first_token_ms?: number;
  total_ms?: number;
}

export interface BreakerConfig {
  enabled: boolean;
  window_ms: number;
  min_requests: number;
  error_rate: number;
  cooldown_ms: number;
}

export interface FallbackOnConfig {
  content_policy: boolean;
}

const retryFields = {
  max_attempts: [
    z.number().int().min(1).max(20),
    1,
    'Attempts per target, the first included (1 = no retry). A failure that stays retryable then falls over to the next target.',
  ],
  initial_delay_ms: [z.number().int().min(0), 250, 'Backoff ceiling before the first retry.'],
  max_delay_ms: [z.number().int().min(0), 8_000, 'Largest backoff ceiling.'],
  multiplier: [z.number().min(1), 2, 'Growth of the backoff ceiling per retry (exponential).'],
  respect_retry_after: [
    z.boolean(),
    true,
    'Wait at least the upstream `retry-after` / `retry-after-ms` before retrying the same target.',
  ],
  max_retry_after_ms: [
    z.number().int().min(0),
    30_000,
    'A `retry-after` longer than this is not waited for: the request moves on to the next target.',
  ],
} as const satisfies Record<string, FieldSpec>;

const timeoutFields = {
  first_token_ms: [
    z.number().int().positive(),
    undefined,
    'Per attempt: maximum wait for the first stream chunk (for a non-streamed call, for the answer). A slower target counts as timed out and the request retries or falls over.',
  ],
  total_ms: [
    z.number().int().positive(),
    undefined,
    'Per request: deadline for every attempt, backoff and fallback together, until the answer (a stream: its first chunk) is there. Past it the client gets 504.',
  ],
} as const satisfies Record<string, FieldSpec>;

const breakerFields = {
  enabled: [z.boolean(), true, 'Open a per-target circuit breaker on a high error rate.'],
  window_ms: [z.number().int().positive(), 60_000, 'Rolling window over which the error rate is measured.'],
  min_requests: [
    z.number().int().min(1),
    20,
    'Attempts a target needs in the window before its error rate can open the breaker.',
  ],
  error_rate: [
    z.number().gt(0).max(1),
    0.5,
    'Share of failed attempts (429, 5xx, timeouts, connection errors) that opens the breaker.',
  ],
  cooldown_ms: [
    z.number().int().positive(),
    30_000,
    'How long an open breaker sends no traffic before one half-open probe request.',
  ],
} as const satisfies Record<string, FieldSpec>;

const fallbackOnFields = {
  content_policy: [
    z.boolean(),
    false,
    'Also fall back when the upstream refuses on content policy (`content_filter` finish or `content_policy_violation` error).',
  ],
} as const satisfies Record<string, FieldSpec>;

export const retrySchema = defaultsSection<RetryConfig>(retryFields).describe('Retries of the same target.');
export const retryOverrideSchema = overrideSection<RetryConfig>(retryFields).describe(
  'Overrides `routing.retry` for this model.',
);
export const routeTimeoutsSchema = defaultsSection<RouteTimeoutsConfig>(timeoutFields).describe(
  'Routing timeouts (connect: `providers[].timeouts.connect_ms`).',
);
export const routeTimeoutsOverrideSchema = overrideSection<RouteTimeoutsConfig>(timeoutFields).describe(
  'Overrides `routing.timeouts` for this model.',
);
export const breakerSchema = defaultsSection<BreakerConfig>(breakerFields).describe(
  'Circuit breakers, one per target.',
);
export const breakerOverrideSchema = overrideSection<BreakerConfig>(breakerFields).describe(
  'Overrides `routing.breaker` for this model’s targets.',
);
export const fallbackOnSchema = defaultsSection<FallbackOnConfig>(fallbackOnFields).describe(
  'Failures that fall back besides the retryable ones (429, 5xx, timeouts, connection errors) and context-window overflow.',
);
export const fallbackOnOverrideSchema = overrideSection<FallbackOnConfig>(fallbackOnFields).describe(
  'Overrides `routing.fallback_on` for this model.',
);

export const targetRoutingFields = {
  weight: z
    .number()
    .min(0)
    .default(1)
    .describe('Share of traffic under the `weighted` strategy (relative; 0 = only as a fallback).'),
  rpm: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('Requests per minute this upstream account allows; a target at its limit is skipped.'),
  tpm: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('Tokens per minute this upstream account allows; a target at its limit is skipped.'),
  context_window: z
    .number()
    .int()
    .positive()
    .optional()
    .describe(
      'Context window in tokens. A request whose estimated prompt plus `max_tokens` does not fit skips this target.',
    ),
  pinned: z
    .boolean()
    .optional()
    .describe(
      'Whether `model` names an exact version. Unset: guessed from the name (a date or version suffix is pinned); floating aliases are flagged in GET /api/routing/health.',
    ),
};

const complexitySchema = z
  .strictObject({
    small: z.string().describe('Model name that serves simple requests.'),
    large: z.string().describe('Model name that serves complex requests.'),
    threshold: z
      .number()
      .positive()
      .default(2)
      .describe('A request whose score reaches this goes to `large`.'),
    long_prompt_tokens: z
      .number()
      .int()
      .positive()
      .default(1_500)
      .describe('Prompt length (estimated tokens) that counts as long.'),
    deep_conversation_messages: z
      .number()
      .int()
      .positive()
      .default(8)
      .describe('Number of messages that counts as a deep conversation.'),
    weights: z
      .strictObject({
        long_prompt: z.number().min(0).default(2).describe('Score of a long prompt.'),
        code: z.number().min(0).default(1.5).describe('Score of code in the last user message.'),
        reasoning: z
          .number()
          .min(0)
          .default(1.5)
          .describe('Score of multi-step reasoning cues (step by step, prove, compare, plan…).'),
        json_schema: z
          .number()
          .min(0)
          .default(1)
          .describe('Score of a requested JSON schema (`response_format.json_schema`).'),
        tools: z.number().min(0).default(1).describe('Score of tool definitions.'),
        deep_conversation: z.number().min(0).default(1).describe('Score of a deep conversation.'),
      })
      .prefault({})
      .describe('Score of each signal; the sum is compared with `threshold`.'),
  })
  .describe('Send each request to a small or a large model by a transparent heuristic.');

const splitVariantSchema = z
  .strictObject({
    model: z.string().describe('Model name of this variant.'),
    weight: z.number().min(0).describe('Relative share of users.'),
  })
  .describe('One arm of an A/B split.');

const canarySchema = z
  .strictObject({
    baseline: z.string().describe('Model name serving the rest of the traffic.'),
    candidate: z.string().describe('Model name under test.'),
    stages: z
      .array(z.number().gt(0).max(100))
      .min(1)
      .describe('Percentages of traffic the candidate gets, stage after stage (`[5, 25, 50, 100]`).'),
    stage_duration_ms: z
      .number()
      .int()
      .positive()
      .default(600_000)
      .describe('Time a stage lasts before the next, if the candidate stayed healthy.'),
    min_requests: z
      .number()
      .int()
      .min(1)
      .default(20)
      .describe('Requests each arm needs in the window before they are compared.'),
    window_ms: z
      .number()
      .int()
      .positive()
      .default(300_000)
      .describe('Rolling window of the compared error rates and latencies.'),
    max_error_rate_increase: z
      .number()
      .min(0)
      .max(1)
      .default(0.05)
      .describe(
        'Roll back when the candidate error rate exceeds the baseline by more than this (0.05 = 5 pp).',
      ),
    max_p95_increase: z
      .number()
      .min(0)
      .default(0.5)
      .describe('Roll back when the candidate p95 latency exceeds the baseline by more than this share.'),
  })
  .describe('Canary release: staged traffic share with automatic rollback.');

const shadowSchema = z
  .strictObject({
    model: z.string().describe('Model name that receives the mirrored requests.'),
    share: z.number().gt(0).max(1).describe('Share of requests mirrored (0.1 = every tenth).'),
    timeout_ms: z
      .number()
      .int()
      .positive()
      .default(60_000)
      .describe('A shadow call still running after this is cancelled.'),
  })
  .describe(
    'Shadow traffic: a copy of a share of requests goes to another model off the response path; its answer is recorded in the same trace and never returned.',
  );

export const modelRoutingFields = {
  strategy: z
    .enum(strategies)
    .default('ordered')
    .describe(
      'How a target is chosen: `ordered` (first available), `weighted`, `round-robin`, `least-latency`, `least-busy`, `lowest-cost`. The other targets follow as fallbacks.',
    ),
  fallbacks: z
    .array(z.string())
    .optional()
    .describe(
      'Model names tried in order when every target of this model failed (then `routing.fallbacks`).',
    ),
  retry: retryOverrideSchema.optional(),
  timeouts: routeTimeoutsOverrideSchema.optional(),
  breaker: breakerOverrideSchema.optional(),
  fallback_on: fallbackOnOverrideSchema.optional(),
  complexity: complexitySchema.optional(),
  split: z
    .array(splitVariantSchema)
    .min(1)
    .optional()
    .describe('A/B split between models, sticky per `user` (hash of the user id).'),
  canary: canarySchema.optional(),
  shadow: shadowSchema.optional(),
};

export const routingSchema = z
  .strictObject({
    fallbacks: z
      .array(z.string())
      .default([])
      .describe('Model names every model falls back to last (global default chain).'),
    retry: retrySchema.prefault({}),
    timeouts: routeTimeoutsSchema.prefault({}),
    breaker: breakerSchema.prefault({}),
    fallback_on: fallbackOnSchema.prefault({}),
  })
  .describe('Defaults of routing and resilience (docs/routing.md).');

export type ComplexityConfig = z.infer<typeof complexitySchema>;
export type CanaryConfig = z.infer<typeof canarySchema>;
export type ShadowConfig = z.infer<typeof shadowSchema>;
export type RoutingConfig = z.infer<typeof routingSchema>;
export type Strategy = (typeof strategies)[number];

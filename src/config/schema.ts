/**
 * The schema of `gatehouse.yaml`: one zod schema, a description on every field, unknown keys rejected.
 * The types the rest of the code reads are inferred from it.
 */
import { z } from 'zod';

const providerTypes = ['openai', 'anthropic', 'gemini', 'azure', 'mock'] as const;

const timeoutsSchema = z
  .strictObject({
    connect_ms: z
      .number()
      .int()
      .positive()
      .default(10_000)
      .describe('Maximum time to open a TCP/TLS connection.'),
    first_byte_ms: z
      .number()
      .int()
      .positive()
      .default(600_000)
      .describe(
        'Maximum wait for the upstream response headers (for streams, roughly the time to first token).',
      ),
    idle_ms: z
      .number()
      .int()
      .positive()
      .default(300_000)
      .describe('Maximum silence between two chunks of an upstream body before the call counts as stalled.'),
  })
  .describe('Upstream timeouts for this provider.');

export const providerSchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" or "-"')
      .describe('Name of this provider, referenced by model targets (`openai-main`).'),
    type: z
      .enum(providerTypes)
      .describe(
        'Wire protocol: `openai` (also every OpenAI-compatible server: vLLM, Ollama, Groq, Together, LM Studio…), `anthropic`, `gemini`, `azure` (Azure OpenAI deployments), or `mock` (built-in fake model for demos and tests; never a real answer).',
      ),
    base_url: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe(
        'Base URL of the API, including any path prefix. Defaults: openai https://api.openai.com/v1, anthropic https://api.anthropic.com, gemini https://generativelanguage.googleapis.com; required for azure (https://NAME.openai.azure.com).',
      ),
    api_key: z
      .string()
      .optional()
      .describe('Credential sent upstream; use `${ENV_VAR}` interpolation, never a literal.'),
    api_version: z
      .string()
      .optional()
      .describe(
        'API version: Azure `api-version` query parameter (default 2024-10-21); Anthropic `anthropic-version` header (default 2023-06-01).',
      ),
    headers: z
      .record(z.string(), z.string())
      .optional()
      .describe('Extra headers sent on every upstream request.'),
    connections: z
      .number()
      .int()
      .positive()
      .default(256)
      .describe('Maximum concurrent connections to this provider; each open stream holds one.'),
    timeouts: timeoutsSchema.prefault({}),
    mock: z
      .strictObject({
        latency_ms: z
          .number()
          .int()
          .min(0)
          .default(0)
          .describe('Delay before the mock answers (and before its first chunk).'),
        tokens_per_second: z
          .number()
          .positive()
          .optional()
          .describe('Pace of streamed mock tokens; unset sends them as fast as possible.'),
        script: z
          .array(
            z.strictObject({
              match: z
                .string()
                .refine(isRegExp, 'not a valid regular expression')
                .describe('Regular expression tested against the last user message.'),
              reply: z
                .string()
                .describe(
                  'Reply text; `$1`…`$9` insert captured groups, `$j1`…`$j9` insert them JSON-escaped.',
                ),
            }),
          )
          .default([])
          .describe(
            'Scripted replies (first matching rule wins; an `x-mock-reply` header still overrides): a fake assistant or judge for demos and tests.',
          ),
      })
      .prefault({})
      .describe('Behaviour of a `mock` provider.'),
  })
  .describe('An upstream model provider.');

export const targetSchema = z
  .strictObject({
    provider: z.string().describe('Id of a configured provider.'),
    model: z.string().min(1).describe('Model name at that provider (for azure: the deployment name).'),
  })
  .describe('One deployment behind a model name.');

export const modelSchema = z
  .strictObject({
    name: z
      .string()
      .min(1)
      .describe(
        'What clients send as `model`. A name ending in `*` (`openai/*`) matches any suffix, which replaces `*` in the target model.',
      ),
    description: z.string().optional().describe('Shown in `GET /v1/models` listings and the UI.'),
    targets: z.array(targetSchema).min(1).describe('Deployments serving this model, in order of preference.'),
  })
  .describe('A client-facing model name and the deployments behind it.');

const priceSchema = z
  .strictObject({
    input: z.number().min(0).describe('USD per million input tokens.'),
    output: z.number().min(0).describe('USD per million output tokens.'),
    cached_input: z
      .number()
      .min(0)
      .optional()
      .describe('USD per million cached input tokens (defaults to `input`).'),
  })
  .describe('Prices of one model.');

const configShape = z.strictObject({
  server: z
    .strictObject({
      host: z
        .string()
        .default('127.0.0.1')
        .describe('Interface to bind; non-loopback requires GATEHOUSE_MASTER_KEY.'),
      port: z.number().int().min(0).max(65535).default(4000).describe('TCP port (env PORT overrides).'),
      body_limit_bytes: z
        .number()
        .int()
        .positive()
        .default(10 * 1024 * 1024)
        .describe('Largest accepted request body; larger ones get 413.'),
      shutdown_timeout_ms: z
        .number()
        .int()
        .positive()
        .default(30_000)
        .describe('On SIGTERM, how long in-flight requests (streams included) may take to finish.'),
    })
    .prefault({})
    .describe('HTTP server.'),
  auth: z
    .strictObject({
      master_key: z
        .string()
        .min(16, 'use at least 16 characters')
        .optional()
        .describe(
          'Bearer key for every route (env GATEHOUSE_MASTER_KEY overrides). Without it only loopback clients are served.',
        ),
    })
    .prefault({})
    .describe('Authentication.'),
  providers: z.array(providerSchema).default([]).describe('Upstream providers.'),
  models: z.array(modelSchema).default([]).describe('Model names clients may request.'),
  storage: z
    .strictObject({
      database_url: z
        .string()
        .optional()
        .describe(
          'postgres://… for PostgreSQL; otherwise a SQLite file path (default .gatehouse/gatehouse.db). Env DATABASE_URL overrides.',
        ),
      redis_url: z
        .string()
        .regex(/^rediss?:\/\//, 'use a redis:// or rediss:// URL')
        .optional()
        .describe(
          'redis://… shares rate limits, budgets, cache and circuit-breaker state across replicas; without it that state is in-process. Env REDIS_URL overrides.',
        ),
      redis_key_prefix: z
        .string()
        .default('gatehouse:')
        .describe('Prefix of every Redis key Gatehouse writes, so several deployments can share one Redis.'),
    })
    .prefault({})
    .describe('Where configuration and telemetry are stored.'),
  telemetry: z
    .strictObject({
      capture_content: z
        .boolean()
        .default(true)
        .describe('Store request messages and response text in traces (turn off for sensitive data).'),
      flush_interval_ms: z.number().int().positive().default(100).describe('Bulk writer flush period.'),
      batch_size: z.number().int().positive().default(1000).describe('Bulk writer: events per transaction.'),
      max_queue: z
        .number()
        .int()
        .positive()
        .default(100_000)
        .describe(
          'Events buffered while the store is slow or down; beyond this the oldest are dropped and counted.',
        ),
    })
    .prefault({})
    .describe('Trace recording.'),
  pricing: z
    .strictObject({
      enabled: z.boolean().default(true).describe('Compute the cost of each call from the price catalog.'),
      models: z
        .record(z.string(), priceSchema)
        .default({})
        .describe(
          'Prices that override or extend the shipped catalog, keyed by upstream model name (or provider/model).',
        ),
    })
    .prefault({})
    .describe('Cost computation.'),
  evals: z
    .strictObject({
      online: z
        .strictObject({
          enabled: z
            .boolean()
            .default(true)
            .describe('Run the online evaluators defined through `/api/online-evaluators` in this process.'),
          poll_interval_ms: z
            .number()
            .int()
            .positive()
            .default(10_000)
            .describe('How often each evaluator looks for new traces.'),
          settle_ms: z
            .number()
            .int()
            .min(0)
            .default(60_000)
            .describe(
              'Traces younger than this wait for a later poll, so requests written late are not skipped; requests longer than this may be.',
            ),
          max_traces_per_poll: z
            .number()
            .int()
            .positive()
            .default(200)
            .describe('Most traces one evaluator considers per poll.'),
        })
        .prefault({})
        .describe('Online evaluation of production traces.'),
    })
    .prefault({})
    .describe('Evaluation.'),
});

export const configSchema = configShape
  .superRefine(checkReferences)
  .describe('Gatehouse configuration (gatehouse.yaml).');

/** Cross-field rules zod cannot express field by field: unique names and targets that exist. */
function checkReferences(config: z.infer<typeof configShape>, context: z.RefinementCtx): void {
  const providerIds = new Set<string>();
  config.providers.forEach((provider, index) => {
    if (providerIds.has(provider.id)) {
      context.addIssue({
        code: 'custom',
        path: ['providers', index, 'id'],
        message: `duplicate provider id "${provider.id}"`,
      });
    }
    providerIds.add(provider.id);
    if (provider.type === 'azure' && provider.base_url === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['providers', index, 'base_url'],
        message: 'azure needs base_url (https://<resource>.openai.azure.com)',
      });
    }
  });
  const modelNames = new Set<string>();
  config.models.forEach((model, index) => {
    if (modelNames.has(model.name)) {
      context.addIssue({
        code: 'custom',
        path: ['models', index, 'name'],
        message: `duplicate model name "${model.name}"`,
      });
    }
    modelNames.add(model.name);
    model.targets.forEach((target, targetIndex) => {
      if (!providerIds.has(target.provider)) {
        context.addIssue({
          code: 'custom',
          path: ['models', index, 'targets', targetIndex, 'provider'],
          message: `unknown provider "${target.provider}" (configured: ${[...providerIds].join(', ') || 'none'})`,
        });
      }
    });
  });
}

function isRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

export type GatehouseConfig = z.infer<typeof configSchema>;
export type ProviderConfig = z.infer<typeof providerSchema>;
export type ModelConfig = z.infer<typeof modelSchema>;
export type TargetConfig = z.infer<typeof targetSchema>;
export type ModelPrice = z.infer<typeof priceSchema>;

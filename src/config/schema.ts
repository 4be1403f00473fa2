/**
 * The schema of `gatehouse.yaml`: one zod schema, a description on every field, unknown keys rejected.
 * The types the rest of the code reads are inferred from it.
 */
import { z } from 'zod';
import { modelRoutingFields, routingSchema, targetRoutingFields } from './routing-schema.js';
import { checkRouting } from './routing-checks.js';
import { guardrailsSchema } from './guardrails-schema.js';
import { alertRuleSchema } from './alert-rule.js';
import { driftMonitorSchema } from './drift-monitor.js';
import { otlpExportSchema } from './otlp-export-schema.js';

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
    ...targetRoutingFields,
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
    targets: z
      .array(targetSchema)
      .min(1)
      .optional()
      .describe(
        'Deployments serving this model, in order of preference. Required unless the model routes to other models (`complexity`, `split`, `canary`).',
      ),
    ...modelRoutingFields,
    guardrails: z.string().optional().describe('Name of the guardrail policy applied to this model.'),
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

const cachePolicySchema = z
  .strictObject({
    mode: z
      .enum(['off', 'exact', 'semantic'])
      .default('off')
      .describe(
        '`off`: never cached. `exact`: an identical request (same route, messages, tools and output-affecting parameters) is answered from the cache. `semantic`: exact first, then the nearest earlier request whose user turns mean the same (same system prompt, tools and parameters).',
      ),
    ttl_seconds: z
      .number()
      .int()
      .positive()
      .default(3600)
      .describe('How long a stored answer may be served.'),
    similarity_threshold: z
      .number()
      .min(0)
      .max(1)
      .default(0.89)
      .describe(
        'Semantic mode: lowest cosine similarity of the user turns that counts as the same question. The default 0.89, measured with the local embedder on the GPTCache paraphrase pairs, answers 86% of paraphrases with 1.4% false hits (docs/cache.md); recalibrate for another embedder with `npm run eval:cache`.',
      ),
    when: z
      .enum(['deterministic', 'always'])
      .default('deterministic')
      .describe(
        '`deterministic`: only requests with `temperature: 0` are cached (a sampled answer is not a fixed answer). `always`: every request.',
      ),
  })
  .describe('A cache policy.');

const cacheEmbedderSchema = z
  .discriminatedUnion('type', [
    z
      .strictObject({
        type: z
          .literal('local')
          .describe('Universal Sentence Encoder lite (512-d), offline, on a worker thread.'),
      })
      .describe('The built-in local embedder.'),
    z
      .strictObject({
        type: z.literal('provider').describe('An OpenAI-compatible `/v1/embeddings` endpoint.'),
        provider: z.string().describe('Id of a configured provider (OpenAI, Ollama, TEI, vLLM…).'),
        model: z.string().min(1).describe('Embedding model name at that provider.'),
      })
      .describe('Embeddings from a configured provider.'),
  ])
  .describe('What turns user turns into vectors for the semantic cache.');

const cacheSchema = z
  .strictObject({
    policy: cachePolicySchema.prefault({}).describe('The policy of every request no override names.'),
    policies: z
      .record(z.string(), cachePolicySchema)
      .default({})
      .describe('Named policies, chosen per model (`models`) or per key/tenant (their `cache_policy`).'),
    models: z
      .record(z.string(), z.string())
      .default({})
      .describe(
        'Per-model override: model name (as configured in `models`) → name of a policy in `policies`.',
      ),
    memory_max_bytes: z
      .number()
      .int()
      .positive()
      .default(64 * 1024 * 1024)
      .describe(
        'Size bound of the in-process store (least recently used answers go first); unused when `storage.redis_url` is set, which shares the cache across replicas.',
      ),
    embedder: cacheEmbedderSchema.prefault({ type: 'local' }),
    semantic_partition_max_entries: z
      .number()
      .int()
      .positive()
      .default(10_000)
      .describe(
        'Most vectors kept per partition (tenant, project, route, system prompt, tools, parameters); the oldest go first.',
      ),
  })
  .prefault({})
  .describe('Response cache (docs/cache.md).');

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
  routing: routingSchema.prefault({}),
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
      redis_command_timeout_ms: z
        .number()
        .int()
        .positive()
        .default(500)
        .describe(
          'Longest a Redis command may take before it fails and the feature applies its outage policy (limits fail open or closed, the cache misses, a cache write is skipped). Raise it for a distant Redis.',
        ),
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
      stall_limit_ms: z
        .number()
        .int()
        .positive()
        .default(30_000)
        .describe(
          '`/ready` fails when telemetry events have waited this long without any write succeeding (or when the queue is full).',
        ),
      otlp_export: otlpExportSchema.optional(),
    })
    .prefault({})
    .describe('Trace recording.'),
  tenancy: z
    .strictObject({
      key_sync_interval_ms: z
        .number()
        .int()
        .positive()
        .default(30_000)
        .describe(
          'How often each replica reloads every key from the store, as a safety net behind Redis pub/sub invalidation (which applies revocations within milliseconds).',
        ),
    })
    .prefault({})
    .describe('Tenants, projects and virtual keys (see docs/tenancy.md).'),
  limits: z
    .strictObject({
      store: z
        .enum(['auto', 'memory', 'redis'])
        .default('auto')
        .describe(
          'Where rate-limit and budget counters live: `memory` (one process), `redis` (shared by replicas; needs storage.redis_url), or `auto` (redis when storage.redis_url is set).',
        ),
      failure_policy: z
        .enum(['fail_open', 'fail_closed'])
        .default('fail_open')
        .describe(
          'When the Redis store is unreachable: `fail_open` admits requests unlimited, `fail_closed` refuses them with 503. Either way the failure is logged, counted and shown in /ready.',
        ),
      output_tokens_estimate: z
        .number()
        .int()
        .min(0)
        .default(256)
        .describe(
          'Output tokens assumed when reserving budget for a request that sets no max_tokens; the reservation is reconciled with the real cost afterwards.',
        ),
      concurrency_lease_ms: z
        .number()
        .int()
        .positive()
        .default(600_000)
        .describe(
          'A concurrency slot (and a budget reservation) not released by then is freed, so a crashed replica cannot hold slots forever.',
        ),
      budget_webhook_url: z
        .url({ protocol: /^https?$/ })
        .optional()
        .describe(
          'POSTed a JSON event when spend crosses a soft budget threshold (also recorded in the audit log).',
        ),
    })
    .prefault({})
    .describe('Rate limits and budgets (see docs/tenancy.md).'),
  privacy: z
    .strictObject({
      redact_pii: z
        .boolean()
        .default(false)
        .describe(
          "Replace PII (the guardrails' detectors: e-mail, phone, card, IBAN, SSN, IP, … — docs/guardrails.md) in stored inputs and outputs with typed placeholders (`[EMAIL]`, `[PHONE]`…). Set `telemetry.capture_content: false` to store no content at all.",
        ),
      retention_days: z
        .number()
        .positive()
        .optional()
        .describe('Delete traces older than this many days (unset keeps them forever).'),
      project_retention_days: z
        .record(z.string(), z.number().positive())
        .default({})
        .describe('Retention per project id, overriding `retention_days` for that project.'),
      retention_interval_ms: z
        .number()
        .int()
        .positive()
        .default(3_600_000)
        .describe('How often the retention job runs.'),
    })
    .prefault({})
    .describe("What is kept of end users' data, and for how long."),
  alerts: z
    .strictObject({
      evaluation_interval_ms: z
        .number()
        .int()
        .positive()
        .default(60_000)
        .describe('How often alert rules are evaluated.'),
      webhooks: z
        .array(
          z
            .strictObject({
              id: z.string().min(1).describe('Name rules use to refer to this webhook.'),
              url: z.url({ protocol: /^https?$/ }).describe('Where notifications are POSTed.'),
              format: z
                .enum(['json', 'slack'])
                .default('json')
                .describe('`json`: the alert as a JSON object; `slack`: a Slack incoming-webhook message.'),
              headers: z.record(z.string(), z.string()).default({}).describe('Extra request headers (auth).'),
            })
            .describe('A webhook receiving alert notifications.'),
        )
        .default([])
        .describe('Notification targets.'),
      rules: z.array(alertRuleSchema).default([]).describe('Alert rules (more can be added with the API).'),
    })
    .prefault({})
    .describe('Alerts over the trace aggregates.'),
  drift: z
    .strictObject({
      sample_size: z
        .number()
        .int()
        .positive()
        .default(2_000)
        .describe('Traces read per group and window for the length signals (spread evenly over the window).'),
      content_sample_size: z
        .number()
        .int()
        .positive()
        .default(500)
        .describe(
          'Of those, traces whose stored input and output are read (language, refusals, tool calls).',
        ),
      embedding_sample_size: z
        .number()
        .int()
        .positive()
        .default(200)
        .describe(
          'Of those, inputs embedded for `input_embedding` (the local embedder does ~100 a second on 2 cores).',
        ),
      embedder: cacheEmbedderSchema
        .prefault({ type: 'local' })
        .describe('What embeds sampled inputs (loaded only once a report asks for `input_embedding`).'),
      monitors: z
        .array(driftMonitorSchema)
        .default([])
        .describe("Drift monitors, evaluated by the alert engine; names share the alert rules' namespace."),
    })
    .prefault({})
    .describe('Drift detection: a recent window of traffic compared with a reference window.'),
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
  guardrails: guardrailsSchema,
  cache: cacheSchema,
  prompts: z
    .strictObject({
      refresh_interval_ms: z
        .number()
        .int()
        .positive()
        .default(5000)
        .describe(
          "How old a prompt's labels may get in a gateway's memory before a background refresh; label moves made through this gateway apply at once, other replicas' after at most this long.",
        ),
      protected_labels: z
        .array(z.string())
        .default(['production'])
        .describe(
          'Labels a version may take only after passing its eval gate (when an eval gate is configured).',
        ),
    })
    .prefault({})
    .describe('The prompt registry (docs/prompts.md).'),
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
      runs: z
        .strictObject({
          max_concurrent: z
            .number()
            .int()
            .positive()
            .default(1)
            .describe(
              'Eval runs started through `POST /api/eval-runs` that execute at once in this process; later ones wait in one queue.',
            ),
        })
        .prefault({})
        .describe('Eval runs started through the API (docs/evals.md).'),
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
  checkCacheReferences(config, providerIds, context);
  checkAlertReferences(config, providerIds, context);
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
    if (model.guardrails !== undefined && !(model.guardrails in config.guardrails.policies)) {
      context.addIssue({
        code: 'custom',
        path: ['models', index, 'guardrails'],
        message: `unknown guardrail policy "${model.guardrails}"`,
      });
    }
    model.targets?.forEach((target, targetIndex) => {
      if (!providerIds.has(target.provider)) {
        context.addIssue({
          code: 'custom',
          path: ['models', index, 'targets', targetIndex, 'provider'],
          message: `unknown provider "${target.provider}" (configured: ${[...providerIds].join(', ') || 'none'})`,
        });
      }
    });
  });
  checkRouting(config, context);
}

function checkCacheReferences(
  config: z.infer<typeof configShape>,
  providerIds: ReadonlySet<string>,
  context: z.RefinementCtx,
): void {
  for (const [model, policy] of Object.entries(config.cache.models)) {
    if (config.cache.policies[policy] === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['cache', 'models', model],
        message: `unknown cache policy "${policy}" (defined: ${Object.keys(config.cache.policies).join(', ') || 'none'})`,
      });
    }
  }
  const embedder = config.cache.embedder;
  if (embedder.type === 'provider' && !providerIds.has(embedder.provider)) {
    context.addIssue({
      code: 'custom',
      path: ['cache', 'embedder', 'provider'],
      message: `unknown provider "${embedder.provider}"`,
    });
  }
}

/** Alert rules and drift monitors: unique names, webhooks that exist, a drift embedder's provider. */
function checkAlertReferences(
  config: z.infer<typeof configShape>,
  providerIds: ReadonlySet<string>,
  context: z.RefinementCtx,
): void {
  const names = new Set(config.alerts.rules.map((rule) => rule.name));
  const webhooks = new Set(config.alerts.webhooks.map((webhook) => webhook.id));
  const checkWebhooks = (ids: readonly string[], path: (string | number)[]): void => {
    ids.forEach((id, webhookIndex) => {
      if (!webhooks.has(id)) {
        context.addIssue({
          code: 'custom',
          path: [...path, 'webhooks', webhookIndex],
          message: `unknown webhook "${id}" (define it in alerts.webhooks)`,
        });
      }
    });
  };
  config.alerts.rules.forEach((rule, index) => checkWebhooks(rule.webhooks, ['alerts', 'rules', index]));
  config.drift.monitors.forEach((monitor, index) => {
    if (names.has(monitor.name)) {
      context.addIssue({
        code: 'custom',
        path: ['drift', 'monitors', index, 'name'],
        message: `duplicate alert name "${monitor.name}" (alert rules and drift monitors share names)`,
      });
    }
    names.add(monitor.name);
    checkWebhooks(monitor.webhooks, ['drift', 'monitors', index]);
  });
  const embedder = config.drift.embedder;
  if (embedder.type === 'provider' && !providerIds.has(embedder.provider)) {
    context.addIssue({
      code: 'custom',
      path: ['drift', 'embedder', 'provider'],
      message: `unknown provider "${embedder.provider}"`,
    });
  }
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
export type CacheConfig = z.infer<typeof cacheSchema>;
export type CachePolicyConfig = z.infer<typeof cachePolicySchema>;
export type CacheEmbedderConfig = z.infer<typeof cacheEmbedderSchema>;

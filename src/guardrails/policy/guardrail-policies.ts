/**
 * The configured policies, compiled once at start-up: every check built with its options, every
 * reference (cascade source, judge model, fallback model, policy names) verified, so a mistake is a
 * start-up error naming its config path rather than a surprise on some request.
 */
import { ConfigError } from '../../config/config-error.js';
import type { GuardrailPolicyConfig, GuardrailsConfig } from '../../config/guardrails-schema.js';
import type { ModelConfig } from '../../config/schema.js';
import type { InputCheck, OutputCheck } from './check.js';
import { createLocalEmbedder, type LocalEmbedder } from '../../embeddings/local-embedder.js';
import type { GuardAction } from '../types.js';
import { buildInputCheck, type InputCheckEnvironment } from './input-checks.js';
import { buildOutputCheck } from './output-checks.js';

export interface CompiledPolicy {
  name: string;
  input: InputCheck[];
  output: OutputCheck[];
  /** Whether a canary token goes into the system prompt (the policy has a canary check). */
  usesCanary: boolean;
  holdbackChars: number;
  /** The actions whose triggered verdicts go to the human review queue. */
  reviewActions: ReadonlySet<GuardAction>;
}

export interface GuardrailPolicies {
  get(name: string): CompiledPolicy | undefined;
  /** The policy of a configured model name, else the default policy. */
  forModel(modelName: string): CompiledPolicy | undefined;
  readonly defaultPolicy: CompiledPolicy | undefined;
  names(): string[];
  /** Stops the topic checks' embedder, if one was started. */
  close(): Promise<void>;
}

const reviewActions: Record<GuardrailPolicyConfig['review'], ReadonlySet<GuardAction>> = {
  none: new Set(),
  flagged: new Set(['flag']),
  flagged_and_blocked: new Set(['flag', 'block']),
};

function compilePolicy(
  name: string,
  config: GuardrailPolicyConfig,
  modelExists: (model: string) => boolean,
  environment: InputCheckEnvironment,
): CompiledPolicy {
  const input = config.input.map((check) => buildInputCheck(check, environment));
  const output = config.output.map(buildOutputCheck);
  for (const [stage, checks] of [
    ['input', input],
    ['output', output],
  ] as const) {
    const seen = new Set<string>();
    checks.forEach((check, index) => {
      const path = `guardrails.policies.${name}.${stage}.${index}`;
      if (seen.has(check.id))
        throw new ConfigError(`${path}.id: duplicate check id "${check.id}" (set distinct ids)`);
      if (check.when !== undefined && !seen.has(check.when.check)) {
        throw new ConfigError(
          `${path}.when.check: "${check.when.check}" is not an earlier check of this stage`,
        );
      }
      seen.add(check.id);
      const needsFallback =
        check.action === 'fallback' ||
        ('onFail' in check && check.onFail === 'fallback' && check.action === 'reask');
      if (needsFallback && check.fallbackModel === undefined) {
        throw new ConfigError(`${path}.fallback_model: required by action fallback`);
      }
      if (check.fallbackModel !== undefined && !modelExists(check.fallbackModel)) {
        throw new ConfigError(`${path}.fallback_model: unknown model "${check.fallbackModel}"`);
      }
    });
  }
  const judges = [...config.input, ...config.output].flatMap((check) =>
    check.type === 'llm_judge' ? [check.model] : [],
  );
  for (const model of judges) {
    if (!modelExists(model))
      throw new ConfigError(`guardrails.policies.${name}: the judge model "${model}" is not configured`);
  }
  return {
    name,
    input,
    output,
    usesCanary: output.some((check) => check.type === 'canary'),
    holdbackChars: config.stream_holdback_chars,
    reviewActions: reviewActions[config.review],
  };
}

export function compileGuardrailPolicies(
  config: GuardrailsConfig,
  models: readonly ModelConfig[],
  modelExists: (model: string) => boolean,
): GuardrailPolicies {
  // The local embedder (a worker thread) starts only for a topic check with an embedding tier.
  let embedder: LocalEmbedder | undefined;
  const environment: InputCheckEnvironment = {
    embedder: () => {
      if (embedder === undefined) {
        embedder = createLocalEmbedder();
        embedder.warm().catch(() => undefined);
      }
      return embedder;
    },
  };
  const compiled = new Map<string, CompiledPolicy>();
  for (const [name, policy] of Object.entries(config.policies))
    compiled.set(name, compilePolicy(name, policy, modelExists, environment));
  const usesEmbeddings = Object.values(config.policies).some((policy) =>
    policy.input.some(
      (check) => check.type === 'topic' && check.allow_topics.length + check.deny_topics.length > 0,
    ),
  );
  // Load the model at start-up, not on the first request.
  if (usesEmbeddings) environment.embedder();
  if (config.default_policy !== undefined && !compiled.has(config.default_policy)) {
    throw new ConfigError(`guardrails.default_policy: unknown policy "${config.default_policy}"`);
  }
  const defaultPolicy = config.default_policy === undefined ? undefined : compiled.get(config.default_policy);
  const byModel = new Map<string, CompiledPolicy>();
  for (const model of models) {
    const policy = model.guardrails === undefined ? undefined : compiled.get(model.guardrails);
    if (policy !== undefined) byModel.set(model.name, policy);
  }
  return {
    get: (name) => compiled.get(name),
    forModel: (modelName) => byModel.get(modelName) ?? defaultPolicy,
    defaultPolicy,
    names: () => [...compiled.keys()],
    close: async () => {
      await embedder?.close();
    },
  };
}

/**
 * The response cache: which policy applies to a request, exact then semantic lookup within the
 * request's partition, storing answers, purging, and the counters behind `GET /api/cache/stats`.
 * Lookups and stores never reject: a failing store or embedder is counted and reads as a miss, so
 * the cache can degrade the gateway's savings but never its answers.
 */
import type { CacheConfig, CachePolicyConfig } from '../config/schema.js';
import type { Embedder } from '../embeddings/spec.js';
import type { ChatCompletion, ChatCompletionRequest } from '../providers/canonical.js';
import type { PriceCatalog } from '../usage/price-catalog.js';
import type { AnswerStore, CachedAnswer, CacheScope, PurgeFilter } from './answer-store.js';
import { answerKey, scopePrefix } from './answer-store.js';
import { fingerprintRequest } from './request-fingerprint.js';
import type { SemanticIndex } from './semantic-index.js';

/** Tenant and project of requests that carry none (no tenancy configured, master key). */
export const defaultPartition = 'default';

export interface CacheRequest {
  request: ChatCompletionRequest;
  /** The resolved route's name. */
  route: string;
  tenantId: string | null;
  projectId: string | null;
  promptId: string | null;
  /** A policy named by the key or tenant, overriding the per-model and default policies. */
  policyName: string | null;
}

/** What the cache will do for one request, decided once before lookup. */
export interface CachePlan {
  policyName: string;
  policy: CachePolicyConfig;
  scope: CacheScope;
  key: string;
  /** The semantic partition and the text to embed; null for exact-only lookups. */
  semantic: { partition: string; text: string } | null;
}

export type LookupResult =
  | { kind: 'hit'; answer: CachedAnswer; similarity: null }
  | { kind: 'semantic-hit'; answer: CachedAnswer; similarity: number }
  | {
      kind: 'miss';
      /** The request's embedding, reused when its answer is stored. */
      vector: Float32Array | null;
      /** Why the cache could not answer, when it failed rather than missed. */
      error: string | null;
    };

export interface AnswerOrigin {
  provider: string;
  model: string;
  latencyMs: number;
}

export interface CacheStats {
  lookups: number;
  hits: number;
  semantic_hits: number;
  misses: number;
  /** (hits + semantic hits) ÷ lookups; null before the first lookup. */
  hit_rate: number | null;
  /** Lookups or stores that failed (store or embedder unreachable) and degraded to a miss. */
  errors: number;
  stored: number;
  /** What the answers served from the cache cost and took when first produced. */
  saved: { cost_usd: number; latency_ms: number };
  store: { kind: 'memory' | 'redis'; entries: number | null; bytes: number | null };
  semantic: { embedder: string | null; partitions: number; vectors: number };
}

export interface ResponseCache {
  /** The plan for a request, or null when its policy does not cache it. */
  plan(input: CacheRequest): CachePlan | null;
  lookup(
    plan: CachePlan,
    options: { maxAgeSeconds: number | null; signal: AbortSignal },
  ): Promise<LookupResult>;
  store(
    plan: CachePlan,
    completion: ChatCompletion,
    origin: AnswerOrigin,
    vector: Float32Array | null,
  ): Promise<void>;
  purge(filter: PurgeFilter): Promise<{ answers: number; vectors: number }>;
  stats(): CacheStats;
  close(): Promise<void>;
}

export interface ResponseCacheOptions {
  config: CacheConfig;
  store: AnswerStore;
  index: SemanticIndex;
  /** Required when any policy is semantic. */
  embedder: Embedder | null;
  prices: PriceCatalog;
  now?: () => number;
  /**
   * Told of every lookup's outcome (`/metrics`): a hit by the layer that answered, a miss or error by
   * the deepest layer tried (semantic when the plan embeds, else exact). A client that left is not told.
   */
  onLookup?: (kind: 'exact' | 'semantic', result: 'hit' | 'miss' | 'error') => void;
}

/** Whether any policy caches at all; when none does, the pipeline leaves the cache stage out. */
export function cachingConfigured(config: CacheConfig): boolean {
  return [config.policy, ...Object.values(config.policies)].some((policy) => policy.mode !== 'off');
}

export function semanticConfigured(config: CacheConfig): boolean {
  return [config.policy, ...Object.values(config.policies)].some((policy) => policy.mode === 'semantic');
}

export function createResponseCache(options: ResponseCacheOptions): ResponseCache {
  const { config, store, index, embedder, prices } = options;
  const now = options.now ?? Date.now;
  if (embedder === null && semanticConfigured(config)) {
    throw new Error('a semantic cache policy needs an embedder');
  }
  const counters = { lookups: 0, hits: 0, semanticHits: 0, misses: 0, errors: 0, stored: 0 };
  const onLookup = options.onLookup ?? (() => undefined);
  const saved = { cost: 0, latencyMs: 0 };

  /** The key's or tenant's policy, else the route's, else the default. */
  function choosePolicy(input: CacheRequest): { name: string; policy: CachePolicyConfig } {
    for (const name of [input.policyName, config.models[input.route]]) {
      const policy = name === null || name === undefined ? undefined : config.policies[name];
      if (policy !== undefined) return { name: name!, policy };
    }
    return { name: 'default', policy: config.policy };
  }

  function fresh(answer: CachedAnswer, maxAgeSeconds: number | null): boolean {
    return maxAgeSeconds === null || now() - answer.createdAt <= maxAgeSeconds * 1000;
  }

  function countHit(answer: CachedAnswer, lookupMs: number): void {
    saved.cost += answer.origin.cost ?? 0;
    saved.latencyMs += Math.max(0, answer.origin.latencyMs - lookupMs);
  }

  async function semanticLookup(
    plan: CachePlan,
    vector: Float32Array,
    maxAgeSeconds: number | null,
  ): Promise<{ answer: CachedAnswer; similarity: number } | undefined> {
    const partition = plan.semantic!.partition;
    for (const match of index.search(partition, vector, plan.policy.similarity_threshold)) {
      const answer = await store.get(match.key);
      if (answer === undefined) {
        // Expired, evicted or purged from the store: the vector points at nothing any more.
        index.remove(partition, match.key);
        continue;
      }
      if (fresh(answer, maxAgeSeconds)) return { answer, similarity: match.similarity };
    }
    return undefined;
  }

  return {
    plan(input) {
      const { name: policyName, policy } = choosePolicy(input);
      if (policy.mode === 'off') return null;
      if (policy.when === 'deterministic' && input.request.temperature !== 0) return null;
      const scope: CacheScope = {
        tenant: input.tenantId ?? defaultPartition,
        project: input.projectId ?? defaultPartition,
        route: input.route,
        prompt: input.promptId,
      };
      const fingerprint = fingerprintRequest(input.request, { semantic: policy.mode === 'semantic' });
      const semantic =
        policy.mode === 'semantic' && fingerprint.context !== null && fingerprint.userText !== null
          ? { partition: `${scopePrefix(scope)}:${fingerprint.context}`, text: fingerprint.userText }
          : null;
      return { policyName, policy, scope, key: answerKey(scope, fingerprint.exact), semantic };
    },

    async lookup(plan, { maxAgeSeconds, signal }) {
      const started = performance.now();
      counters.lookups++;
      try {
        const exact = await store.get(plan.key);
        if (exact !== undefined && fresh(exact, maxAgeSeconds)) {
          counters.hits++;
          onLookup('exact', 'hit');
          countHit(exact, performance.now() - started);
          return { kind: 'hit', answer: exact, similarity: null };
        }
        // Embedding only after an exact miss: on a 2-core machine a speculative embedding per exact
        // hit took the other core from the data plane (exact-hit p50 doubled under load).
        const vector =
          plan.semantic === null || embedder === null
            ? null
            : (await embedder.embed([plan.semantic.text], signal))[0]!;
        if (vector !== null) {
          const found = await semanticLookup(plan, vector, maxAgeSeconds);
          if (found !== undefined) {
            counters.semanticHits++;
            onLookup('semantic', 'hit');
            countHit(found.answer, performance.now() - started);
            return { kind: 'semantic-hit', ...found };
          }
        }
        counters.misses++;
        onLookup(vector === null ? 'exact' : 'semantic', 'miss');
        return { kind: 'miss', vector, error: null };
      } catch (error) {
        counters.misses++;
        // A client that left is not a cache failure.
        if (!signal.aborted) {
          counters.errors++;
          onLookup(plan.semantic === null ? 'exact' : 'semantic', 'error');
        }
        return { kind: 'miss', vector: null, error: error instanceof Error ? error.message : String(error) };
      }
    },

    async store(plan, completion, origin, vector) {
      const usage = completion.usage;
      const cost =
        usage === undefined
          ? null
          : prices.cost(origin.provider, origin.model, {
              inputTokens: usage.prompt_tokens,
              outputTokens: usage.completion_tokens,
              totalTokens: usage.total_tokens,
              cachedInputTokens: usage.prompt_tokens_details?.cached_tokens ?? null,
              estimated: false,
            });
      const ttlMs = plan.policy.ttl_seconds * 1000;
      const createdAt = now();
      try {
        await store.set(plan.key, { completion, createdAt, origin: { ...origin, cost } }, ttlMs);
        counters.stored++;
        if (plan.semantic !== null && embedder !== null) {
          const embedded = vector ?? (await embedder.embed([plan.semantic.text]))[0]!;
          index.add(plan.semantic.partition, embedded, plan.key, createdAt + ttlMs);
        }
      } catch {
        counters.errors++;
      }
    },

    async purge(filter) {
      const vectors = index.purge(filter);
      const answers = await store.purge(filter);
      return { answers, vectors };
    },

    stats() {
      const answered = counters.hits + counters.semanticHits;
      const semantic = index.usage();
      return {
        lookups: counters.lookups,
        hits: counters.hits,
        semantic_hits: counters.semanticHits,
        misses: counters.misses,
        hit_rate: counters.lookups === 0 ? null : answered / counters.lookups,
        errors: counters.errors,
        stored: counters.stored,
        saved: { cost_usd: saved.cost, latency_ms: saved.latencyMs },
        store: { kind: store.kind, ...store.usage() },
        semantic: { embedder: embedder?.id ?? null, ...semantic },
      };
    },

    close: () => embedder?.close() ?? Promise.resolve(),
  };
}

/**
 * Builds the response cache a config describes: answers in Redis when `storage.redis_url` is set
 * (shared by every replica), otherwise in process; the vector index in process; an embedder only when
 * some policy is semantic.
 */
import type { CacheConfig } from '../config/schema.js';
import { createEmbedder } from '../embeddings/create-embedder.js';
import type { ProviderAdapter } from '../providers/spec.js';
import type { RedisStore } from '../storage/redis.js';
import type { PriceCatalog } from '../usage/price-catalog.js';
import { createMemoryAnswerStore } from './memory-answer-store.js';
import { createRedisAnswerStore } from './redis-answer-store.js';
import {
  createResponseCache,
  semanticConfigured,
  type ResponseCache,
  type ResponseCacheOptions,
} from './response-cache.js';
import { createSemanticIndex } from './semantic-index.js';

export interface ResponseCacheDependencies {
  redis: RedisStore | null;
  adapters: ReadonlyMap<string, ProviderAdapter>;
  prices: PriceCatalog;
  /** Lookup outcomes for `/metrics` (see `ResponseCacheOptions.onLookup`). */
  onLookup?: ResponseCacheOptions['onLookup'];
}

export function createConfiguredResponseCache(
  config: CacheConfig,
  dependencies: ResponseCacheDependencies,
): ResponseCache {
  return createResponseCache({
    config,
    store:
      dependencies.redis === null
        ? createMemoryAnswerStore({ maxBytes: config.memory_max_bytes })
        : createRedisAnswerStore(dependencies.redis),
    index: createSemanticIndex({ maxEntriesPerPartition: config.semantic_partition_max_entries }),
    embedder: semanticConfigured(config) ? createEmbedder(config.embedder, dependencies.adapters) : null,
    prices: dependencies.prices,
    onLookup: dependencies.onLookup,
  });
}

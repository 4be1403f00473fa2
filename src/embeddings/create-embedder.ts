/** The embedder a config asks for: the local model, or a configured provider's embeddings endpoint. */
import type { CacheEmbedderConfig } from '../config/schema.js';
import type { ProviderAdapter } from '../providers/spec.js';
import { createLocalEmbedder } from './local-embedder.js';
import { createProviderEmbedder } from './provider-embedder.js';
import type { Embedder } from './spec.js';

export function createEmbedder(
  config: CacheEmbedderConfig,
  adapters: ReadonlyMap<string, ProviderAdapter>,
): Embedder {
  if (config.type === 'local') {
    const embedder = createLocalEmbedder();
    // Load the model now, not on the first request; a failure here resurfaces on each call.
    embedder.warm().catch(() => undefined);
    return embedder;
  }
  const adapter = adapters.get(config.provider);
  if (adapter === undefined) throw new Error(`embedder names unknown provider "${config.provider}"`);
  return createProviderEmbedder(adapter, config.model);
}

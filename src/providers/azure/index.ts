/**
 * Azure OpenAI: the OpenAI wire format with the deployment in the path, an `api-version` query and an
 * `api-key` header. The target's `model` is the deployment name.
 */
import type { ProviderConfig } from '../../config/schema.js';
import type { ProviderAdapter } from '../spec.js';
import { createOpenAICompatibleAdapter } from '../openai/index.js';
import { httpOptionsFromConfig } from '../shared/http-options.js';

const defaultApiVersion = '2024-10-21';

export function createAzureAdapter(config: ProviderConfig): ProviderAdapter {
  if (config.base_url === undefined) throw new Error(`providers.${config.id}.base_url is required for azure`);
  const deployment = (model: string): string => `/openai/deployments/${encodeURIComponent(model)}`;
  return createOpenAICompatibleAdapter({
    id: config.id,
    type: 'azure',
    http: httpOptionsFromConfig(config, {
      baseUrl: config.base_url,
      headers: config.api_key === undefined ? {} : { 'api-key': config.api_key },
      query: { 'api-version': config.api_version ?? defaultApiVersion },
    }),
    chatPath: (model) => `${deployment(model)}/chat/completions`,
    embeddingsPath: (model) => `${deployment(model)}/embeddings`,
  });
}

/**
 * Builds the adapters for the configured providers. The only place that knows provider types by name:
 * core code receives `ProviderAdapter`s and never branches on a provider.
 */
import type { ProviderConfig } from '../config/schema.js';
import type { ProviderAdapter } from './spec.js';
import { createOpenAIAdapter } from './openai/index.js';
import { createAzureAdapter } from './azure/index.js';
import { createAnthropicAdapter } from './anthropic/index.js';
import { createGeminiAdapter } from './gemini/index.js';
import { createMockAdapter } from './mock/index.js';

const factories: Record<ProviderConfig['type'], (config: ProviderConfig) => ProviderAdapter> = {
  openai: createOpenAIAdapter,
  azure: createAzureAdapter,
  anthropic: createAnthropicAdapter,
  gemini: createGeminiAdapter,
  mock: createMockAdapter,
};

export function createProviderAdapters(configs: readonly ProviderConfig[]): Map<string, ProviderAdapter> {
  return new Map(configs.map((config) => [config.id, factories[config.type](config)]));
}

/**
 * Token usage between the two formats. Anthropic counts cache reads and cache writes apart from
 * `input_tokens`; OpenAI's `prompt_tokens` includes cached tokens and reports the cached share in
 * `prompt_tokens_details.cached_tokens`. Converting one way and back keeps every total; only cache
 * writes, which OpenAI does not report, fold into plain input tokens.
 */
import type { Usage } from '../canonical.js';
import type { AnthropicStreamUsage } from './api.js';

/** A type alias, not an interface, so it fits the loose (index-signature) usage schemas. */
export type AnthropicUsageCounts = {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
};

export function toOpenAIUsage(usage: AnthropicStreamUsage): Usage {
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const promptTokens = (usage.input_tokens ?? 0) + cacheRead + (usage.cache_creation_input_tokens ?? 0);
  const completionTokens = usage.output_tokens ?? 0;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: cacheRead },
  };
}

export function toAnthropicUsage(usage: Usage | null | undefined): AnthropicUsageCounts {
  const cached = usage?.prompt_tokens_details?.cached_tokens ?? 0;
  return {
    input_tokens: Math.max(0, (usage?.prompt_tokens ?? 0) - cached),
    output_tokens: usage?.completion_tokens ?? 0,
    // OpenAI reports no cache writes: its caching is automatic and free.
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: cached,
  };
}

/**
 * Gemini `usageMetadata` to OpenAI `usage`.
 *
 * Prompt tokens include `toolUsePromptTokenCount` (search or code-execution results Google fed back
 * into the prompt) and completion tokens include `thoughtsTokenCount`, because Google bills both at
 * those rates and `totalTokenCount` counts them: with both added, prompt + completion = total.
 * `promptTokenCount` already includes `cachedContentTokenCount`, as OpenAI's `cached_tokens` does.
 */
import type { Usage } from '../canonical.js';
import type { GeminiUsageMetadata } from './api.js';

/**
 * @example
 * convertGeminiUsage({ promptTokenCount: 9, candidatesTokenCount: 28, thoughtsTokenCount: 244, totalTokenCount: 281 })
 * // → { prompt_tokens: 9, completion_tokens: 272, total_tokens: 281, completion_tokens_details: { reasoning_tokens: 244 } }
 */
export function convertGeminiUsage(metadata: GeminiUsageMetadata): Usage {
  const promptTokens = (metadata.promptTokenCount ?? 0) + (metadata.toolUsePromptTokenCount ?? 0);
  const completionTokens = (metadata.candidatesTokenCount ?? 0) + (metadata.thoughtsTokenCount ?? 0);
  const usage: Usage = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: metadata.totalTokenCount ?? promptTokens + completionTokens,
  };
  if (typeof metadata.cachedContentTokenCount === 'number') {
    usage.prompt_tokens_details = { cached_tokens: metadata.cachedContentTokenCount };
  }
  if (typeof metadata.thoughtsTokenCount === 'number') {
    usage.completion_tokens_details = { reasoning_tokens: metadata.thoughtsTokenCount };
  }
  return usage;
}

/**
 * Anthropic-only information carried through the canonical (OpenAI) objects, so that a client speaking
 * Anthropic to the gateway and routed to an Anthropic upstream loses nothing: prompt-cache breakpoints,
 * extended-thinking blocks (Anthropic rejects a tool-use turn whose thinking block is missing), error
 * flags on tool results, and the `top_k` / `thinking` parameters. Responses from Anthropic carry the
 * thinking back the same way (`thinking_blocks`, plus its text as `reasoning_content`).
 *
 * The names follow LiteLLM's OpenAI-format extensions (`cache_control` on content parts,
 * `thinking_blocks` on assistant messages) so they are familiar. They are written only when present.
 * OpenAI itself does not know them and strict servers answer 400 to an unknown field: the OpenAI
 * adapter removes them (`providers/shared/foreign-fields.ts`).
 */
import type { ChatMessage, ContentPart } from '../canonical.js';
import { cacheControlSchema, thinkingBlocksSchema } from './api.js';
import type { AnthropicCacheControl, AnthropicThinkingBlock } from './api.js';

/** A content part carrying a cache breakpoint; `OtherContentPart` admits the extra key. */
export function withCacheControl<Part extends ContentPart>(
  part: Part,
  cacheControl: AnthropicCacheControl | null | undefined,
): ContentPart {
  return cacheControl ? { ...part, cache_control: cacheControl } : part;
}

/** The cache breakpoint of a part or message, if it carries a valid one. */
export function readCacheControl(holder: ContentPart | ChatMessage): AnthropicCacheControl | undefined {
  if (!('cache_control' in holder)) return undefined;
  const parsed = cacheControlSchema.safeParse(holder.cache_control);
  return parsed.success ? parsed.data : undefined;
}

/** The thinking blocks of an assistant message; undefined when it has none or they are malformed. */
export function readThinkingBlocks(message: ChatMessage): AnthropicThinkingBlock[] | undefined {
  if (message.thinking_blocks === undefined) return undefined;
  const parsed = thinkingBlocksSchema.safeParse(message.thinking_blocks);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Fields other providers' clients put on canonical objects (Anthropic's prompt-cache breakpoints,
 * thinking blocks and tool-error flags, carried LiteLLM-style so `/v1/messages` → Anthropic loses
 * nothing) that an OpenAI-compatible upstream does not know. Strict servers answer 400 to an unknown
 * field, so the OpenAI adapter removes them; everything else the client sent still passes through.
 */
import type { ChatCompletionRequest, ChatMessage, ContentPart } from '../canonical.js';

export const foreignFields = {
  /** Request level: Anthropic's extended-thinking switch. (`top_k` stays: vLLM and others honour it.) */
  request: ['thinking'],
  /** Anthropic thinking blocks, tool-error flags and cache breakpoints; reasoning text from responses. */
  message: ['thinking_blocks', 'is_error', 'cache_control', 'reasoning_content'],
  /** Anthropic cache breakpoints on text, image and file parts. */
  contentPart: ['cache_control'],
} as const;

/** The request without foreign fields; the same object when it had none (the common case costs a scan). */
export function withoutForeignFields(request: ChatCompletionRequest): ChatCompletionRequest {
  if (!hasForeignFields(request)) return request;
  const copy: ChatCompletionRequest = { ...request, messages: request.messages.map(cleanMessage) };
  for (const field of foreignFields.request) delete copy[field];
  return copy;
}

function hasForeignFields(request: ChatCompletionRequest): boolean {
  if (foreignFields.request.some((field) => field in request)) return true;
  return request.messages.some(
    (message) =>
      foreignFields.message.some((field) => field in message) ||
      (Array.isArray(message.content) &&
        message.content.some((part) => foreignFields.contentPart.some((field) => field in part))),
  );
}

function cleanMessage(message: ChatMessage): ChatMessage {
  const copy: ChatMessage = { ...message };
  for (const field of foreignFields.message) delete copy[field];
  if (Array.isArray(copy.content)) copy.content = copy.content.map(cleanPart);
  return copy;
}

function cleanPart(part: ContentPart): ContentPart {
  if (!foreignFields.contentPart.some((field) => field in part)) return part;
  const copy: Record<string, unknown> = { ...part };
  for (const field of foreignFields.contentPart) delete copy[field];
  return copy as unknown as ContentPart;
}

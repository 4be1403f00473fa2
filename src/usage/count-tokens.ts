/**
 * Token counts for when a provider reports no usage (and, later, for admission before a call).
 * o200k_base (GPT-4o and later) via gpt-tokenizer; for other vendors' models it is an estimate, and
 * traces mark it so. Message overhead follows OpenAI's published accounting (3 tokens per message,
 * 1 per name, 3 to prime the reply).
 */
import { tokenizer } from './tokenizer.js';
import type { ChatCompletionRequest, ChatMessage, EmbeddingsRequest } from '../providers/canonical.js';

const tokensPerMessage = 3;
const tokensPerName = 1;
const replyPriming = 3;

export function countTextTokens(text: string): number {
  return text === '' ? 0 : tokenizer().countTokens(text);
}

export function countMessageTokens(messages: readonly ChatMessage[]): number {
  let total = replyPriming;
  for (const message of messages) {
    total += tokensPerMessage + countTextTokens(messageText(message));
    if (typeof message.name === 'string') total += tokensPerName;
    if (message.tool_calls !== undefined) total += countTextTokens(JSON.stringify(message.tool_calls));
  }
  return total;
}

/** Input tokens of a chat request: messages plus tool definitions. */
export function countRequestTokens(request: ChatCompletionRequest): number {
  const tools = request.tools === undefined ? 0 : countTextTokens(JSON.stringify(request.tools));
  return countMessageTokens(request.messages) + tools;
}

export function countEmbeddingInputTokens(request: EmbeddingsRequest): number {
  const inputs = Array.isArray(request.input) ? request.input : [request.input];
  let total = 0;
  for (const input of inputs) {
    if (typeof input === 'string') total += countTextTokens(input);
    else if (Array.isArray(input)) total += input.length;
    else total += 1;
  }
  return total;
}

/** The text of a message's content, parts joined; non-text parts contribute nothing. */
export function messageText(message: ChatMessage): string {
  const content = message.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) if (part.type === 'text' && typeof part.text === 'string') text += part.text;
  return text;
}

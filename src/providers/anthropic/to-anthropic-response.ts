/**
 * Inbound: the canonical chat completion → the Anthropic message a `/v1/messages` client expects.
 * Text becomes one text block, tool calls become `tool_use` blocks, thinking blocks that came from an
 * Anthropic upstream are put back first, and finish reason and usage are mapped back.
 */
import { randomUUID } from 'node:crypto';
import type { ChatCompletion, ChatMessage } from '../canonical.js';
import type { AnthropicContentBlock, AnthropicMessage } from './api.js';
import { toAnthropicUsage } from './convert-usage.js';
import { readThinkingBlocks } from './extensions.js';
import { toStopReason } from './map-stop-reason.js';

/**
 * @example
 * toAnthropicMessage(completion, 'claude-sonnet-4-5');
 * // { id: 'msg_chatcmpl-…', type: 'message', role: 'assistant', content: [{ type: 'text', text: 'Hi!' }],
 * //   model: 'claude-sonnet-4-5', stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 9, … } }
 */
export function toAnthropicMessage(completion: ChatCompletion, model: string): AnthropicMessage {
  const choice = completion.choices[0];
  return {
    id: toMessageId(completion.id),
    type: 'message',
    role: 'assistant',
    content: choice ? toContentBlocks(choice.message) : [],
    model,
    stop_reason: toStopReason(choice?.finish_reason),
    // OpenAI does not say which stop sequence matched.
    stop_sequence: null,
    usage: toAnthropicUsage(completion.usage),
  };
}

/** Anthropic message ids start with `msg_`; the upstream id is kept behind it so traces still match. */
export function toMessageId(id: string | undefined): string {
  if (id === undefined || id === '') return `msg_${randomUUID().replaceAll('-', '')}`;
  return id.startsWith('msg_') ? id : `msg_${id}`;
}

/** Tool call arguments as the object Anthropic clients expect; `{}` when the model wrote broken JSON. */
export function toToolInput(argumentsText: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(argumentsText);
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // Falls through: the client's tool then rejects `{}` and the model can retry, as with any bad input.
  }
  return {};
}

function toContentBlocks(message: ChatMessage): AnthropicContentBlock[] {
  const blocks: AnthropicContentBlock[] = [...(readThinkingBlocks(message) ?? [])];
  const text = textOf(message);
  if (text !== '') blocks.push({ type: 'text', text });
  for (const call of message.tool_calls ?? []) {
    blocks.push({
      type: 'tool_use',
      id: call.id,
      name: call.function.name,
      input: toToolInput(call.function.arguments),
    });
  }
  return blocks;
}

/** The message's text, with an OpenAI `refusal` kept as text: it is what the model said. */
function textOf(message: ChatMessage): string {
  const content = message.content;
  const texts =
    typeof content === 'string'
      ? [content]
      : (content ?? []).map((part) => {
          const value =
            part.type === 'refusal' && 'refusal' in part ? part.refusal : 'text' in part ? part.text : '';
          return typeof value === 'string' ? value : '';
        });
  if (typeof message.refusal === 'string') texts.push(message.refusal);
  return texts.join('');
}

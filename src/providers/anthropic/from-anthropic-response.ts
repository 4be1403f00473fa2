/**
 * Anthropic message → OpenAI chat completion: text blocks joined into `content`, `tool_use` blocks as
 * `tool_calls`, stop reason and usage mapped. Thinking has no OpenAI field: its text is exposed as
 * `reasoning_content` (the de-facto extension of DeepSeek and vLLM) and the signed blocks are kept as
 * `thinking_blocks`, so a client can send them back on the next turn. When the request's JSON mode was
 * sent as a forced tool (`json-mode.ts`), that tool's call is the answer: its input is the content.
 */
import type { ChatCompletion, ChatCompletionChoice, ToolCall } from '../canonical.js';
import type { AnthropicMessage, AnthropicThinkingBlock } from './api.js';
import { toOpenAIUsage } from './convert-usage.js';
import { jsonResponseText, jsonResponseToolName, toJsonAnswerFinishReason } from './json-mode.js';
import type { JsonResponseTool } from './json-mode.js';
import { toFinishReason } from './map-stop-reason.js';

export interface FromAnthropicResponseOptions {
  /** What `toAnthropicRequest` returned as `jsonResponse`: the request forced the JSON tool. */
  jsonResponse?: JsonResponseTool;
}

export function fromAnthropicResponse(
  message: AnthropicMessage,
  options: FromAnthropicResponseOptions = {},
): ChatCompletion {
  const texts: string[] = [];
  const toolCalls: ToolCall[] = [];
  const thinking: AnthropicThinkingBlock[] = [];
  let answeredWithJson = false;
  for (const block of message.content) {
    if (block.type === 'text') texts.push(block.text);
    else if (block.type === 'tool_use' && options.jsonResponse && block.name === jsonResponseToolName) {
      // A forced tool gets no text before it (Anthropic prefills the call), so this is the whole content.
      texts.push(jsonResponseText(block.input, options.jsonResponse));
      answeredWithJson = true;
    } else if (block.type === 'tool_use') {
      toolCalls.push({
        id: block.id,
        type: 'function',
        function: { name: block.name, arguments: JSON.stringify(block.input) },
      });
    } else thinking.push(block);
  }
  const reasoning = thinking.flatMap((block) => (block.type === 'thinking' ? [block.thinking] : [])).join('');
  const choice: ChatCompletionChoice = {
    index: 0,
    message: {
      role: 'assistant',
      // Text blocks are consecutive pieces of one answer (citations split them mid-sentence).
      content: texts.length > 0 ? texts.join('') : null,
      ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
      ...(reasoning !== '' ? { reasoning_content: reasoning } : {}),
      ...(thinking.length > 0 ? { thinking_blocks: thinking } : {}),
    },
    finish_reason: answeredWithJson
      ? toJsonAnswerFinishReason(message.stop_reason)
      : toFinishReason(message.stop_reason),
    logprobs: null,
  };
  return {
    id: message.id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: message.model,
    choices: [choice],
    usage: toOpenAIUsage(message.usage),
  };
}

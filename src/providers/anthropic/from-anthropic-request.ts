/**
 * Inbound: a client speaking Anthropic to the gateway's `/v1/messages`. Its validated request becomes
 * the canonical OpenAI request the pipeline works with; `to-anthropic-request.ts` is the inverse.
 *
 * Anthropic-only details (cache breakpoints, thinking blocks, tool-result error flags, `top_k`,
 * `thinking`) ride along as the extension fields of `extensions.ts`, so a call routed back to Anthropic
 * keeps them. Unknown top-level parameters are copied as they are, to be reported downstream rather than
 * lost here. Cache breakpoints on tool definitions and `tool_use` blocks have no carrier and are not kept.
 */
import type {
  ChatCompletionRequest,
  ChatMessage,
  ContentPart,
  FunctionTool,
  ToolCall,
  ToolChoice,
} from '../canonical.js';
import type {
  AnthropicContentBlockParam,
  AnthropicMessageParam,
  AnthropicMessagesRequest,
  AnthropicTextBlockParam,
  AnthropicThinkingBlock,
  AnthropicTool,
  AnthropicToolChoice,
  AnthropicToolResultBlockParam,
} from './api.js';
import { toFilePart, toImageUrl } from './convert-media.js';
import { withCacheControl } from './extensions.js';

/**
 * @example
 * fromAnthropicRequest({ model: 'claude-sonnet-4-5', max_tokens: 256, system: 'Be brief.', messages: [{ role: 'user', content: 'Hi' }] });
 * // { model: 'claude-sonnet-4-5', max_tokens: 256, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }] }
 */
export function fromAnthropicRequest(body: AnthropicMessagesRequest): ChatCompletionRequest {
  const {
    model,
    messages,
    max_tokens,
    system,
    stop_sequences,
    temperature,
    top_p,
    top_k,
    tools,
    tool_choice,
    metadata,
    stream,
    thinking,
    ...unknownFields
  } = body;
  const request: ChatCompletionRequest = {
    ...unknownFields,
    model,
    messages: [...fromSystem(system), ...messages.flatMap(fromMessage)],
    max_tokens,
  };
  if (temperature !== undefined) request.temperature = temperature;
  if (top_p !== undefined) request.top_p = top_p;
  if (top_k !== undefined) request.top_k = top_k;
  if (thinking !== undefined) request.thinking = thinking;
  if (stop_sequences !== undefined) request.stop = stop_sequences;
  if (typeof metadata?.user_id === 'string') request.user = metadata.user_id;
  if (tools !== undefined) request.tools = tools.map(fromTool);
  if (tool_choice !== undefined) Object.assign(request, fromToolChoice(tool_choice));
  if (stream === true) {
    request.stream = true;
    request.stream_options = { include_usage: true };
  }
  return request;
}

function fromSystem(system: AnthropicMessagesRequest['system']): ChatMessage[] {
  if (system === undefined) return [];
  if (typeof system === 'string') return [{ role: 'system', content: system }];
  return [{ role: 'system', content: toContent(system.map(fromTextBlock)) }];
}

function fromMessage(message: AnthropicMessageParam): ChatMessage[] {
  if (typeof message.content === 'string') return [{ role: message.role, content: message.content }];
  return message.role === 'assistant' ? [fromAssistant(message.content)] : fromUser(message.content);
}

/**
 * Tool results become `tool` messages, first (Anthropic puts them first too); the rest of the turn
 * follows as one user message. OpenAI tool messages hold text only, so images and documents returned
 * by a tool open that user message.
 */
function fromUser(blocks: AnthropicContentBlockParam[]): ChatMessage[] {
  const toolMessages: ChatMessage[] = [];
  const toolMedia: ContentPart[] = [];
  const parts: ContentPart[] = [];
  for (const block of blocks) {
    if (block.type === 'tool_result') {
      const { message, media } = fromToolResult(block);
      toolMessages.push(message);
      toolMedia.push(...media);
    } else {
      const part = fromUserBlock(block);
      if (part) parts.push(part);
    }
  }
  const userParts = [...toolMedia, ...parts];
  // A turn of tool results alone has no user message; an empty user turn stays one (Anthropic's rules apply).
  if (userParts.length === 0 && toolMessages.length > 0) return toolMessages;
  return [...toolMessages, { role: 'user', content: toContent(userParts) }];
}

function fromToolResult(block: AnthropicToolResultBlockParam): {
  message: ChatMessage;
  media: ContentPart[];
} {
  const texts: ContentPart[] = [];
  const media: ContentPart[] = [];
  if (Array.isArray(block.content)) {
    for (const item of block.content) {
      const part = fromUserBlock(item);
      if (part) (item.type === 'text' ? texts : media).push(part);
    }
  }
  const message: ChatMessage = {
    role: 'tool',
    tool_call_id: block.tool_use_id,
    content: typeof block.content === 'string' ? block.content : toContent(texts),
    ...(block.is_error === true ? { is_error: true } : {}),
    ...(block.cache_control ? { cache_control: block.cache_control } : {}),
  };
  return { message, media };
}

function fromUserBlock(block: AnthropicContentBlockParam): ContentPart | undefined {
  switch (block.type) {
    case 'text':
      return fromTextBlock(block);
    case 'image':
      return withCacheControl(
        { type: 'image_url', image_url: { url: toImageUrl(block.source) } },
        block.cache_control,
      );
    case 'document':
      return withCacheControl(toFilePart(block), block.cache_control);
    default:
      // The request schema admits no other block in a user turn.
      return undefined;
  }
}

function fromAssistant(blocks: AnthropicContentBlockParam[]): ChatMessage {
  const parts: ContentPart[] = [];
  const toolCalls: ToolCall[] = [];
  const thinking: AnthropicThinkingBlock[] = [];
  for (const block of blocks) {
    if (block.type === 'text') parts.push(fromTextBlock(block));
    else if (block.type === 'tool_use') {
      toolCalls.push({
        id: block.id,
        type: 'function',
        function: { name: block.name, arguments: JSON.stringify(block.input) },
      });
    } else if (block.type === 'thinking' || block.type === 'redacted_thinking') thinking.push(block);
  }
  return {
    role: 'assistant',
    // OpenAI's convention: no text beside tool calls is `null`, not an empty string.
    content: parts.length === 0 && toolCalls.length > 0 ? null : toContent(parts),
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    ...(thinking.length > 0 ? { thinking_blocks: thinking } : {}),
  };
}

function fromTextBlock(block: AnthropicTextBlockParam): ContentPart {
  return withCacheControl({ type: 'text', text: block.text }, block.cache_control);
}

/** One plain text part is sent as a string, the form every OpenAI-compatible server accepts. */
function toContent(parts: ContentPart[]): string | ContentPart[] {
  if (parts.length === 0) return '';
  const only = parts.length === 1 ? parts[0] : undefined;
  if (
    only?.type === 'text' &&
    !('cache_control' in only) &&
    'text' in only &&
    typeof only.text === 'string'
  ) {
    return only.text;
  }
  return parts;
}

function fromTool(tool: AnthropicTool): FunctionTool {
  return {
    type: 'function',
    function: {
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      parameters: tool.input_schema,
      ...(tool.strict === undefined ? {} : { strict: tool.strict }),
    },
  };
}

function fromToolChoice(choice: AnthropicToolChoice): {
  tool_choice: ToolChoice;
  parallel_tool_calls?: boolean;
} {
  const parallel =
    'disable_parallel_tool_use' in choice && choice.disable_parallel_tool_use === true
      ? { parallel_tool_calls: false }
      : {};
  switch (choice.type) {
    case 'auto':
      return { tool_choice: 'auto', ...parallel };
    case 'any':
      return { tool_choice: 'required', ...parallel };
    case 'tool':
      return { tool_choice: { type: 'function', function: { name: choice.name } }, ...parallel };
    case 'none':
      return { tool_choice: 'none' };
  }
}

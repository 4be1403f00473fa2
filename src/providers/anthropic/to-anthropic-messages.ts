/**
 * The conversation half of an OpenAI request → Anthropic: system and developer messages become the
 * top-level `system` blocks, assistant tool calls become `tool_use` blocks, `tool` messages become
 * `tool_result` blocks in a user turn, and consecutive turns of one role are merged, since Anthropic
 * wants user and assistant turns to alternate.
 */
import type { ChatMessage, ContentPart, ToolCall } from '../canonical.js';
import type { CallWarning } from '../spec.js';
import type {
  AnthropicContentBlockParam,
  AnthropicDocumentBlockParam,
  AnthropicImageBlockParam,
  AnthropicMessageParam,
  AnthropicTextBlockParam,
  AnthropicToolResultBlockParam,
} from './api.js';
import { toAnthropicDocument, toAnthropicImageSource } from './convert-media.js';
import { readCacheControl, readThinkingBlocks } from './extensions.js';

export interface AnthropicConversation {
  system: AnthropicTextBlockParam[];
  messages: AnthropicMessageParam[];
}

type UserBlock = AnthropicTextBlockParam | AnthropicImageBlockParam | AnthropicDocumentBlockParam;
type Content = AnthropicMessageParam['content'];

export function toAnthropicConversation(
  messages: ChatMessage[],
  warnings: CallWarning[],
): AnthropicConversation {
  const conversation: AnthropicConversation = { system: [], messages: [] };
  messages.forEach((message, index) => {
    const param = `messages.${index}`;
    switch (message.role) {
      case 'system':
      case 'developer':
        if (conversation.messages.length > 0) {
          warnings.push({
            param,
            message: `Anthropic has no ${message.role} messages inside a conversation; this one was moved to the top-level system prompt`,
          });
        }
        conversation.system.push(...toSystemBlocks(message, param, warnings));
        return;
      case 'user':
        pushTurn(conversation.messages, 'user', toUserContent(message, param, warnings));
        return;
      case 'assistant': {
        const content = toAssistantContent(message, param, warnings);
        // An assistant turn with nothing in it carries no meaning, and Anthropic rejects empty content.
        if (content.length > 0) pushTurn(conversation.messages, 'assistant', content);
        return;
      }
      case 'tool': {
        const result = toToolResult(message, param, warnings);
        if (result) pushTurn(conversation.messages, 'user', [result]);
        return;
      }
      default:
        warnings.push({
          param: `${param}.role`,
          message: `role \`${message.role}\` is not supported by Anthropic (use tool messages); the message was not sent`,
        });
    }
  });
  return conversation;
}

function toSystemBlocks(
  message: ChatMessage,
  param: string,
  warnings: CallWarning[],
): AnthropicTextBlockParam[] {
  if (typeof message.content === 'string')
    return message.content === '' ? [] : [{ type: 'text', text: message.content }];
  const blocks: AnthropicTextBlockParam[] = [];
  (message.content ?? []).forEach((part, index) => {
    const text = textOf(part);
    if (text !== undefined) blocks.push(textBlock(text, part));
    else unsupportedPart(part, `${param}.content.${index}`, 'a system prompt', warnings);
  });
  return blocks;
}

function toUserContent(message: ChatMessage, param: string, warnings: CallWarning[]): Content {
  if (typeof message.content === 'string' || message.content == null) return message.content ?? '';
  return toUserBlocks(message.content, `${param}.content`, warnings);
}

function toUserBlocks(parts: ContentPart[], param: string, warnings: CallWarning[]): UserBlock[] {
  const blocks: UserBlock[] = [];
  parts.forEach((part, index) => {
    const text = textOf(part);
    if (text !== undefined) {
      blocks.push(textBlock(text, part));
      return;
    }
    const imageUrl = imageUrlOf(part);
    if (imageUrl !== undefined) {
      const image = toAnthropicImageSource(imageUrl);
      if ('problem' in image)
        warnings.push({ param: `${param}.${index}`, message: `${image.problem}; the image was not sent` });
      // `detail` is a resolution hint with no Anthropic equivalent; the image itself is sent.
      else blocks.push(withCache({ type: 'image', source: image.source }, part));
      return;
    }
    const document = part.type === 'file' ? toAnthropicDocument(part) : undefined;
    if (document) blocks.push(withCache(document, part));
    else unsupportedPart(part, `${param}.${index}`, 'a user message', warnings);
  });
  return blocks;
}

function toAssistantContent(
  message: ChatMessage,
  param: string,
  warnings: CallWarning[],
): AnthropicContentBlockParam[] {
  const thinking = readThinkingBlocks(message);
  if (message.thinking_blocks !== undefined && thinking === undefined) {
    warnings.push({ param: `${param}.thinking_blocks`, message: 'malformed thinking blocks were not sent' });
  }
  const blocks: AnthropicContentBlockParam[] = [...(thinking ?? [])];
  if (typeof message.content === 'string') {
    if (message.content !== '') blocks.push({ type: 'text', text: message.content });
  } else {
    (message.content ?? []).forEach((part, index) => {
      const text = textOf(part) ?? refusalOf(part);
      if (text !== undefined) {
        if (text !== '') blocks.push(textBlock(text, part));
      } else {
        unsupportedPart(part, `${param}.content.${index}`, 'an assistant message', warnings);
      }
    });
  }
  // OpenAI puts a refusal beside `content`; it is still what the model said.
  if (typeof message.refusal === 'string' && message.refusal !== '')
    blocks.push({ type: 'text', text: message.refusal });
  (message.tool_calls ?? []).forEach((call, index) => {
    blocks.push({
      type: 'tool_use',
      id: call.id,
      name: call.function.name,
      input: toolInput(call, `${param}.tool_calls.${index}.function.arguments`, warnings),
    });
  });
  return blocks;
}

function toolInput(call: ToolCall, param: string, warnings: CallWarning[]): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(call.function.arguments === '' ? '{}' : call.function.arguments);
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // Reported below: models sometimes produce broken JSON, and Anthropic needs an object.
  }
  warnings.push({
    param,
    message: `the arguments of tool call ${call.id} are not a JSON object; Anthropic was sent {}`,
  });
  return {};
}

function toToolResult(
  message: ChatMessage,
  param: string,
  warnings: CallWarning[],
): AnthropicToolResultBlockParam | undefined {
  if (typeof message.tool_call_id !== 'string' || message.tool_call_id === '') {
    warnings.push({
      param: `${param}.tool_call_id`,
      message: 'a tool message without tool_call_id was not sent',
    });
    return undefined;
  }
  const content =
    typeof message.content === 'string' || message.content == null
      ? (message.content ?? '')
      : toUserBlocks(message.content, `${param}.content`, warnings);
  const cacheControl = readCacheControl(message);
  return {
    type: 'tool_result',
    tool_use_id: message.tool_call_id,
    content,
    ...(message.is_error === true ? { is_error: true } : {}),
    ...(cacheControl ? { cache_control: cacheControl } : {}),
  };
}

/** Appends a turn, merging it into the previous one when the role repeats. */
function pushTurn(turns: AnthropicMessageParam[], role: 'user' | 'assistant', content: Content): void {
  const last = turns.at(-1);
  if (last?.role !== role) {
    turns.push({ role, content: simplify(content) });
    return;
  }
  const blocks = [...asBlocks(last.content), ...asBlocks(content)];
  // Anthropic wants a user turn's tool results before any other block (stable sort keeps the rest in order).
  if (role === 'user')
    blocks.sort((a, b) => Number(a.type !== 'tool_result') - Number(b.type !== 'tool_result'));
  last.content = blocks;
}

/** A lone plain text block is sent as a string, the form clients usually write. */
function simplify(content: Content): Content {
  const only = content.length === 1 && typeof content !== 'string' ? content[0] : undefined;
  return only?.type === 'text' && !only.cache_control ? only.text : content;
}

function asBlocks(content: Content): AnthropicContentBlockParam[] {
  if (typeof content !== 'string') return content;
  return content === '' ? [] : [{ type: 'text', text: content }];
}

function textBlock(text: string, part: ContentPart): AnthropicTextBlockParam {
  return withCache({ type: 'text', text }, part);
}

function withCache<Block extends UserBlock>(block: Block, part: ContentPart): Block {
  const cacheControl = readCacheControl(part);
  return cacheControl ? { ...block, cache_control: cacheControl } : block;
}

function unsupportedPart(part: ContentPart, param: string, where: string, warnings: CallWarning[]): void {
  warnings.push({
    param,
    message: `content part \`${part.type}\` is not supported by Anthropic in ${where}; it was not sent`,
  });
}

function textOf(part: ContentPart): string | undefined {
  return part.type === 'text' && 'text' in part && typeof part.text === 'string' ? part.text : undefined;
}

function refusalOf(part: ContentPart): string | undefined {
  return part.type === 'refusal' && 'refusal' in part && typeof part.refusal === 'string'
    ? part.refusal
    : undefined;
}

function imageUrlOf(part: ContentPart): string | undefined {
  if (part.type !== 'image_url' || !('image_url' in part)) return undefined;
  const image: unknown = part.image_url;
  if (typeof image !== 'object' || image === null || !('url' in image)) return undefined;
  return typeof image.url === 'string' ? image.url : undefined;
}

/**
 * OpenAI chat request → Anthropic Messages request, with a warning for every parameter Anthropic
 * cannot honour (never a silent drop): `n`, `seed`, penalties, logprobs, OpenAI `metadata`, unknown
 * fields. JSON mode has no Anthropic equivalent and is emulated with a forced tool (`json-mode.ts`), which
 * the caller must pass on to the response mapping.
 */
import type { ChatCompletionRequest, FunctionTool } from '../canonical.js';
import type { CallWarning } from '../spec.js';
import { anthropicMessagesRequestSchema } from './api.js';
import type {
  AnthropicMessagesRequest,
  AnthropicTextBlockParam,
  AnthropicTool,
  AnthropicToolChoice,
} from './api.js';
import { planJsonMode } from './json-mode.js';
import type { JsonResponseTool } from './json-mode.js';
import { toAnthropicConversation } from './to-anthropic-messages.js';

// Kept importable from here: the mock upstream recognises the instructions by this path.
export { jsonModeInstructions } from './json-mode.js';

/** Anthropic requires `max_tokens`; this is sent (with a warning) when the client gave none. */
export const defaultMaxTokens = 4096;

/** Request fields translated (or deliberately consumed) below; any other field gets a warning. */
const knownFields = new Set([
  'model',
  'messages',
  'stream',
  // Consumed: the gateway always streams usage, which Anthropic sends anyway.
  'stream_options',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'response_format',
  'n',
  'stop',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'seed',
  'presence_penalty',
  'frequency_penalty',
  'logprobs',
  'top_logprobs',
  'user',
  'metadata',
  // Anthropic extensions carried by requests that arrived on `/v1/messages` (see extensions.ts).
  'top_k',
  'thinking',
]);

const thinkingSchema = anthropicMessagesRequestSchema.shape.thinking;

/**
 * `jsonResponse` is set when JSON mode became a forced tool: pass it to `fromAnthropicResponse` /
 * `fromAnthropicStream`, which then read that tool's input back as the message content.
 *
 * @example
 * const { args, warnings } = toAnthropicRequest({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hi' }] });
 * // args: { model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 4096 }
 * // warnings: [{ param: 'max_tokens', message: 'Anthropic requires max_tokens; …' }]
 */
export function toAnthropicRequest(request: ChatCompletionRequest): {
  args: AnthropicMessagesRequest;
  warnings: CallWarning[];
  jsonResponse?: JsonResponseTool;
} {
  const warnings: CallWarning[] = [];
  const conversation = toAnthropicConversation(request.messages, warnings);
  const tools = request.tools === undefined ? undefined : toTools(request.tools, warnings);
  const thinking = toThinking(request, warnings);
  const json = planJsonMode(
    request.response_format,
    {
      clientTools: tools !== undefined && tools.length > 0,
      thinking: thinking !== undefined && thinking.type !== 'disabled',
    },
    warnings,
  );
  if (json.instruction !== undefined) conversation.system.push({ type: 'text', text: json.instruction });

  const args: AnthropicMessagesRequest = {
    model: request.model,
    messages: conversation.messages,
    max_tokens: maxTokens(request, warnings),
  };
  const system = toSystem(conversation.system);
  if (system !== undefined) args.system = system;
  if (request.temperature != null) args.temperature = temperature(request.temperature, warnings);
  if (request.top_p != null) args.top_p = request.top_p;
  if (typeof request.top_k === 'number') args.top_k = request.top_k;
  else if (request.top_k != null)
    warnings.push({ param: 'top_k', message: '`top_k` must be a number; not sent' });
  if (thinking !== undefined) args.thinking = thinking;
  if (request.stop != null)
    args.stop_sequences = typeof request.stop === 'string' ? [request.stop] : request.stop;
  if (request.user !== undefined) args.metadata = { user_id: request.user };
  if (json.tool !== undefined) {
    // Planned only when the client has no tools, so the JSON tool is the only one and a client
    // `tool_choice` has nothing left to choose from.
    args.tools = [json.tool.definition];
    args.tool_choice = json.tool.choice;
  } else {
    if (tools !== undefined) args.tools = tools;
    const toolChoice = toToolChoice(request);
    if (toolChoice !== undefined) args.tool_choice = toolChoice;
  }
  if (request.stream === true) args.stream = true;

  warnUnsupported(request, warnings);
  return json.tool === undefined ? { args, warnings } : { args, warnings, jsonResponse: json.tool.readBack };
}

function toThinking(
  request: ChatCompletionRequest,
  warnings: CallWarning[],
): AnthropicMessagesRequest['thinking'] {
  if (request.thinking === undefined) return undefined;
  const thinking = thinkingSchema.safeParse(request.thinking);
  if (thinking.success) return thinking.data;
  warnings.push({ param: 'thinking', message: 'malformed `thinking` configuration; not sent' });
  return undefined;
}

function maxTokens(request: ChatCompletionRequest, warnings: CallWarning[]): number {
  const value = request.max_completion_tokens ?? request.max_tokens;
  if (value != null) return value;
  warnings.push({
    param: 'max_tokens',
    message: `Anthropic requires max_tokens; the gateway sent ${defaultMaxTokens} because the request set none`,
  });
  return defaultMaxTokens;
}

function temperature(value: number, warnings: CallWarning[]): number {
  if (value <= 1) return value;
  // OpenAI allows up to 2, Anthropic up to 1: sending 1 keeps the call alive and says so.
  warnings.push({
    param: 'temperature',
    message: `Anthropic accepts temperature up to 1; ${value} was sent as 1`,
  });
  return 1;
}

/** A lone plain block is sent as a string; several blocks, or cache breakpoints, as blocks. */
function toSystem(blocks: AnthropicTextBlockParam[]): AnthropicMessagesRequest['system'] {
  if (blocks.length === 0) return undefined;
  const only = blocks.length === 1 ? blocks[0] : undefined;
  return only && !only.cache_control ? only.text : blocks;
}

function toTools(tools: FunctionTool[], warnings: CallWarning[]): AnthropicTool[] {
  const converted: AnthropicTool[] = [];
  tools.forEach((tool, index) => {
    if (tool.type !== 'function') {
      warnings.push({
        param: `tools.${index}.type`,
        message: `tool type \`${String(tool.type)}\` is not supported by Anthropic; not sent`,
      });
      return;
    }
    const { name, description, parameters, strict } = tool.function;
    converted.push({
      name,
      ...(description === undefined ? {} : { description }),
      // Anthropic requires an object schema even for a tool without parameters.
      input_schema: { ...parameters, type: 'object' },
      ...(typeof strict === 'boolean' ? { strict } : {}),
    });
  });
  return converted;
}

function toToolChoice(request: ChatCompletionRequest): AnthropicToolChoice | undefined {
  const disableParallel = request.parallel_tool_calls === false ? { disable_parallel_tool_use: true } : {};
  const choice = request.tool_choice;
  if (choice === 'none') return { type: 'none' };
  if (choice === 'required') return { type: 'any', ...disableParallel };
  if (typeof choice === 'object') return { type: 'tool', name: choice.function.name, ...disableParallel };
  if (choice === 'auto' || request.parallel_tool_calls === false) return { type: 'auto', ...disableParallel };
  return undefined;
}

function warnUnsupported(request: ChatCompletionRequest, warnings: CallWarning[]): void {
  const unsupported = (param: string, what: string) =>
    warnings.push({ param, message: `${what} is not supported by Anthropic; ignored` });
  if (request.n != null && request.n !== 1) unsupported('n', `n=${request.n} (several choices)`);
  if (request.seed != null) unsupported('seed', 'seed');
  if (request.presence_penalty != null && request.presence_penalty !== 0)
    unsupported('presence_penalty', 'presence_penalty');
  if (request.frequency_penalty != null && request.frequency_penalty !== 0)
    unsupported('frequency_penalty', 'frequency_penalty');
  if (request.logprobs === true) unsupported('logprobs', 'logprobs');
  if (request.top_logprobs != null) unsupported('top_logprobs', 'top_logprobs');
  if (request.metadata !== undefined && Object.keys(request.metadata).length > 0) {
    unsupported('metadata', 'OpenAI metadata (only `user` maps to Anthropic metadata.user_id)');
  }
  for (const [field, value] of Object.entries(request)) {
    if (value !== undefined && !knownFields.has(field)) unsupported(field, `\`${field}\``);
  }
}

/**
 * OpenAI chat request → Anthropic Messages request, with a warning for every parameter Anthropic
 * cannot honour (never a silent drop): `n`, `seed`, penalties, logprobs, OpenAI `metadata`, unknown
 * fields. JSON mode has no Anthropic equivalent and is emulated with a system-prompt instruction.
 */
import type { ChatCompletionRequest, FunctionTool, ResponseFormat } from '../canonical.js';
import type { CallWarning } from '../spec.js';
import { anthropicMessagesRequestSchema } from './api.js';
import type {
  AnthropicMessagesRequest,
  AnthropicTextBlockParam,
  AnthropicTool,
  AnthropicToolChoice,
} from './api.js';
import { toAnthropicConversation } from './to-anthropic-messages.js';

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
 * @example
 * const { args, warnings } = toAnthropicRequest({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hi' }] });
 * // args: { model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 4096 }
 * // warnings: [{ param: 'max_tokens', message: 'Anthropic requires max_tokens; …' }]
 */
export function toAnthropicRequest(request: ChatCompletionRequest): {
  args: AnthropicMessagesRequest;
  warnings: CallWarning[];
} {
  const warnings: CallWarning[] = [];
  const conversation = toAnthropicConversation(request.messages, warnings);
  const instruction = jsonInstruction(request.response_format, warnings);
  if (instruction !== undefined) conversation.system.push({ type: 'text', text: instruction });

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
  if (request.thinking !== undefined) {
    const thinking = thinkingSchema.safeParse(request.thinking);
    if (thinking.success) args.thinking = thinking.data;
    else warnings.push({ param: 'thinking', message: 'malformed `thinking` configuration; not sent' });
  }
  if (request.stop != null)
    args.stop_sequences = typeof request.stop === 'string' ? [request.stop] : request.stop;
  if (request.user !== undefined) args.metadata = { user_id: request.user };
  if (request.tools !== undefined) args.tools = toTools(request.tools, warnings);
  const toolChoice = toToolChoice(request);
  if (toolChoice !== undefined) args.tool_choice = toolChoice;
  if (request.stream === true) args.stream = true;

  warnUnsupported(request, warnings);
  return { args, warnings };
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

/**
 * The system-prompt instructions that stand in for JSON mode. Exported because Anthropic's wire has no
 * JSON-mode flag: whatever answers on the other side (the mock upstream) can only recognise these.
 */
export const jsonModeInstructions = {
  object: 'Respond with a single valid JSON object and nothing else: no prose, no Markdown code fences.',
  /** Followed by a newline and the schema, as JSON. */
  schema:
    'Respond with a single valid JSON value that conforms to the JSON Schema below, and nothing else: no prose, no Markdown code fences.',
} as const;

function jsonInstruction(format: ResponseFormat | undefined, warnings: CallWarning[]): string | undefined {
  if (format === undefined || format.type === 'text') return undefined;
  if (format.type !== 'json_object' && format.type !== 'json_schema') {
    warnings.push({ param: 'response_format.type', message: 'unknown response_format type; ignored' });
    return undefined;
  }
  warnings.push({
    param: 'response_format',
    message:
      'Anthropic has no JSON output mode; the gateway asked for JSON in the system prompt instead, so the answer is not guaranteed to be valid JSON' +
      (format.type === 'json_schema' ? ' or to match the schema' : ''),
  });
  const schema = format.type === 'json_schema' ? format.json_schema.schema : undefined;
  return schema === undefined
    ? jsonModeInstructions.object
    : `${jsonModeInstructions.schema}\n${JSON.stringify(schema)}`;
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

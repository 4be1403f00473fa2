/**
 * The mock model's answers: deterministic canonical completions for demos, tests and load tests.
 * This is a FAKE model — it never calls or imitates the judgement of a real one. It echoes the last
 * user text (`[mock] You said: …`), or produces schema-valid JSON, or calls the offered tool with
 * schema-valid arguments, and honours `n`, `stop` and `max_tokens` the way OpenAI does, with
 * realistic token usage so gateway features (cost, limits, streaming) can be exercised end to end.
 */
import type {
  ChatCompletion,
  ChatCompletionChoice,
  ChatCompletionRequest,
  FinishReason,
  FunctionTool,
  ToolCall,
} from '../canonical.js';
import { sampleFromSchema } from './json-schema-sample.js';
import { countPromptTokens, countTextTokens, messageText, truncateToTokens } from './mock-tokens.js';
import { stableId } from '../../common/stable-hash.js';

export { toMockChunks } from './mock-chunks.js';
export type { MockChunkOptions } from './mock-chunks.js';

export interface MockReplyOptions {
  /** Fixed reply text; replaces the echo, the generated JSON and any tool call. `{{system}}` becomes the system prompt. */
  reply?: string;
  /** Replies by turn: a request with N assistant messages gets the Nth (the last when N is larger). */
  replySequence?: string[];
}

/** Echoed user text beyond this many characters is cut at a word boundary, so replies stay short. */
const echoLimit = 200;
/** OpenAI's own upper bound for `n`. */
const maxChoices = 128;
const greeting = '[mock] Hello from the Gatehouse mock model. This is a fake reply, not a real model.';

/**
 * Builds the mock completion for `request`; the same request always yields the same content, ids and
 * usage (only `created` follows the clock).
 *
 * @example
 * createMockCompletion({ model: 'demo', messages: [{ role: 'user', content: 'Hi there' }] })
 *   .choices[0].message.content // → '[mock] You said: Hi there'
 */
export function createMockCompletion(
  request: ChatCompletionRequest,
  options: MockReplyOptions = {},
): ChatCompletion {
  const key = requestKey(request);
  const limit = outputLimit(request);
  const fixedReply = chooseFixedReply(request, options);
  const tool = fixedReply === undefined ? pickTool(request) : undefined;
  // A text answer is the same for every choice, so it is composed once; tool call ids differ per choice.
  const answer =
    tool === undefined
      ? {
          kind: 'text' as const,
          reply: limitText(composeText(request, fixedReply), stopSequences(request.stop), limit),
        }
      : { kind: 'tool' as const, tool };
  const count = Math.min(Math.max(1, Math.floor(request.n ?? 1)), maxChoices);

  const choices: ChatCompletionChoice[] = [];
  let completionTokens = 0;
  for (let index = 0; index < count; index += 1) {
    const reply = answer.kind === 'text' ? answer.reply : toolReply(answer.tool, `${key}|${index}`, limit);
    choices.push({ index, message: { ...reply.message }, finish_reason: reply.finish, logprobs: null });
    completionTokens += reply.tokens;
  }
  const promptTokens = countPromptTokens(request);
  return {
    id: stableId('chatcmpl-mock', key, 24),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: request.model,
    choices,
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    },
    system_fingerprint: 'fp_gatehouse_mock',
  };
}

function chooseFixedReply(request: ChatCompletionRequest, options: MockReplyOptions): string | undefined {
  const sequence = options.replySequence;
  const turns = request.messages.filter((message) => message.role === 'assistant').length;
  const reply = sequence === undefined ? options.reply : sequence[Math.min(turns, sequence.length - 1)];
  if (reply === undefined || !reply.includes('{{system}}')) return reply;
  const system = request.messages
    .filter((message) => message.role === 'system' || message.role === 'developer')
    .map((message) => messageText(message.content))
    .join('\n');
  return reply.replaceAll('{{system}}', system);
}

interface MockReply {
  message: ChatCompletionChoice['message'];
  finish: FinishReason;
  tokens: number;
}

function composeText(request: ChatCompletionRequest, reply: string | undefined): string {
  if (reply !== undefined) return reply;
  const echo = lastUserText(request);
  const format = request.response_format;
  if (format?.type === 'json_schema' && format.json_schema.schema !== undefined) {
    return JSON.stringify(sampleFromSchema(format.json_schema.schema));
  }
  if (format?.type === 'json_object' || format?.type === 'json_schema') {
    return JSON.stringify({ mock: true, reply: echo === undefined ? greeting : `You said: ${echo}` });
  }
  return echo === undefined ? greeting : `[mock] You said: ${echo}`;
}

/** Applies `stop` (finish `stop`, the sequence itself excluded) then the token limit (finish `length`). */
function limitText(text: string, stops: string[], limit: number | undefined): MockReply {
  let content = text;
  for (const stop of stops) {
    const at = content.indexOf(stop);
    if (at >= 0) content = content.slice(0, at);
  }
  if (limit !== undefined) {
    const cut = truncateToTokens(content, limit);
    if (cut.truncated) return { message: assistant(cut.text), finish: 'length', tokens: cut.tokens };
  }
  return { message: assistant(content), finish: 'stop', tokens: countTextTokens(content) };
}

function toolReply(tool: FunctionTool['function'], seed: string, limit: number | undefined): MockReply {
  const sampled = sampleFromSchema(tool.parameters ?? { type: 'object', properties: {} });
  const fullArguments = JSON.stringify(isPlainObject(sampled) ? sampled : {});
  // A token limit cuts the arguments mid-JSON, exactly as a real model's `length` finish does.
  const cut = limit === undefined ? undefined : truncateToTokens(fullArguments, limit);
  const call: ToolCall = {
    id: stableId('call_', `${seed}|${tool.name}`, 24),
    type: 'function',
    function: { name: tool.name, arguments: cut?.text ?? fullArguments },
  };
  return {
    message: { role: 'assistant', content: null, tool_calls: [call], refusal: null },
    finish: cut?.truncated === true ? 'length' : 'tool_calls',
    tokens: cut?.tokens ?? countTextTokens(fullArguments),
  };
}

/** The tool to call, or undefined when the mock should answer in text. */
function pickTool(request: ChatCompletionRequest): FunctionTool['function'] | undefined {
  const tools = request.tools ?? [];
  if (tools.length === 0 || request.tool_choice === 'none') return undefined;
  // After a tool result the conversation expects an answer, not another call (no endless agent loops).
  const last = request.messages.at(-1);
  if (last?.role === 'tool' || last?.role === 'function') return undefined;
  const choice = request.tool_choice;
  if (typeof choice === 'object') {
    const named = tools.find((tool) => tool.function.name === choice.function.name);
    return named?.function ?? { name: choice.function.name };
  }
  return tools[0]?.function;
}

function lastUserText(request: ChatCompletionRequest): string | undefined {
  for (let index = request.messages.length - 1; index >= 0; index -= 1) {
    const message = request.messages[index];
    if (message?.role !== 'user') continue;
    const text = messageText(message.content).replace(/\s+/g, ' ').trim();
    if (text !== '') return shorten(text);
  }
  return undefined;
}

/** Cuts long text at the last word boundary before the limit so the echo stays readable. */
function shorten(text: string): string {
  if (text.length <= echoLimit) return text;
  const head = text.slice(0, echoLimit);
  const space = head.lastIndexOf(' ');
  return `${space > echoLimit / 2 ? head.slice(0, space) : head}…`;
}

function outputLimit(request: ChatCompletionRequest): number | undefined {
  const limit = request.max_completion_tokens ?? request.max_tokens;
  return typeof limit === 'number' && limit >= 0 ? Math.floor(limit) : undefined;
}

function stopSequences(stop: ChatCompletionRequest['stop']): string[] {
  if (typeof stop === 'string') return stop === '' ? [] : [stop];
  return Array.isArray(stop) ? stop.filter((sequence) => sequence !== '') : [];
}

/** What makes two requests "the same" for ids: model, conversation length and the last message. */
function requestKey(request: ChatCompletionRequest): string {
  const last = request.messages.at(-1);
  return `${request.model}|${request.messages.length}|${last?.role ?? ''}|${messageText(last?.content)}`;
}

function assistant(content: string): ChatCompletionChoice['message'] {
  return { role: 'assistant', content, refusal: null };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Anthropic stream events → OpenAI chat completion chunks.
 *
 * Anthropic streams content blocks (`content_block_start` / `_delta` / `_stop`); OpenAI streams deltas
 * of one message. Text deltas become `content`, each `tool_use` block becomes one tool call whose index
 * counts tool blocks only (OpenAI's numbering), `message_delta` carries the finish reason, and one last
 * chunk with empty `choices` carries the usage, since the gateway always wants it. Thinking deltas have
 * no place in an OpenAI chunk and are not forwarded. When the request's JSON mode was sent as a forced
 * tool (`json-mode.ts`), that tool's argument fragments are the answer and stream as `content`.
 */
import type { ChatCompletionChunk, ChatCompletionChunkChoice } from '../canonical.js';
import { readJsonEvents } from '../shared/json-chunks.js';
import type { EventSourceMessage } from '../shared/sse.js';
import { UpstreamCallError } from '../shared/upstream-error.js';
import { anthropicStreamEventSchema, describeIssue, knownStreamTypes } from './api.js';
import type { AnthropicStreamEvent, AnthropicStreamUsage } from './api.js';
import { toOpenAIUsage } from './convert-usage.js';
import { jsonResponseToolName, streamedJsonResponseText, toJsonAnswerFinishReason } from './json-mode.js';
import type { JsonResponseTool } from './json-mode.js';
import { toFinishReason } from './map-stop-reason.js';

/**
 * Parses and validates the events of an Anthropic stream; throws `UpstreamCallError` on an `error`
 * event, a malformed event, or a stream that ends before `message_stop`.
 */
export async function* readAnthropicEvents(
  events: AsyncIterable<EventSourceMessage>,
  provider: string,
): AsyncGenerator<AnthropicStreamEvent> {
  const json = readJsonEvents(events, {
    provider,
    end: { isDone: (data) => typeOf(data) === 'message_stop' },
  });
  for await (const { data } of json) {
    const parsed = anthropicStreamEventSchema.safeParse(data);
    if (parsed.success) yield parsed.data;
    else if (!isNewKind(data)) {
      throw new UpstreamCallError(
        `${provider} sent a malformed ${typeOf(data) ?? 'stream'} event: ${describeIssue(parsed.error)}`,
        {
          kind: 'invalid_response',
          provider,
          responseBody: JSON.stringify(data).slice(0, 2000),
        },
      );
    }
  }
}

interface OpenToolCall {
  /** The tool call's position among tool calls (OpenAI's `index`). */
  index: number;
  arguments: string;
  /** The input sent with `content_block_start`: normally `{}`, the real input arriving in fragments. */
  input: unknown;
}

/** The JSON tool's block, whose fragments are the message content. */
interface JsonAnswer {
  /** The block's index in the message. */
  block: number;
  fragments: string;
  input: unknown;
}

export interface FromAnthropicStreamOptions {
  provider: string;
  /** What `toAnthropicRequest` returned as `jsonResponse`: the request forced the JSON tool. */
  jsonResponse?: JsonResponseTool;
}

/** Translates parsed events; see `readAnthropicEvents` for where they come from. */
export async function* fromAnthropicStream(
  events: AsyncIterable<AnthropicStreamEvent>,
  options: FromAnthropicStreamOptions,
): AsyncGenerator<ChatCompletionChunk> {
  let head: Pick<ChatCompletionChunk, 'id' | 'model' | 'created'> | undefined;
  const usage: AnthropicStreamUsage = {};
  const toolCalls = new Map<number, OpenToolCall>();
  const jsonResponse = options.jsonResponse;
  let jsonAnswer: JsonAnswer | undefined;
  let finished = false;

  const chunk = (
    delta: ChatCompletionChunkChoice['delta'],
    finishReason: ChatCompletionChunkChoice['finish_reason'] = null,
  ) => {
    if (head === undefined) throw invalid(options.provider, 'a content event before message_start');
    return {
      ...head,
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta, finish_reason: finishReason }],
    } satisfies ChatCompletionChunk;
  };

  let stopped = false;
  for await (const event of events) {
    switch (event.type) {
      case 'message_start':
        head = { id: event.message.id, model: event.message.model, created: Math.floor(Date.now() / 1000) };
        mergeUsage(usage, event.message.usage);
        yield chunk({ role: 'assistant', content: '' });
        break;
      case 'content_block_start': {
        const block = event.content_block;
        if (block.type === 'text' && block.text !== '') yield chunk({ content: block.text });
        if (block.type === 'tool_use' && jsonResponse && block.name === jsonResponseToolName) {
          jsonAnswer = { block: event.index, fragments: '', input: block.input };
        } else if (block.type === 'tool_use') {
          const call: OpenToolCall = { index: toolCalls.size, arguments: '', input: block.input };
          toolCalls.set(event.index, call);
          yield chunk({
            tool_calls: [
              {
                index: call.index,
                id: block.id,
                type: 'function',
                function: { name: block.name, arguments: '' },
              },
            ],
          });
        }
        break;
      }
      case 'content_block_delta': {
        const delta = event.delta;
        if (delta.type === 'text_delta' && delta.text !== '') yield chunk({ content: delta.text });
        if (delta.type === 'input_json_delta' && jsonAnswer?.block === event.index && delta.partial_json) {
          jsonAnswer.fragments += delta.partial_json;
          // A wrapped answer is sent whole at block stop: its fragments carry the wrapper too.
          if (jsonResponse?.wrapped === false) yield chunk({ content: delta.partial_json });
        }
        const call = toolCalls.get(event.index);
        if (delta.type === 'input_json_delta' && call && delta.partial_json) {
          call.arguments += delta.partial_json;
          yield chunk({ tool_calls: [{ index: call.index, function: { arguments: delta.partial_json } }] });
        }
        break;
      }
      case 'content_block_stop': {
        const json = jsonAnswer?.block === event.index ? jsonAnswer : undefined;
        // Unwrapped fragments went out as they came; a wrapped answer, or one sent whole at block
        // start (no fragment then), goes out now.
        if (jsonResponse && json && (jsonResponse.wrapped || json.fragments === ''))
          yield chunk({ content: streamedJsonResponseText(json.fragments, json.input, jsonResponse) });
        const call = toolCalls.get(event.index);
        if (call && call.arguments === '') {
          // A tool without parameters streams no fragment; OpenAI clients JSON.parse the arguments,
          // so they must not stay empty. An input sent whole at block start is used when there is one.
          call.arguments = isFilledObject(call.input) ? JSON.stringify(call.input) : '{}';
          yield chunk({ tool_calls: [{ index: call.index, function: { arguments: call.arguments } }] });
        }
        break;
      }
      case 'message_delta':
        mergeUsage(usage, event.usage);
        if (event.delta.stop_reason != null && !finished) {
          finished = true;
          const reason = event.delta.stop_reason;
          yield chunk({}, jsonAnswer ? toJsonAnswerFinishReason(reason) : toFinishReason(reason));
        }
        break;
      case 'message_stop':
        if (!finished) yield chunk({}, 'stop');
        yield { ...chunk({}), choices: [], usage: toOpenAIUsage(usage) };
        // Keep iterating: the shared reader reads the body's end, which keeps the connection reusable.
        stopped = true;
        break;
      case 'ping':
      case 'error':
        // Keep-alives; error events were already thrown by `readAnthropicEvents`.
        break;
    }
  }
  if (stopped) return;
  throw new UpstreamCallError(`${options.provider} stream ended before message_stop`, {
    kind: 'stream',
    provider: options.provider,
  });
}

/** Later counters overwrite earlier ones: Anthropic's streamed usage is cumulative. */
function mergeUsage(target: AnthropicStreamUsage, source: AnthropicStreamUsage | undefined): void {
  for (const [key, value] of Object.entries(source ?? {})) {
    if (typeof value === 'number') target[key] = value;
  }
}

function isNewKind(data: unknown): boolean {
  const type = typeOf(data);
  if (type === undefined || !knownStreamTypes.events.has(type)) return type !== undefined;
  const record = data as Record<string, unknown>;
  if (type === 'content_block_start') return !knownStreamTypes.blocks.has(typeOf(record.content_block) ?? '');
  if (type === 'content_block_delta') return !knownStreamTypes.deltas.has(typeOf(record.delta) ?? '');
  return false;
}

function typeOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !('type' in value)) return undefined;
  return typeof value.type === 'string' ? value.type : undefined;
}

function isFilledObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.keys(value).length > 0;
}

function invalid(provider: string, what: string): UpstreamCallError {
  return new UpstreamCallError(`${provider} sent ${what}`, { kind: 'invalid_response', provider });
}

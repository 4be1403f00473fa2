/**
 * Inbound streaming: canonical chat completion chunks → the Anthropic event sequence a `/v1/messages`
 * client (and the official `@anthropic-ai/sdk`) expects:
 *
 *   message_start → (content_block_start → content_block_delta* → content_block_stop)* →
 *   message_delta (stop_reason, usage) → message_stop
 *
 * OpenAI interleaves text and tool-call deltas freely; Anthropic streams one block at a time, so a
 * change of kind closes the open block and opens the next. Usage arrives last on OpenAI streams, so
 * `message_start` carries what is known then (usually zeros) and `message_delta` the final counts,
 * input tokens included (the SDK overwrites its snapshot with them).
 */
import { randomUUID } from 'node:crypto';
import type { ChatCompletionChunk, FinishReason, Usage } from '../canonical.js';
import type { AnthropicStreamEvent } from './api.js';
import { toAnthropicUsage } from './convert-usage.js';
import { toStopReason } from './map-stop-reason.js';
import { toMessageId } from './to-anthropic-response.js';

export interface AnthropicServerEvent {
  /** The SSE `event:` name, equal to `data.type`. */
  event: string;
  data: Record<string, unknown>;
}

/**
 * Iteration rethrows a failure of `chunks`; the route then ends the SSE stream with an Anthropic
 * `error` event (`{type:'error', error:{type, message}}`).
 *
 * @example
 * for await (const { event, data } of toAnthropicEvents(result.stream, 'claude-sonnet-4-5')) {
 *   reply.raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
 * }
 */
export async function* toAnthropicEvents(
  chunks: AsyncIterable<ChatCompletionChunk>,
  model: string,
): AsyncGenerator<AnthropicServerEvent> {
  let started = false;
  /** Index of the most recently opened block; -1 before the first. */
  let lastIndex = -1;
  let open: 'text' | 'tool_use' | undefined;
  /** OpenAI tool call index → Anthropic block index. */
  const toolBlocks = new Map<number, number>();
  let finishReason: FinishReason | null = null;
  let usage: Usage | undefined;

  function* closeOpenBlock(): Generator<AnthropicServerEvent> {
    if (open === undefined) return;
    open = undefined;
    yield serverEvent({ type: 'content_block_stop', index: lastIndex });
  }

  for await (const chunk of chunks) {
    if (!started) {
      started = true;
      yield messageStart(chunk.id, model, chunk.usage ?? undefined);
    }
    if (chunk.usage) usage = chunk.usage;
    // The gateway asks for one choice; choice 0 is the answer.
    const choice = chunk.choices.find((candidate) => candidate.index === 0);
    if (choice === undefined) continue;
    const text = (choice.delta.content ?? '') + (choice.delta.refusal ?? '');
    if (text !== '') {
      if (open !== 'text') {
        yield* closeOpenBlock();
        open = 'text';
        yield serverEvent({
          type: 'content_block_start',
          index: ++lastIndex,
          content_block: { type: 'text', text: '' },
        });
      }
      yield serverEvent({
        type: 'content_block_delta',
        index: lastIndex,
        delta: { type: 'text_delta', text },
      });
    }
    for (const call of choice.delta.tool_calls ?? []) {
      let index = toolBlocks.get(call.index);
      if (index === undefined) {
        yield* closeOpenBlock();
        index = ++lastIndex;
        toolBlocks.set(call.index, index);
        open = 'tool_use';
        yield serverEvent({
          type: 'content_block_start',
          index,
          content_block: {
            type: 'tool_use',
            id: call.id ?? `toolu_${randomUUID().replaceAll('-', '')}`,
            name: call.function?.name ?? '',
            input: {},
          },
        });
      }
      // A fragment for a tool call whose block was already closed (providers that interleave parallel
      // calls) still goes to that block's index, which the SDK accumulates by.
      const fragment = call.function?.arguments;
      if (fragment) {
        yield serverEvent({
          type: 'content_block_delta',
          index,
          delta: { type: 'input_json_delta', partial_json: fragment },
        });
      }
    }
    if (choice.finish_reason) finishReason = choice.finish_reason;
  }

  if (!started) yield messageStart(undefined, model, undefined);
  yield* closeOpenBlock();
  yield serverEvent({
    type: 'message_delta',
    delta: { stop_reason: toStopReason(finishReason), stop_sequence: null },
    usage: usage ? toAnthropicUsage(usage) : { output_tokens: 0 },
  });
  yield serverEvent({ type: 'message_stop' });
}

function messageStart(id: string | undefined, model: string, usage: Usage | undefined): AnthropicServerEvent {
  return serverEvent({
    type: 'message_start',
    message: {
      id: toMessageId(id),
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: toAnthropicUsage(usage),
    },
  });
}

function serverEvent(data: AnthropicStreamEvent): AnthropicServerEvent {
  return { event: data.type, data };
}

/** A policy's safe reply as a normal completion (or a stream of it): what a blocked request answers. */
import type { ChatCompletion, ChatCompletionChunk } from '../providers/canonical.js';
import type { ChatContext } from './context.js';

export function safeReplyCompletion(context: ChatContext, reply: string): ChatCompletion {
  return {
    id: `chatcmpl-guardrail-${context.requestId}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: context.request.model,
    choices: [{ index: 0, message: { role: 'assistant', content: reply }, finish_reason: 'content_filter' }],
  };
}

export function safeReplyResult(context: ChatContext, reply: string): NonNullable<ChatContext['result']> {
  const completion = safeReplyCompletion(context, reply);
  if (context.request.stream !== true) return { kind: 'response', response: completion };
  return { kind: 'stream', stream: chunksOf(completion) };
}

// eslint-disable-next-line @typescript-eslint/require-await -- an async iterable like every upstream stream
async function* chunksOf(completion: ChatCompletion): AsyncGenerator<ChatCompletionChunk> {
  const base = {
    id: completion.id,
    object: 'chat.completion.chunk' as const,
    created: completion.created,
    model: completion.model,
  };
  for (const choice of completion.choices) {
    yield {
      ...base,
      choices: [
        {
          index: choice.index,
          delta: {
            role: 'assistant',
            content: typeof choice.message.content === 'string' ? choice.message.content : '',
          },
          finish_reason: null,
        },
      ],
    };
    yield { ...base, choices: [{ index: choice.index, delta: {}, finish_reason: choice.finish_reason }] };
  }
}

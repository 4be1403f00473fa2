/**
 * A stored completion told again as a stream, so a streamed request answered from the cache gets what
 * a live stream would have sent: a role chunk, the text in pieces, tool calls, the finish reason per
 * choice, and the usage chunk (the server edge adds `[DONE]` and drops usage unless asked for).
 */
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionChunkChoice,
} from '../providers/canonical.js';

/** Text is replayed in pieces of about this many characters, cut after a space where possible. */
const pieceLength = 64;

export function replayAsStream(completion: ChatCompletion): AsyncIterable<ChatCompletionChunk> {
  const chunks = toChunks(completion);
  return {
    [Symbol.asyncIterator]() {
      let index = 0;
      return {
        next: () =>
          Promise.resolve(
            index < chunks.length
              ? { done: false, value: chunks[index++]! }
              : { done: true, value: undefined },
          ),
        return: () => {
          index = chunks.length;
          return Promise.resolve({ done: true, value: undefined });
        },
      };
    },
  };
}

export function toChunks(completion: ChatCompletion): ChatCompletionChunk[] {
  const chunk = (choices: ChatCompletionChunkChoice[]): ChatCompletionChunk => ({
    id: completion.id,
    object: 'chat.completion.chunk',
    created: completion.created,
    model: completion.model,
    ...(completion.system_fingerprint === undefined
      ? {}
      : { system_fingerprint: completion.system_fingerprint }),
    choices,
  });
  const chunks: ChatCompletionChunk[] = [];
  for (const choice of completion.choices) {
    const { index, message } = choice;
    chunks.push(chunk([{ index, delta: { role: 'assistant', content: '' }, finish_reason: null }]));
    const content = typeof message.content === 'string' ? message.content : '';
    for (const piece of splitText(content)) {
      chunks.push(chunk([{ index, delta: { content: piece }, finish_reason: null }]));
    }
    if (typeof message.refusal === 'string' && message.refusal !== '') {
      chunks.push(chunk([{ index, delta: { refusal: message.refusal }, finish_reason: null }]));
    }
    (message.tool_calls ?? []).forEach((call, callIndex) => {
      const delta = { index: callIndex, id: call.id, type: call.type, function: call.function };
      chunks.push(chunk([{ index, delta: { tool_calls: [delta] }, finish_reason: null }]));
    });
    chunks.push(chunk([{ index, delta: {}, finish_reason: choice.finish_reason ?? 'stop' }]));
  }
  if (completion.usage !== undefined) chunks.push({ ...chunk([]), usage: completion.usage });
  return chunks;
}

function splitText(text: string): string[] {
  const pieces: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(start + pieceLength, text.length);
    if (end < text.length) {
      const space = text.lastIndexOf(' ', end);
      if (space > start) end = space + 1;
      // Never cut a surrogate pair (emoji, rare CJK) in two.
      else if (/[\uD800-\uDBFF]/.test(text[end - 1]!)) end--;
    }
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces;
}

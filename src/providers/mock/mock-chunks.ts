/**
 * Splits a mock completion into the chunk sequence OpenAI streams, so everything downstream of a
 * stream (gateway, SDKs, format translators) sees the real shape from the fake model: a role chunk,
 * content in pieces of a few tokens, tool calls as an id/name chunk then argument fragments, a finish
 * chunk per choice and, when asked, a last usage chunk with empty `choices`.
 */
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionChunkChoice,
  ToolCall,
  ToolCallDelta,
} from '../canonical.js';
import { countTextTokens, defaultPieceTokens, messageText, splitIntoTokenPieces } from './mock-tokens.js';

export interface MockChunkOptions {
  /** Append the usage chunk (`stream_options.include_usage`); non-final chunks then carry `usage: null`. */
  includeUsage?: boolean;
}

const tokensPerPiece = defaultPieceTokens;

/**
 * @example
 * toMockChunks(createMockCompletion(request), { includeUsage: true })
 * // → [{ delta: { role: 'assistant', content: '' } }, { delta: { content: '[mock] You' } }, …,
 * //    { delta: {}, finish_reason: 'stop' }, { choices: [], usage: {…} }]
 */
export function toMockChunks(
  completion: ChatCompletion,
  options: MockChunkOptions = {},
): ChatCompletionChunk[] {
  const includeUsage = options.includeUsage === true;
  const chunks: ChatCompletionChunk[] = [];
  const push = (choices: ChatCompletionChunkChoice[]): void => {
    chunks.push({
      id: completion.id,
      object: 'chat.completion.chunk',
      created: completion.created,
      model: completion.model,
      system_fingerprint: completion.system_fingerprint ?? null,
      choices,
      ...(includeUsage ? { usage: null } : {}),
    });
  };

  for (const choice of completion.choices) {
    const { index } = choice;
    const delta = (value: ChatCompletionChunkChoice['delta']): void => {
      push([{ index, delta: value, logprobs: null, finish_reason: null }]);
    };
    const text = messageText(choice.message.content);
    const calls = choice.message.tool_calls ?? [];
    const toolOnly = text === '' && calls.length > 0;
    // OpenAI opens a tool-only answer with the first call's header in the role chunk, `content: null`.
    const firstCall = calls[0];
    if (toolOnly && firstCall !== undefined) {
      delta({ role: 'assistant', content: null, tool_calls: [callHeader(firstCall, 0)], refusal: null });
    } else {
      delta({ role: 'assistant', content: '', refusal: null });
    }
    for (const piece of splitIntoTokenPieces(text, tokensPerPiece)) delta({ content: piece });
    calls.forEach((call, callIndex) => {
      if (!(toolOnly && callIndex === 0)) delta({ tool_calls: [callHeader(call, callIndex)] });
      for (const fragment of splitIntoTokenPieces(call.function.arguments, tokensPerPiece)) {
        delta({ tool_calls: [{ index: callIndex, function: { arguments: fragment } }] });
      }
    });
    push([{ index, delta: {}, logprobs: null, finish_reason: choice.finish_reason ?? 'stop' }]);
  }

  if (includeUsage && completion.usage !== undefined) {
    chunks.push({
      id: completion.id,
      object: 'chat.completion.chunk',
      created: completion.created,
      model: completion.model,
      system_fingerprint: completion.system_fingerprint ?? null,
      choices: [],
      usage: completion.usage,
    });
  }
  return chunks;
}

/** Output tokens carried by one chunk, which is what streaming is paced by. */
export function countChunkTokens(chunk: ChatCompletionChunk): number {
  let tokens = 0;
  for (const choice of chunk.choices) {
    if (typeof choice.delta.content === 'string') tokens += countTextTokens(choice.delta.content);
    for (const call of choice.delta.tool_calls ?? []) {
      tokens += countTextTokens(call.function?.arguments ?? '');
    }
  }
  return tokens;
}

function callHeader(call: ToolCall, index: number): ToolCallDelta {
  return { index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } };
}

/**
 * A Gemini `streamGenerateContent?alt=sse` stream to OpenAI chat completion chunks.
 *
 * Each event is a whole `GenerateContentResponse` holding only the new parts. Gemini sends function
 * calls whole, so each becomes one complete `tool_calls` delta. There is no `[DONE]`: the body simply
 * ends after the event carrying `finishReason`, so a body that ends before every candidate finished is
 * a cut stream and throws. Usage comes last, from the final `usageMetadata`, as OpenAI sends it.
 */
import { randomUUID } from 'node:crypto';
import type { ChatCompletionChunk, ChatCompletionChunkChoice, FinishReason } from '../canonical.js';
import { readJsonEvents } from '../shared/json-chunks.js';
import type { EventSourceMessage } from '../shared/sse.js';
import { UpstreamCallError } from '../shared/upstream-error.js';
import type { GeminiCandidate, GeminiUsageMetadata } from './api.js';
import { convertGeminiUsage } from './convert-gemini-usage.js';
import { parseGeminiResponse, readCandidate, throwIfPromptBlocked } from './from-gemini-response.js';
import type { GeminiResponseContext } from './from-gemini-response.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';

interface CandidateState {
  toolCallCount: number;
  calledFunctions: boolean;
  finished: boolean;
}

/**
 * @example
 * for await (const chunk of fromGeminiStream(await http.postEventStream(call), { provider: 'gemini', model })) send(chunk);
 */
export async function* fromGeminiStream(
  events: AsyncIterable<EventSourceMessage>,
  context: GeminiResponseContext,
): AsyncGenerator<ChatCompletionChunk> {
  const candidates = new Map<number, CandidateState>();
  let header: Pick<ChatCompletionChunk, 'id' | 'created' | 'model'> | undefined;
  let usage: GeminiUsageMetadata | undefined;
  // Gemini's stream ends with its body; whether every candidate finished is checked after the loop.
  for await (const { data } of readJsonEvents(events, { provider: context.provider, end: 'body' })) {
    const response = parseGeminiResponse(data, context.provider);
    throwIfPromptBlocked(response, context.provider);
    // Every event repeats the response id and model version; the first one names the whole stream.
    const current = (header ??= {
      id: response.responseId ?? `chatcmpl-${randomUUID()}`,
      created: Math.floor(Date.now() / 1000),
      model: response.modelVersion ?? context.model,
    });
    if (response.usageMetadata) usage = response.usageMetadata;
    const chunk = (choice: ChatCompletionChunkChoice): ChatCompletionChunk => ({
      ...current,
      object: 'chat.completion.chunk',
      choices: [choice],
    });
    for (const [position, candidate] of (response.candidates ?? []).entries()) {
      const index = candidate.index ?? position;
      let state = candidates.get(index);
      if (state === undefined) {
        state = { toolCallCount: 0, calledFunctions: false, finished: false };
        candidates.set(index, state);
        yield chunk({ index, delta: { role: 'assistant', content: '' }, finish_reason: null });
      }
      for (const choice of candidateChoices(candidate, index, state)) yield chunk(choice);
    }
  }
  const unfinished = candidates.size === 0 || [...candidates.values()].some((state) => !state.finished);
  if (unfinished) {
    throw new UpstreamCallError(`${context.provider} stream ended before its finishReason`, {
      kind: 'stream',
      provider: context.provider,
    });
  }
  if (header !== undefined && usage !== undefined) {
    yield { ...header, object: 'chat.completion.chunk', choices: [], usage: convertGeminiUsage(usage) };
  }
}

/** The text, function-call and finish deltas of one streamed slice of a candidate. */
function candidateChoices(
  candidate: GeminiCandidate,
  index: number,
  state: CandidateState,
): ChatCompletionChunkChoice[] {
  const choices: ChatCompletionChunkChoice[] = [];
  const { text, toolCalls } = readCandidate(candidate);
  if (text !== '') choices.push({ index, delta: { content: text }, finish_reason: null });
  for (const call of toolCalls) {
    state.calledFunctions = true;
    choices.push({
      index,
      delta: {
        tool_calls: [
          { index: state.toolCallCount++, id: call.id, type: 'function', function: call.function },
        ],
      },
      finish_reason: null,
    });
  }
  // The finishing event may hold no call itself (Gemini 3 ends with an empty text part): the
  // candidate's earlier calls decide between `stop` and `tool_calls`.
  const finish: FinishReason | null = mapGeminiFinishReason(candidate.finishReason, state.calledFunctions);
  if (finish !== null && !state.finished) {
    state.finished = true;
    choices.push({ index, delta: {}, finish_reason: finish });
  }
  return choices;
}

/**
 * Renders the mock model's canonical answers in Gemini's `GenerateContentResponse` shape: text
 * parts, `functionCall` parts with parsed `args`, `finishReason` STOP / MAX_TOKENS and
 * `usageMetadata`. Streams are the same objects one after another: text pieces, then a last one
 * carrying the finish reason and usage (Gemini has no `[DONE]`; the stream just ends).
 */
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatMessage,
  FinishReason,
  Usage,
} from '../providers/canonical.js';

type Part = { text: string } | { functionCall: { name: string; args: Record<string, unknown> } };

interface Candidate {
  content: { role: 'model'; parts: Part[] };
  finishReason?: string;
  index: number;
}

export interface GeminiResponse {
  candidates: Candidate[];
  usageMetadata?: { promptTokenCount: number; candidatesTokenCount: number; totalTokenCount: number };
  modelVersion: string;
  responseId: string;
}

export function toGeminiResponse(completion: ChatCompletion): GeminiResponse {
  return {
    candidates: completion.choices.map((choice) => ({
      content: { role: 'model', parts: partsOf(choice.message) },
      finishReason: toFinishReason(choice.finish_reason),
      index: choice.index,
    })),
    ...usageOf(completion.usage),
    modelVersion: completion.model,
    responseId: completion.id,
  };
}

/**
 * Canonical chunks → Gemini stream responses. The latest text piece of each candidate is held back
 * one step so the finish reason can ride on it, and the last response also carries the usage, as
 * Gemini's own streams end.
 */
export async function* toGeminiStream(
  chunks: AsyncIterable<ChatCompletionChunk>,
): AsyncGenerator<GeminiResponse> {
  const held = new Map<number, Candidate>();
  const calls = new Map<number, Map<number, { name: string; arguments: string }>>();
  const finished: Candidate[] = [];
  let usage: Usage | undefined;
  let model = '';
  let id = '';
  for await (const chunk of chunks) {
    model = chunk.model;
    id = chunk.id;
    if (chunk.usage !== undefined && chunk.usage !== null) usage = chunk.usage;
    for (const choice of chunk.choices) {
      const { index, delta } = choice;
      if (typeof delta.content === 'string' && delta.content !== '') {
        const previous = held.get(index);
        if (previous !== undefined) yield { candidates: [previous], modelVersion: model, responseId: id };
        held.set(index, { content: { role: 'model', parts: [{ text: delta.content }] }, index });
      }
      for (const call of delta.tool_calls ?? []) {
        const perChoice = calls.get(index) ?? new Map<number, { name: string; arguments: string }>();
        calls.set(index, perChoice);
        const entry = perChoice.get(call.index) ?? { name: '', arguments: '' };
        entry.name += call.function?.name ?? '';
        entry.arguments += call.function?.arguments ?? '';
        perChoice.set(call.index, entry);
      }
      if (choice.finish_reason !== null) {
        // Gemini sends a function call whole, in the candidate's last response.
        const candidate = held.get(index) ?? { content: { role: 'model', parts: [] }, index };
        for (const call of calls.get(index)?.values() ?? []) {
          candidate.content.parts.push({
            functionCall: { name: call.name, args: parseArguments(call.arguments) },
          });
        }
        if (candidate.content.parts.length === 0) candidate.content.parts.push({ text: '' });
        candidate.finishReason = toFinishReason(choice.finish_reason);
        finished.push(candidate);
        held.delete(index);
      }
    }
  }
  yield {
    candidates: [...finished, ...held.values()],
    ...usageOf(usage),
    modelVersion: model,
    responseId: id,
  };
}

function partsOf(message: ChatMessage): Part[] {
  const parts: Part[] = [];
  if (typeof message.content === 'string' && message.content !== '') parts.push({ text: message.content });
  for (const call of message.tool_calls ?? []) {
    parts.push({ functionCall: { name: call.function.name, args: parseArguments(call.function.arguments) } });
  }
  return parts.length === 0 ? [{ text: '' }] : parts;
}

function toFinishReason(reason: FinishReason | null): string {
  if (reason === 'length') return 'MAX_TOKENS';
  if (reason === 'content_filter') return 'SAFETY';
  // Gemini reports a function call as a normal STOP.
  return 'STOP';
}

function usageOf(usage: Usage | undefined): Pick<GeminiResponse, 'usageMetadata'> {
  if (usage === undefined) return {};
  return {
    usageMetadata: {
      promptTokenCount: usage.prompt_tokens,
      candidatesTokenCount: usage.completion_tokens,
      totalTokenCount: usage.total_tokens,
    },
  };
}

/** Gemini's `args` is an object; arguments cut by a token limit are no longer JSON and become `{}`. */
function parseArguments(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

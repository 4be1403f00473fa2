/**
 * A Gemini `GenerateContentResponse` to an OpenAI `ChatCompletion`: one choice per candidate, text
 * parts joined (thought summaries left out), function calls as `tool_calls` with generated ids
 * (Gemini names calls, OpenAI clients answer them by id), finish reason and usage mapped.
 */
import { randomUUID } from 'node:crypto';
import type { ChatCompletion, ChatCompletionChoice, ToolCall } from '../canonical.js';
import { UpstreamCallError } from '../shared/upstream-error.js';
import { geminiGenerateContentResponseSchema } from './api.js';
import type { GeminiCandidate, GeminiGenerateContentResponse } from './api.js';
import { convertGeminiUsage } from './convert-gemini-usage.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';

export interface GeminiResponseContext {
  /** Provider id, carried by errors. */
  provider: string;
  /** The requested model, reported when Gemini does not send `modelVersion`. */
  model: string;
}

/** Validates an upstream body; a body that is not a `GenerateContentResponse` is an invalid response. */
export function parseGeminiResponse(body: unknown, provider: string): GeminiGenerateContentResponse {
  const parsed = geminiGenerateContentResponseSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new UpstreamCallError(`${provider} returned a body that is not a GenerateContentResponse`, {
    kind: 'invalid_response',
    provider,
    responseBody: JSON.stringify(body).slice(0, 2000),
    cause: parsed.error,
  });
}

/**
 * @example
 * fromGeminiResponse({ candidates: [{ content: { parts: [{ text: 'Hi' }] }, finishReason: 'STOP' }] }, { provider: 'gemini', model: 'gemini-2.5-flash' })
 * // → { object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }], … }
 */
export function fromGeminiResponse(
  response: GeminiGenerateContentResponse,
  context: GeminiResponseContext,
): ChatCompletion {
  const candidates = response.candidates ?? [];
  if (candidates.length === 0) {
    throwIfPromptBlocked(response, context.provider);
    throw new UpstreamCallError(`${context.provider} returned a response without candidates`, {
      kind: 'invalid_response',
      provider: context.provider,
      responseBody: JSON.stringify(response).slice(0, 2000),
    });
  }
  const completion: ChatCompletion = {
    id: response.responseId ?? `chatcmpl-${randomUUID()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: response.modelVersion ?? context.model,
    choices: candidates.map(toChoice),
  };
  if (response.usageMetadata) completion.usage = convertGeminiUsage(response.usageMetadata);
  return completion;
}

/**
 * A prompt Gemini refused to answer (`promptFeedback.blockReason`, no candidates) is the caller's
 * request being rejected: a non-retryable 400 with the `content_filter` code, as OpenAI reports it.
 */
export function throwIfPromptBlocked(response: GeminiGenerateContentResponse, provider: string): void {
  const reason = response.promptFeedback?.blockReason;
  if (reason === undefined || reason === null || (response.candidates?.length ?? 0) > 0) return;
  throw new UpstreamCallError(`${provider} blocked the prompt (blockReason ${reason})`, {
    kind: 'http',
    provider,
    status: 400,
    providerCode: 'content_filter',
    responseBody: JSON.stringify(response).slice(0, 2000),
    retryable: false,
  });
}

export interface CandidateOutput {
  text: string;
  toolCalls: ToolCall[];
}

/** The user-facing text and the function calls of a candidate (or of one streamed slice of it). */
export function readCandidate(candidate: GeminiCandidate): CandidateOutput {
  let text = '';
  const toolCalls: ToolCall[] = [];
  for (const part of candidate.content?.parts ?? []) {
    if (part.functionCall) {
      toolCalls.push({
        id: generateToolCallId(),
        type: 'function',
        function: { name: part.functionCall.name, arguments: JSON.stringify(part.functionCall.args ?? {}) },
      });
    } else if (typeof part.text === 'string' && part.thought !== true) {
      text += part.text;
    }
  }
  return { text, toolCalls };
}

/** `call_` and 24 random hex characters, the shape OpenAI clients expect. */
export function generateToolCallId(): string {
  return `call_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
}

function toChoice(candidate: GeminiCandidate, position: number): ChatCompletionChoice {
  const { text, toolCalls } = readCandidate(candidate);
  const calledFunctions = toolCalls.length > 0;
  return {
    index: candidate.index ?? position,
    message: {
      role: 'assistant',
      // OpenAI sends null content next to tool calls without text.
      content: calledFunctions && text === '' ? null : text,
      ...(calledFunctions ? { tool_calls: toolCalls } : {}),
    },
    finish_reason: mapGeminiFinishReason(candidate.finishReason, calledFunctions) ?? 'stop',
    logprobs: null,
  };
}

/**
 * Anthropic `stop_reason` ↔ OpenAI `finish_reason`, in one table each way.
 */
import type { FinishReason } from '../canonical.js';
import type { AnthropicStopReason } from './api.js';

const toFinish: Record<AnthropicStopReason, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  // The server paused a long server-tool turn; from the client's side the answer so far is complete.
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

const toStop: Record<FinishReason, AnthropicStopReason> = {
  // OpenAI does not say whether a stop sequence ended the text, so the usual case is assumed.
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
  content_filter: 'refusal',
};

/** An unknown or missing stop reason ends the turn normally: the text received is all there is. */
export function toFinishReason(stopReason: string | null | undefined): FinishReason {
  return stopReason != null && Object.hasOwn(toFinish, stopReason)
    ? toFinish[stopReason as AnthropicStopReason]
    : 'stop';
}

export function toStopReason(finishReason: FinishReason | null | undefined): AnthropicStopReason {
  return finishReason != null && Object.hasOwn(toStop, finishReason) ? toStop[finishReason] : 'end_turn';
}

/**
 * Complexity routing: a transparent score decides whether a request needs the large model. Each
 * signal that fires adds its configured weight, and the reason lists them, so a user can see and tune
 * why a request went where it did:
 * - long prompt (estimated tokens ≥ `long_prompt_tokens`),
 * - code in the last user message (fences, or several lines that look like code),
 * - multi-step reasoning cues (step by step, prove, derive, compare, trade-offs, plan…),
 * - a requested JSON schema, tool definitions,
 * - a deep conversation (≥ `deep_conversation_messages` messages).
 */
import type { ComplexityConfig } from '../config/routing-schema.js';
import type { ChatCompletionRequest, ChatMessage } from '../providers/canonical.js';
import { messageText } from '../usage/count-tokens.js';

export interface ComplexityVerdict {
  tier: 'small' | 'large';
  score: number;
  /** The signals that fired, with their scores (`long prompt +2`). */
  signals: string[];
}

const codeFence = /```|~~~/;
const codeLine =
  /^\s*(def |class |function |const |let |var |import |from \S+ import|#include|public |private |return |if \(|for \(|while \(|SELECT |INSERT |UPDATE )|[{};]\s*$/i;
const reasoningCues =
  /\b(step[- ]by[- ]step|prove|proof|derive|reason (through|about)|analy[sz]e|compare|trade-?offs?|pros and cons|plan (out|for)|multi-step|explain why|justify|evaluate|debug|optimi[sz]e|design an?)\b/i;

export function scoreComplexity(
  request: ChatCompletionRequest,
  config: ComplexityConfig,
  promptTokens: () => number,
): ComplexityVerdict {
  const { weights } = config;
  const signals: string[] = [];
  let score = 0;
  const add = (signal: string, weight: number): void => {
    if (weight === 0) return;
    score += weight;
    signals.push(`${signal} +${weight}`);
  };
  const tokens = promptTokens();
  if (tokens >= config.long_prompt_tokens) add(`long prompt (${tokens} tokens)`, weights.long_prompt);
  const lastUser = lastUserText(request.messages);
  if (codeFence.test(lastUser) || countCodeLines(lastUser) >= 2) add('code', weights.code);
  if (reasoningCues.test(lastUser)) add('reasoning cues', weights.reasoning);
  if (request.response_format?.type === 'json_schema') add('json schema', weights.json_schema);
  if ((request.tools?.length ?? 0) > 0) add('tools', weights.tools);
  if (request.messages.length >= config.deep_conversation_messages) {
    add(`deep conversation (${request.messages.length} messages)`, weights.deep_conversation);
  }
  return { tier: score >= config.threshold ? 'large' : 'small', score, signals };
}

function lastUserText(messages: readonly ChatMessage[]): string {
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index];
    if (message?.role === 'user') return messageText(message);
  }
  return '';
}

function countCodeLines(text: string): number {
  if (!text.includes('\n')) return 0;
  let count = 0;
  for (const line of text.split('\n')) if (codeLine.test(line)) count++;
  return count;
}

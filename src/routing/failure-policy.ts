/**
 * What a failed attempt means for the rest of the request:
 * - `retry`: the target may answer next time (429, 5xx, timeouts, connection errors, a stream broken
 *   before its first chunk): retry it per the retry policy, then fall over to the next target;
 * - `next-target`: this target cannot serve this request but another may (the prompt overflows its
 *   context window; a content-policy refusal when `fallback_on.content_policy` is set);
 * - `final`: the request itself is at fault (400, 401, 403, 404, 422…): never retried anywhere.
 */
import type { FallbackOnConfig } from '../config/routing-schema.js';
import type { ChatCompletion } from '../providers/canonical.js';
import type { UpstreamCallError } from '../providers/shared/upstream-error.js';

export type FailureVerdict = 'retry' | 'next-target' | 'final';

const contextWindowCodes = new Set(['context_length_exceeded', 'string_above_max_length']);
const contextWindowMessage =
  /context (length|window)|maximum context|prompt is too long|too many tokens|input is too long|exceeds the maximum number of tokens/i;
const contentPolicyCodes = new Set([
  'content_policy_violation',
  'content_filter',
  'SAFETY',
  'PROHIBITED_CONTENT',
]);

export function isContextWindowOverflow(error: UpstreamCallError): boolean {
  if (error.providerCode !== undefined && contextWindowCodes.has(error.providerCode)) return true;
  return (error.status === 400 || error.status === 413) && contextWindowMessage.test(error.message);
}

export function isContentPolicyRefusal(error: UpstreamCallError): boolean {
  return error.providerCode !== undefined && contentPolicyCodes.has(error.providerCode);
}

export function judgeFailure(error: UpstreamCallError, fallbackOn: FallbackOnConfig): FailureVerdict {
  if (error.isRetryable) return 'retry';
  if (isContextWindowOverflow(error)) return 'next-target';
  if (fallbackOn.content_policy && isContentPolicyRefusal(error)) return 'next-target';
  return 'final';
}

/** A complete answer the provider filtered (`finish_reason: content_filter`). */
export function isFilteredAnswer(response: ChatCompletion): boolean {
  return response.choices.some((choice) => choice.finish_reason === 'content_filter');
}

/**
 * Refusal detection: the answer declines instead of answering ("I'm sorry, but I can't help with
 * that"). Useful to flag over-refusal, or to fall back to another model when one refuses.
 */
import type { Detection } from '../types.js';

const refusalPatterns: readonly RegExp[] = [
  /\bi(?:'m| am) (?:sorry|afraid),? (?:but )?i (?:can(?:'t|not)|won't|am unable to|'m unable to|am not able to)\b/i,
  /^\s*(?:sorry|i apologi[sz]e)[,.!]? (?:but )?i (?:can(?:'t|not)|won't|am unable)\b/i,
  /\bi (?:can(?:'t|not)|won't|will not|am unable to|'m unable to|am not able to|must decline to) (?:help|assist|provide|comply|do that|fulfil+|create|write|generate|answer|support) (?:with )?(?:that|this|your request|the request)?/i,
  /\bas an ai(?: language model)?,? i (?:can(?:'t|not)|don't|do not|am not able)\b/i,
  /\bi(?:'m| am) not (?:able|allowed|permitted) to (?:help|assist|provide|share|discuss)\b/i,
  /\b(?:this|that|your) request (?:violates|goes against|is against) (?:my|our|the) (?:guidelines|policies|policy|usage policies)\b/i,
];

export function detectRefusal(answer: string): Detection {
  // A refusal says so early; a long answer that mentions "I can't" deep inside is not one.
  const opening = answer.slice(0, 400);
  const matched = refusalPatterns.filter((pattern) => pattern.test(opening)).length;
  return { score: matched === 0 ? 0 : Math.min(1, 0.7 + 0.15 * (matched - 1)), findings: [] };
}

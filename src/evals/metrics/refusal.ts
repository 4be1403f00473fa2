/**
 * Refusal detection: does the answer decline to help? Phrases models use to refuse (English), matched
 * case-insensitively, plus an empty answer and the OpenAI `refusal` field (passed by the caller).
 */
const refusalPatterns: readonly RegExp[] = [
  /\bI(?:'m| am) (?:sorry|afraid)\b[^.]*\b(?:can(?:no|')t|unable|not able)\b/i,
  /\bI (?:can(?:no|')t|won't|will not|am unable to|'m unable to|am not able to|'m not able to) (?:help|assist|provide|comply|do that|fulfil+|answer|share|support|create|generate)/i,
  /\bI (?:must|have to) (?:decline|refuse)\b/i,
  /\b(?:as an AI|as a language model)\b/i,
  /\b(?:against|violates?) (?:my|our|the) (?:guidelines|policy|policies|principles)\b/i,
  /\bI(?:'m| am) not (?:allowed|permitted|able) to\b/i,
  /^\s*(?:sorry|I apologi[sz]e)[,.!]/i,
];

/**
 * @example isRefusal("I'm sorry, but I can't help with that.") // → true
 */
export function isRefusal(output: string): boolean {
  if (output.trim() === '') return true;
  return refusalPatterns.some((pattern) => pattern.test(output));
}

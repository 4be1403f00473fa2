/**
 * Gemini finish reasons to OpenAI's. Gemini says STOP whether the model ended with text or with
 * function calls, so the caller tells whether the candidate called a function.
 */
import type { FinishReason } from '../canonical.js';

/** Every reason Gemini gives for withholding output: safety, blocklists, personal data, recitation. */
const filteredReasons = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);

/**
 * @example
 * mapGeminiFinishReason('STOP', true) // → 'tool_calls'
 * mapGeminiFinishReason('MAX_TOKENS', false) // → 'length'
 * mapGeminiFinishReason(undefined, false) // → null (still generating)
 */
export function mapGeminiFinishReason(
  reason: string | null | undefined,
  calledFunctions: boolean,
): FinishReason | null {
  if (reason === undefined || reason === null) return null;
  if (reason === 'MAX_TOKENS') return 'length';
  if (filteredReasons.has(reason)) return 'content_filter';
  // STOP, and the reasons OpenAI has no word for (OTHER, LANGUAGE, MALFORMED_FUNCTION_CALL…): the
  // generation ended without being cut or filtered, which is what `stop` tells a client.
  return calledFunctions ? 'tool_calls' : 'stop';
}

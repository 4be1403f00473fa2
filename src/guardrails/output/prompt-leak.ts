/**
 * System-prompt leak by n-gram overlap: the share of the system prompt's word 5-grams that reappear
 * in the answer. Quoting a sentence or two of a long prompt scores low; reciting it scores high.
 */
import type { Detection } from '../types.js';
import { ngramSet, words } from './text-overlap.js';

const gramLength = 5;

export function detectPromptLeak(answer: string, systemPrompt: string): Detection {
  const promptGrams = ngramSet(words(systemPrompt), gramLength);
  if (promptGrams.size < 3) return { score: 0, findings: [] };
  const answerGrams = ngramSet(words(answer), gramLength);
  let shared = 0;
  for (const gram of promptGrams) if (answerGrams.has(gram)) shared += 1;
  return { score: shared / promptGrams.size, findings: [], details: { sharedNgrams: shared } };
}

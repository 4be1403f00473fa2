/**
 * Lexical grounding: how much of the answer the supplied context supports. Each answer sentence is
 * supported when most of its content words occur in the context; the score is the share of
 * sentences that are not (1 = nothing in the answer comes from the context). A cheap first tier:
 * paraphrase needs the LLM judge.
 */
import type { Detection } from '../types.js';
import { contentWords } from './text-overlap.js';

/** Share of a sentence's content words the context must contain for the sentence to count as supported. */
const supportedShare = 0.5;

export function scoreGrounding(answer: string, context: string): Detection {
  const known = new Set(contentWords(context));
  const sentences = answer
    .split(/(?<=[.!?])\s+|\n+/)
    .filter((sentence) => contentWords(sentence).length >= 3);
  if (sentences.length === 0 || known.size === 0) return { score: 0, findings: [] };
  const unsupported = sentences.filter((sentence) => {
    const terms = contentWords(sentence);
    return terms.filter((term) => known.has(term)).length / terms.length < supportedShare;
  });
  return {
    score: unsupported.length / sentences.length,
    findings: [],
    details: { sentences: sentences.length, unsupported: unsupported.slice(0, 5) },
  };
}

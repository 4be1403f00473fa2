/**
 * Topic allow/deny by keywords: a denied term anywhere blocks the text; with an allow list, a text
 * that mentions none of its terms is off-topic. Terms match whole words, case-insensitively;
 * a term may be a phrase.
 */
import type { Detection } from '../types.js';

export interface TopicOptions {
  allow?: readonly string[];
  deny?: readonly string[];
}

function termPattern(terms: readonly string[]): RegExp | undefined {
  if (terms.length === 0) return undefined;
  const alternatives = terms.map((term) =>
    term
      .trim()
      .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      .replace(/\s+/g, '\\s+'),
  );
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join('|')})(?![\\p{L}\\p{N}])`, 'iu');
}

export function createTopicMatcher(options: TopicOptions): (text: string) => Detection {
  const allow = termPattern(options.allow ?? []);
  const deny = termPattern(options.deny ?? []);
  return function detectTopic(text) {
    const denied = deny?.exec(text);
    if (denied != null) return { score: 1, findings: [], details: { denied: denied[0].toLowerCase() } };
    if (allow !== undefined && !allow.test(text))
      return { score: 1, findings: [], details: { offTopic: true } };
    return { score: 0, findings: [] };
  };
}

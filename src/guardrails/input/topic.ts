/**
 * Topic allow/deny in two tiers. Keywords: a denied term anywhere fires; with an allow list, a text
 * that mentions none of its terms is off-topic. Terms match whole words, case-insensitively; a term
 * may be a phrase. Embeddings (optional): a text whose cosine similarity to a denied topic's
 * description reaches the threshold fires, and an on-topic text may match an allowed topic's
 * description instead of a keyword — paraphrases the keyword lists miss.
 */
import type { Embedder } from '../../embeddings/spec.js';
import { dot } from '../../embeddings/unit-vector.js';
import type { Detection } from '../types.js';

export interface TopicOptions {
  allow?: readonly string[];
  deny?: readonly string[];
  /** Descriptions of on-topic subjects (embedding tier). */
  allowTopics?: readonly string[];
  /** Descriptions of banned subjects (embedding tier). */
  denyTopics?: readonly string[];
  /** Cosine similarity at or above which a text is about a described topic. */
  similarityThreshold?: number;
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

/** The keyword tier alone: synchronous, microseconds. */
export function createTopicMatcher(options: TopicOptions): (text: string) => Detection {
  const allow = termPattern(options.allow ?? []);
  const deny = termPattern(options.deny ?? []);
  const anyAllow = allow !== undefined || (options.allowTopics ?? []).length > 0;
  return function detectTopic(text) {
    const denied = deny?.exec(text);
    if (denied != null) return { score: 1, findings: [], details: { denied: denied[0].toLowerCase() } };
    if (anyAllow && (allow === undefined || !allow.test(text)))
      return { score: 1, findings: [], details: { offTopic: true } };
    return { score: 0, findings: [] };
  };
}

/**
 * Both tiers over a batch of texts: the keyword verdict first, then one embedder call for the texts
 * the keywords did not settle (no denied term; an allow-list miss may still be a paraphrase). The
 * descriptions are embedded once, on first use.
 */
export function createTopicDetector(
  options: TopicOptions,
  embedder: () => Embedder,
): (texts: readonly string[], signal: AbortSignal) => Promise<Detection[]> {
  const byKeywords = createTopicMatcher(options);
  const allowTopics = options.allowTopics ?? [];
  const denyTopics = options.denyTopics ?? [];
  const threshold = options.similarityThreshold ?? 0.35;
  let described: Promise<Float32Array[]> | undefined;
  const descriptions = (): Promise<Float32Array[]> => {
    described ??= embedder()
      .embed([...allowTopics, ...denyTopics])
      .catch((error: unknown) => {
        described = undefined;
        throw error;
      });
    return described;
  };
  const closest = (vector: Float32Array, topics: Float32Array[], names: readonly string[]) => {
    let best = { topic: '', similarity: -1 };
    topics.forEach((topic, index) => {
      const similarity = dot(vector, topic);
      if (similarity > best.similarity) best = { topic: names[index] ?? '', similarity };
    });
    return { topic: best.topic, similarity: Number(best.similarity.toFixed(4)) };
  };
  return async function detectTopics(texts, signal) {
    const results = texts.map(byKeywords);
    const open = texts.flatMap((text, index) =>
      results[index]?.details?.denied === undefined ? [{ text, index }] : [],
    );
    if (open.length === 0) return results;
    const [topics, vectors] = await Promise.all([
      descriptions(),
      embedder().embed(
        open.map((item) => item.text),
        signal,
      ),
    ]);
    const allowVectors = topics.slice(0, allowTopics.length);
    const denyVectors = topics.slice(allowTopics.length);
    open.forEach(({ index }, position) => {
      const vector = vectors[position] as Float32Array;
      const keywords = results[index] as Detection;
      if (denyVectors.length > 0) {
        const denied = closest(vector, denyVectors, denyTopics);
        if (denied.similarity >= threshold) {
          results[index] = { score: 1, findings: [], details: { deniedTopic: denied } };
          return;
        }
      }
      if (keywords.details?.offTopic === true && allowVectors.length > 0) {
        const allowed = closest(vector, allowVectors, allowTopics);
        results[index] =
          allowed.similarity >= threshold
            ? { score: 0, findings: [], details: { allowedTopic: allowed } }
            : { score: 1, findings: [], details: { offTopic: true, closest: allowed } };
      }
    });
    return results;
  };
}

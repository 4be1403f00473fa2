/**
 * Deterministic fake embeddings for the mock provider (demos, tests, load tests — the vectors carry
 * no learned meaning). Each text's character trigrams and words are hashed into buckets with a
 * hashed sign, then the vector is L2-normalised: identical texts give identical vectors, and texts
 * sharing many n-grams have a higher cosine similarity, which is enough to exercise semantic caches
 * and vector search plumbing.
 */
import { tokenizer } from '../../usage/tokenizer.js';
import type { EmbeddingsRequest, EmbeddingsResponse } from '../canonical.js';
import { countTextTokens } from './mock-tokens.js';
import { hashString } from '../../common/stable-hash.js';

export const defaultMockDimensions = 256;

/**
 * @example
 * createMockEmbeddings({ model: 'mock-embed', input: ['a cat', 'a cat'] }).data[0].embedding.length // → 256
 */
export function createMockEmbeddings(request: EmbeddingsRequest): EmbeddingsResponse {
  const dimensions =
    request.dimensions !== undefined && request.dimensions > 0
      ? Math.floor(request.dimensions)
      : defaultMockDimensions;
  const inputs = normaliseInputs(request.input);
  let promptTokens = 0;
  const data = inputs.map((input, index) => {
    promptTokens += input.tokens;
    const vector = embedText(input.text, dimensions);
    return {
      object: 'embedding' as const,
      index,
      embedding: request.encoding_format === 'base64' ? toBase64(vector) : Array.from(vector),
    };
  });
  return {
    object: 'list',
    data,
    model: request.model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}

/** The unit vector for one text (float32, as real embedding APIs return). */
export function embedText(text: string, dimensions: number): Float32Array {
  const vector = new Float32Array(dimensions);
  const normalised = text.toLowerCase().replace(/\s+/g, ' ').trim();
  const padded = ` ${normalised} `;
  for (let start = 0; start + 3 <= padded.length; start += 1)
    addFeature(vector, padded.slice(start, start + 3), 1);
  // Whole words weigh more than trigrams so shared vocabulary dominates shared spelling.
  for (const word of normalised.split(' ')) if (word !== '') addFeature(vector, `w:${word}`, 2);
  let norm = 0;
  for (const value of vector) norm += value * value;
  if (norm === 0) {
    // The empty text still gets a valid unit vector.
    vector[hashString('') % dimensions] = 1;
    return vector;
  }
  const scale = 1 / Math.sqrt(norm);
  for (let index = 0; index < dimensions; index += 1) vector[index] = (vector[index] ?? 0) * scale;
  return vector;
}

/** Little-endian float32 bytes in base64, OpenAI's `encoding_format: "base64"`. */
export function toBase64(vector: Float32Array): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, index) => bytes.writeFloatLE(value, index * 4));
  return bytes.toString('base64');
}

function addFeature(vector: Float32Array, feature: string, weight: number): void {
  const hash = hashString(feature);
  const bucket = hash % vector.length;
  // The sign from another bit keeps unrelated features from piling up in the same direction.
  const sign = (hashString(feature, 1) & 1) === 0 ? 1 : -1;
  vector[bucket] = (vector[bucket] ?? 0) + sign * weight;
}

/** Strings, string arrays, a token array or token arrays → texts with their token counts. */
function normaliseInputs(input: EmbeddingsRequest['input']): { text: string; tokens: number }[] {
  if (typeof input === 'string') return [fromText(input)];
  if (input.length === 0) return [];
  if (input.every((item): item is number => typeof item === 'number')) return [fromTokens(input)];
  return input.map((item: string | number | number[]) =>
    typeof item === 'string' ? fromText(item) : fromTokens(Array.isArray(item) ? item : [item]),
  );
}

function fromText(text: string): { text: string; tokens: number } {
  return { text, tokens: countTextTokens(text) };
}

function fromTokens(tokens: number[]): { text: string; tokens: number } {
  try {
    return { text: tokenizer().decode(tokens), tokens: tokens.length };
  } catch {
    // Ids outside the vocabulary still embed deterministically.
    return { text: tokens.join(' '), tokens: tokens.length };
  }
}

/**
 * The tier-2 classifier's text features: character 3–5-grams and word 1–2-grams of the normalised
 * text, hashed into a fixed number of buckets (the hashing trick: no vocabulary to ship), weighted
 * log(1 + count) and L2-normalised so long and short prompts are comparable. One scratch buffer is
 * reused across calls, so extracting allocates only the returned sparse vector.
 */
import { normalizeForRules } from './normalize.js';

export interface HashedNgramOptions {
  /** Number of hash buckets (a power of two). */
  buckets: number;
  /** Inclusive range of character n-gram lengths. */
  charNgrams: [number, number];
  /** Inclusive range of word n-gram lengths. */
  wordNgrams: [number, number];
  /** Characters looked at: the head and the tail of longer texts (an attack hides at either end). */
  maxChars: number;
}

export interface SparseVector {
  indices: number[];
  values: number[];
}

const fnvOffset = 0x811c9dc5;
const fnvPrime = 0x01000193;
/** Word n-grams are hashed from a different seed, so a word never collides with its own characters. */
const wordSeed = 0x9e3779b9;

let scratch = new Float64Array(0);

/** A word is a run of ASCII letters, digits, apostrophes, or any non-ASCII character (other scripts). */
function isWordCode(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || code === 39 || code > 127;
}

/** One hash per word, by a scan (a Unicode-class regex costs several times more on long prompts). */
function hashWords(text: string): number[] {
  const hashes: number[] = [];
  let hash = wordSeed;
  let inWord = false;
  for (let index = 0; index <= text.length; index += 1) {
    const code = index < text.length ? text.charCodeAt(index) : 32;
    if (isWordCode(code)) {
      hash = Math.imul(hash ^ code, fnvPrime) >>> 0;
      inWord = true;
    } else if (inWord) {
      hashes.push(hash);
      hash = wordSeed;
      inWord = false;
    }
  }
  return hashes;
}

export function extractHashedNgrams(text: string, options: HashedNgramOptions): SparseVector {
  if (scratch.length !== options.buckets) scratch = new Float64Array(options.buckets);
  const mask = options.buckets - 1;
  const clipped =
    text.length > options.maxChars
      ? text.slice(0, (options.maxChars * 3) / 4) + ' ' + text.slice(-options.maxChars / 4)
      : text;
  const normalized = ` ${normalizeForRules(clipped)} `;
  const touched: number[] = [];
  const add = (hash: number): void => {
    const index = hash & mask;
    if (scratch[index] === 0) touched.push(index);
    scratch[index] = (scratch[index] ?? 0) + 1;
  };

  const [minChar, maxChar] = options.charNgrams;
  for (let start = 0; start < normalized.length; start += 1) {
    let hash = fnvOffset;
    for (let length = 1; length <= maxChar && start + length <= normalized.length; length += 1) {
      hash = Math.imul(hash ^ normalized.charCodeAt(start + length - 1), fnvPrime) >>> 0;
      if (length >= minChar) add(Math.imul(hash ^ length, fnvPrime) >>> 0);
    }
  }

  const wordHashes = hashWords(normalized);
  const [minWord, maxWord] = options.wordNgrams;
  for (let start = 0; start < wordHashes.length; start += 1) {
    let hash = wordSeed;
    for (let length = 1; length <= maxWord && start + length <= wordHashes.length; length += 1) {
      hash = Math.imul(hash ^ (wordHashes[start + length - 1] ?? 0), fnvPrime) >>> 0;
      if (length >= minWord) add(Math.imul(hash ^ (length + 97), fnvPrime) >>> 0);
    }
  }

  let norm = 0;
  const values = touched.map((index) => {
    const value = Math.log1p(scratch[index] ?? 0);
    scratch[index] = 0;
    norm += value * value;
    return value;
  });
  norm = Math.sqrt(norm) || 1;
  for (let index = 0; index < values.length; index += 1) values[index] = (values[index] ?? 0) / norm;
  return { indices: touched, values };
}

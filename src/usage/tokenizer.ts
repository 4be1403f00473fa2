/**
 * gpt-tokenizer (o200k_base), loaded on first use. Its rank tables cost ~55 MB of memory, and most
 * deployments never need them: providers report usage, and the tokenizer only counts when they do
 * not, when a token limit must estimate a request, or when the mock model runs.
 */
import { createRequire } from 'node:module';
import type * as GptTokenizer from 'gpt-tokenizer';

let loaded: typeof GptTokenizer | undefined;

export function tokenizer(): typeof GptTokenizer {
  loaded ??= createRequire(import.meta.url)('gpt-tokenizer') as typeof GptTokenizer;
  return loaded;
}

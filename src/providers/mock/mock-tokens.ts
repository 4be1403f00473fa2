/**
 * Token arithmetic for the mock model (a fake model for demos, tests and load tests — never a real
 * one). Counts use gpt-tokenizer's o200k encoding so the mock's usage numbers, `max_tokens` cuts and
 * streaming pace look like a real OpenAI model's, which is what cost and rate-limit code is tested on.
 */
import { tokenizer } from '../../usage/tokenizer.js';
import type { ChatCompletionRequest, ChatMessage, ContentPart } from '../canonical.js';

// User text may contain `<|endoftext|>` and friends; a fake model counts them as text instead of throwing.
const plainText = { disallowedSpecial: new Set<string>() };

/** Entries per cache before it is emptied; strings longer than `cacheableLength` are not cached. */
const cacheLimit = 4096;
const cacheableLength = 4096;

/**
 * Load tests send the same prompts over and over, and BPE encoding is the mock's main CPU cost, so
 * results are kept per text (bounded: the cache is simply emptied when full).
 */
function memoize<T>(compute: (text: string) => T): (text: string) => T {
  const cache = new Map<string, T>();
  return (text) => {
    if (text.length > cacheableLength) return compute(text);
    const hit = cache.get(text);
    if (hit !== undefined) return hit;
    const value = compute(text);
    if (cache.size >= cacheLimit) cache.clear();
    cache.set(text, value);
    return value;
  };
}

export const countTextTokens: (text: string) => number = memoize((text) =>
  text === '' ? 0 : tokenizer().encode(text, plainText).length,
);

/** Cuts `text` to its first `limit` tokens; `truncated` tells whether anything was dropped. */
export function truncateToTokens(
  text: string,
  limit: number,
): { text: string; tokens: number; truncated: boolean } {
  const tokens = tokenizer().encode(text, plainText);
  if (tokens.length <= limit) return { text, tokens: tokens.length, truncated: false };
  const kept = tokens.slice(0, Math.max(0, limit));
  // A cut inside a multi-byte character decodes to U+FFFD; drop it rather than emit a broken glyph.
  return {
    text: tokenizer()
      .decode(kept)
      .replace(/\uFFFD+$/u, ''),
    tokens: kept.length,
    truncated: true,
  };
}

/**
 * Splits `text` into pieces of `tokensPerPiece` tokens whose concatenation is exactly `text`
 * (decodeGenerator holds back partial UTF-8 sequences, so no piece splits a character).
 */
export function splitIntoTokenPieces(text: string, tokensPerPiece: number): readonly string[] {
  return tokensPerPiece === defaultPieceTokens ? defaultPieces(text) : computePieces(text, tokensPerPiece);
}

/** OpenAI sends one to a few tokens per chunk; this is the mock's usual piece size. */
export const defaultPieceTokens = 3;
const defaultPieces = memoize((text) => computePieces(text, defaultPieceTokens));

function computePieces(text: string, tokensPerPiece: number): string[] {
  if (text === '') return [];
  const pieces: string[] = [];
  let current = '';
  let count = 0;
  for (const decoded of tokenizer().decodeGenerator(tokenizer().encode(text, plainText))) {
    current += decoded;
    count += 1;
    if (count >= tokensPerPiece) {
      pieces.push(current);
      current = '';
      count = 0;
    }
  }
  if (current !== '') pieces.push(current);
  // Belt and braces: should decoding ever disagree with the input, fall back to character pieces.
  return pieces.join('') === text ? pieces : splitByCharacters(text, tokensPerPiece * 4);
}

function splitByCharacters(text: string, size: number): string[] {
  const characters = Array.from(text);
  const pieces: string[] = [];
  for (let start = 0; start < characters.length; start += size)
    pieces.push(characters.slice(start, start + size).join(''));
  return pieces;
}

/** The text of a message's content: strings as is, text parts joined, other parts ignored. */
export function messageText(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: ContentPart) => (part.type === 'text' && typeof part.text === 'string' ? part.text : ''))
    .filter((text) => text !== '')
    .join('\n');
}

/**
 * Prompt tokens as OpenAI bills them: OpenAI's chat framing (3 tokens per message, its role and
 * content, 1 more for a name, 3 to prime the reply — the same count as gpt-tokenizer's `encodeChat`
 * for gpt-4o, but from cached per-text counts), plus assistant tool calls and the tool definitions,
 * which the model also reads.
 */
export function countPromptTokens(request: ChatCompletionRequest): number {
  let tokens = 3;
  for (const message of request.messages) {
    const calls = message.tool_calls
      ?.map((call) => `${call.function.name}(${call.function.arguments})`)
      .join('\n');
    const text = messageText(message.content);
    const content = calls === undefined ? text : `${text}${text === '' ? '' : '\n'}${calls}`;
    tokens += 3 + countTextTokens(message.role) + countTextTokens(content);
    if (typeof message.name === 'string' && message.name !== '') tokens += 1 + countTextTokens(message.name);
  }
  if (request.tools !== undefined && request.tools.length > 0)
    tokens += countTextTokens(JSON.stringify(request.tools));
  return tokens;
}

/**
 * What identifies a chat request to the cache. The exact hash covers everything that changes the answer
 * (messages, tools, response format, sampling and length parameters, unknown fields passed upstream)
 * and nothing that does not (`user`, `metadata`, `stream`, `stream_options`, `store`). The semantic
 * form splits the same request in two: the user turns, which are embedded and compared by meaning, and
 * everything else (system prompt, other turns, tools, parameters), which must match exactly.
 */
import { createHash } from 'node:crypto';
import type { ChatCompletionRequest, ChatMessage } from '../providers/canonical.js';

/** Fields that change nothing about the answer, only who asked and how it is delivered. */
const ignoredFields = new Set(['user', 'metadata', 'stream', 'stream_options', 'store']);

export interface RequestFingerprint {
  /** Hash of the canonical request. */
  exact: string;
  /**
   * Hash of everything but the user turns' text (the semantic partition beside tenant, project and
   * route); null when the request cannot be compared by meaning.
   */
  context: string | null;
  /** The user turns, joined, to embed; null when there are none or one carries non-text content. */
  userText: string | null;
}

/** With `semantic: false` (exact-only policies) the semantic form is not computed. */
export function fingerprintRequest(
  request: ChatCompletionRequest,
  options: { semantic: boolean } = { semantic: true },
): RequestFingerprint {
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(request)) {
    if (!ignoredFields.has(key) && request[key] !== undefined) fields[key] = request[key];
  }
  const exact = hash(canonicalJson(fields));
  const userText = options.semantic ? userTurnsText(request.messages) : null;
  if (userText === null) return { exact, context: null, userText: null };
  // The user turns are replaced by their position, so the rest of the conversation must match exactly.
  const otherTurns = request.messages.map((message, index) => (message.role === 'user' ? index : message));
  const context = hash(canonicalJson({ ...fields, messages: otherTurns }));
  return { exact, context, userText };
}

/** The text of every user turn, one per line; null if any user turn holds an image, audio or file. */
function userTurnsText(messages: readonly ChatMessage[]): string | null {
  const texts: string[] = [];
  for (const message of messages) {
    if (message.role !== 'user') continue;
    const content = message.content;
    if (typeof content === 'string') {
      texts.push(content);
    } else if (Array.isArray(content)) {
      for (const part of content) {
        if (part.type !== 'text' || typeof part.text !== 'string') return null;
        texts.push(part.text);
      }
    }
  }
  const text = texts.join('\n').trim();
  return text === '' ? null : text;
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

/** JSON with object keys sorted at every depth, so key order never changes the hash. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
}

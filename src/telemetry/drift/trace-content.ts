/**
 * Reads what drift needs from a trace's stored input and output JSON, whichever writer stored it: the
 * gateway (`{ messages, tools }` in, assistant messages out), OTLP GenAI (`[{ role, parts }]`, or
 * `content` strings), OpenInference and the JSON API (often a plain string). Null means "not known"
 * (content not captured, or a shape with no text), never a guess.
 */
import { isRefusal } from '../../guardrails/output/refusal.js';

export interface OutputFacts {
  refused: boolean;
  toolCalls: boolean;
}

/** The user turns' text (or the plain input string); null when there is none. */
export function inputText(input: unknown): string | null {
  if (typeof input === 'string') return input === '' ? null : input;
  const messages = messageList(input);
  if (messages === null) {
    // An embeddings request's input: a string or a list of strings.
    if (Array.isArray(input) && input.every((item) => typeof item === 'string')) return joined(input);
    return null;
  }
  const userTurns = messages.filter((message) => message.role === 'user');
  return joined(userTurns.map((message) => textOf(message)));
}

/** Whether the answer refused and whether it called tools; null when there is no stored output. */
export function outputFacts(output: unknown): OutputFacts | null {
  if (typeof output === 'string') return { refused: isRefusal(output), toolCalls: false };
  const messages = messageList(output);
  if (messages === null) return null;
  const toolCalls = messages.some(hasToolCalls);
  // OpenAI's own refusal field first; an answer that calls a tool is acting, not refusing.
  const declared = messages.some((message) => typeof message.refusal === 'string' && message.refusal !== '');
  const refused =
    declared || (!toolCalls && isRefusal(messages.map((message) => textOf(message)).join('\n')));
  return { refused, toolCalls };
}

type Message = Record<string, unknown>;

function messageList(value: unknown): Message[] | null {
  const list = isRecord(value) && Array.isArray(value.messages) ? value.messages : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every(isRecord)) return null;
  return list;
}

/** `content` as a string or a list of text parts (OpenAI), or OTel GenAI `parts`. */
function textOf(message: Message): string {
  const { content, parts } = message;
  if (typeof content === 'string') return content;
  const pieces = Array.isArray(content) ? content : Array.isArray(parts) ? parts : [];
  return pieces
    .map((part) =>
      isRecord(part) && part.type === 'text'
        ? typeof part.text === 'string'
          ? part.text
          : typeof part.content === 'string'
            ? part.content
            : ''
        : '',
    )
    .filter((text) => text !== '')
    .join('\n');
}

function hasToolCalls(message: Message): boolean {
  if (Array.isArray(message.tool_calls) && message.tool_calls.length > 0) return true;
  return (
    Array.isArray(message.parts) && message.parts.some((part) => isRecord(part) && part.type === 'tool_call')
  );
}

function joined(texts: string[]): string | null {
  const text = texts.filter((piece) => piece !== '').join('\n');
  return text === '' ? null : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

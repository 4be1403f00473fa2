/**
 * OpenAI chat messages to Gemini `contents` and `systemInstruction`.
 *
 * Gemini knows two roles (`user`, `model`) and one system instruction, wants tool results as
 * `functionResponse` parts named after the function (OpenAI names them by call id), and rejects two
 * consecutive turns of the same role, so same-role messages are merged. Whatever has no Gemini
 * equivalent is reported as a warning, never dropped silently.
 */
import type { ChatMessage, ContentPart, ToolCall } from '../canonical.js';
import type { CallWarning } from '../spec.js';
import type { GeminiContent, GeminiPart } from './api.js';

export interface GeminiPrompt {
  contents: GeminiContent[];
  systemInstruction?: { parts: { text: string }[] };
}

/**
 * Google's documented placeholder for function calls Gemini did not produce itself (OpenAI history
 * carries no thought signatures). Gemini 3 answers 400 when the first function call of a step comes
 * back without a signature; https://ai.google.dev/gemini-api/docs/thought-signatures (FAQ).
 */
export const placeholderThoughtSignature = 'skip_thought_signature_validator';

const dataUrlPattern = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s;

const mimeTypesByExtension: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
  wav: 'audio/wav',
  mp3: 'audio/mp3',
  mp4: 'video/mp4',
  txt: 'text/plain',
};

export function toGeminiContents(messages: ChatMessage[], warnings: CallWarning[]): GeminiPrompt {
  const system: { text: string }[] = [];
  const contents: GeminiContent[] = [];
  const toolNames = new Map<string, string>();
  let conversationStarted = false;

  messages.forEach((message, index) => {
    const at = `messages[${index}]`;
    if (message.name !== undefined && message.role !== 'function' && message.role !== 'tool') {
      warnings.push({
        param: `${at}.name`,
        message: 'Gemini has no participant names; the name was not sent.',
      });
    }
    if (message.role === 'system' || message.role === 'developer') {
      if (conversationStarted) {
        warnings.push({
          param: at,
          message: 'Gemini takes a single system instruction; this later system message was moved into it.',
        });
      }
      const text = textOf(message.content, at, warnings);
      if (text !== '') system.push({ text });
      return;
    }
    conversationStarted = true;
    const parts = partsOf(message, at, toolNames, warnings);
    if (parts.length === 0) {
      warnings.push({ param: at, message: 'Gemini rejects empty turns; this empty message was not sent.' });
      return;
    }
    const role = message.role === 'assistant' ? 'model' : 'user';
    const last = contents.at(-1);
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  });

  for (const content of contents) signFirstFunctionCall(content);
  return system.length > 0 ? { contents, systemInstruction: { parts: system } } : { contents };
}

function partsOf(
  message: ChatMessage,
  at: string,
  toolNames: Map<string, string>,
  warnings: CallWarning[],
): GeminiPart[] {
  switch (message.role) {
    case 'assistant':
      return assistantParts(message, at, toolNames, warnings);
    case 'tool': {
      const id = message.tool_call_id ?? '';
      let name = toolNames.get(id) ?? message.name;
      if (name === undefined) {
        // Gemini matches results to calls by function name; without one, the id is the best guess left.
        warnings.push({
          param: `${at}.tool_call_id`,
          message: `No earlier assistant tool call has id "${id}"; its function name is unknown, so the id was sent as the name.`,
        });
        name = id;
      }
      return [functionResponse(name, textOf(message.content, at, warnings))];
    }
    case 'function':
      return [functionResponse(message.name ?? '', textOf(message.content, at, warnings))];
    default:
      return userParts(message.content, at, warnings);
  }
}

function assistantParts(
  message: ChatMessage,
  at: string,
  toolNames: Map<string, string>,
  warnings: CallWarning[],
): GeminiPart[] {
  const text = textOf(message.content, at, warnings);
  const parts: GeminiPart[] = text === '' ? [] : [{ text }];
  (message.tool_calls ?? []).forEach((call: ToolCall, index) => {
    toolNames.set(call.id, call.function.name);
    parts.push({
      functionCall: {
        name: call.function.name,
        args: parseArguments(call.function.arguments, `${at}.tool_calls[${index}]`, warnings),
      },
    });
  });
  // The legacy `function_call` field of pre-tools clients.
  const legacy = message.function_call as { name?: unknown; arguments?: unknown } | undefined;
  if (typeof legacy?.name === 'string') {
    const args = typeof legacy.arguments === 'string' ? legacy.arguments : '{}';
    parts.push({
      functionCall: { name: legacy.name, args: parseArguments(args, `${at}.function_call`, warnings) },
    });
  }
  return parts;
}

function userParts(content: ChatMessage['content'], at: string, warnings: CallWarning[]): GeminiPart[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  const parts: GeminiPart[] = [];
  content.forEach((part, index) => {
    const converted = userPart(part, `${at}.content[${index}]`, warnings);
    if (converted !== undefined) parts.push(converted);
  });
  return parts;
}

function userPart(part: ContentPart, at: string, warnings: CallWarning[]): GeminiPart | undefined {
  if (part.type === 'text' && typeof part.text === 'string')
    return part.text === '' ? undefined : { text: part.text };
  if (part.type === 'image_url') {
    const image = part.image_url as { url?: unknown; detail?: unknown } | undefined;
    if (image?.detail !== undefined && image.detail !== 'auto') {
      warnings.push({
        param: `${at}.image_url.detail`,
        message: 'Gemini has no per-image detail setting; it was ignored.',
      });
    }
    return typeof image?.url === 'string'
      ? mediaPart(image.url, 'image/jpeg', at, warnings)
      : unsupported(at, part.type, warnings);
  }
  if (part.type === 'input_audio') {
    const audio = part.input_audio as { data?: unknown; format?: unknown } | undefined;
    if (typeof audio?.data === 'string' && typeof audio.format === 'string') {
      return {
        inlineData: {
          mimeType: mimeTypesByExtension[audio.format] ?? `audio/${audio.format}`,
          data: audio.data,
        },
      };
    }
  }
  if (part.type === 'file') {
    const file = part.file as { file_data?: unknown; filename?: unknown } | undefined;
    if (typeof file?.file_data === 'string') {
      const fallback = typeof file.filename === 'string' ? guessMimeType(file.filename) : undefined;
      return mediaPart(file.file_data, fallback ?? 'application/octet-stream', at, warnings);
    }
  }
  return unsupported(at, part.type, warnings);
}

/** A data URL becomes inline bytes; an http(s) URL is passed by reference for Google to fetch. */
function mediaPart(
  url: string,
  fallbackMimeType: string,
  at: string,
  warnings: CallWarning[],
): GeminiPart | undefined {
  const match = dataUrlPattern.exec(url);
  if (match !== null) {
    const [, mimeType = '', parameters = '', payload = ''] = match;
    const data = parameters.includes(';base64')
      ? payload
      : Buffer.from(decodeURIComponent(payload), 'utf8').toString('base64');
    return { inlineData: { mimeType: mimeType === '' ? fallbackMimeType : mimeType, data } };
  }
  if (/^https?:\/\//i.test(url)) {
    return { fileData: { fileUri: url, mimeType: guessMimeType(new URL(url).pathname) ?? fallbackMimeType } };
  }
  warnings.push({
    param: at,
    message: 'Gemini takes data: URLs or http(s) URLs; this media part was not sent.',
  });
  return undefined;
}

function unsupported(at: string, type: string, warnings: CallWarning[]): undefined {
  warnings.push({
    param: at,
    message: `Content parts of type "${type}" are not supported by Gemini; this part was not sent.`,
  });
  return undefined;
}

function functionResponse(name: string, output: string): GeminiPart {
  return { functionResponse: { name, response: { content: parseToolOutput(output) } } };
}

/** Structured tool output stays structured; anything else is wrapped, since `response` must be an object. */
function parseToolOutput(output: string): unknown {
  try {
    const parsed: unknown = JSON.parse(output);
    if (typeof parsed === 'object' && parsed !== null) return parsed;
  } catch {
    // Plain text: wrapped below.
  }
  return { result: output };
}

function parseArguments(text: string, at: string, warnings: CallWarning[]): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text === '' ? '{}' : text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // Reported below.
  }
  warnings.push({
    param: `${at}.function.arguments`,
    message: 'Gemini needs tool call arguments as a JSON object; these were not one and were sent as {}.',
  });
  return {};
}

/** Text of a system, assistant or tool message; non-text parts there have no Gemini equivalent. */
function textOf(content: ChatMessage['content'], at: string, warnings: CallWarning[]): string {
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  const texts: string[] = [];
  content.forEach((part, index) => {
    if (part.type === 'text' && typeof part.text === 'string') texts.push(part.text);
    else unsupported(`${at}.content[${index}]`, part.type, warnings);
  });
  return texts.join('');
}

function signFirstFunctionCall(content: GeminiContent): void {
  if (content.role !== 'model') return;
  const first = content.parts.find((part) => 'functionCall' in part);
  if (first !== undefined && 'functionCall' in first) first.thoughtSignature ??= placeholderThoughtSignature;
}

function guessMimeType(path: string): string | undefined {
  const extension = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  return extension === undefined ? undefined : mimeTypesByExtension[extension];
}

/**
 * Validation of data-plane request bodies at the edge: the OpenAI wire format, precise where a
 * mistake would otherwise reach the provider as a confusing error, open (unknown fields kept) so new
 * OpenAI parameters pass through to compatible upstreams.
 */
import { z } from 'zod';
import type { ChatCompletionRequest, EmbeddingsRequest } from '../providers/canonical.js';
import { GatewayError } from '../errors/gateway-error.js';

const contentPart = z.looseObject({ type: z.string() }).superRefine((part, context) => {
  if (part.type === 'text' && typeof part.text !== 'string') {
    context.addIssue({ code: 'custom', path: ['text'], message: 'a text part needs a string `text`' });
  }
  if (part.type === 'image_url') {
    const url = (part.image_url as { url?: unknown } | undefined)?.url;
    if (typeof url !== 'string')
      context.addIssue({
        code: 'custom',
        path: ['image_url', 'url'],
        message: 'an image_url part needs `image_url.url`',
      });
  }
});

const toolCall = z.looseObject({
  id: z.string(),
  type: z.literal('function'),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});

const message = z
  .looseObject({
    role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
    content: z.union([z.string(), z.array(contentPart), z.null()]).optional(),
    name: z.string().optional(),
    tool_calls: z.array(toolCall).optional(),
    tool_call_id: z.string().optional(),
  })
  .superRefine((value, context) => {
    if (value.role === 'tool' && value.tool_call_id === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['tool_call_id'],
        message: 'a tool message needs `tool_call_id`',
      });
    }
    if (value.role !== 'assistant' && (value.content === undefined || value.content === null)) {
      context.addIssue({
        code: 'custom',
        path: ['content'],
        message: `a ${value.role} message needs \`content\``,
      });
    }
  });

const tool = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'function names use a-z, A-Z, 0-9, _ and -, at most 64'),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
});

const nullableNumber = (schema: z.ZodNumber) => schema.nullish();

// A call by prompt reference (`model: "prompt:name"`) gets its messages from the prompt: its own
// `messages`, if any, are appended to the rendered ones (chat history), so they may be absent.
const promptReferencePrefix = 'prompt:';

const withPromptMessagesDefault = (body: unknown): unknown =>
  typeof body === 'object' &&
  body !== null &&
  'model' in body &&
  typeof body.model === 'string' &&
  body.model.startsWith(promptReferencePrefix) &&
  !('messages' in body)
    ? { ...body, messages: [] }
    : body;

export const chatCompletionFields = z.looseObject({
  model: z.string().min(1),
  messages: z.array(message),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  tools: z.array(tool).optional(),
  tool_choice: z
    .union([
      z.enum(['none', 'auto', 'required']),
      z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string() }) }),
    ])
    .optional(),
  parallel_tool_calls: z.boolean().optional(),
  response_format: z
    .discriminatedUnion('type', [
      z.looseObject({ type: z.literal('text') }),
      z.looseObject({ type: z.literal('json_object') }),
      z.looseObject({
        type: z.literal('json_schema'),
        json_schema: z.looseObject({
          name: z.string(),
          schema: z.record(z.string(), z.unknown()).optional(),
        }),
      }),
    ])
    .optional(),
  n: nullableNumber(z.number().int().min(1).max(128)),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  max_tokens: nullableNumber(z.number().int().positive()),
  max_completion_tokens: nullableNumber(z.number().int().positive()),
  temperature: nullableNumber(z.number().min(0).max(2)),
  top_p: nullableNumber(z.number().min(0).max(1)),
  seed: nullableNumber(z.number().int()),
  presence_penalty: nullableNumber(z.number().min(-2).max(2)),
  frequency_penalty: nullableNumber(z.number().min(-2).max(2)),
  user: z.string().optional(),
  metadata: z.record(z.string(), z.string()).optional(),
});

export const chatCompletionRequestSchema = z.preprocess(
  withPromptMessagesDefault,
  chatCompletionFields.superRefine((request, context) => {
    if (request.messages.length === 0 && !request.model.startsWith(promptReferencePrefix)) {
      context.addIssue({
        code: 'custom',
        path: ['messages'],
        message: '`messages` must contain at least one message',
      });
    }
  }),
);

export const embeddingsRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([
    z.string(),
    z.array(z.string()).min(1, '`input` must not be empty'),
    z.array(z.number().int()).min(1),
    z.array(z.array(z.number().int()).min(1)).min(1),
  ]),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.number().int().positive().optional(),
  user: z.string().optional(),
});

/** Parses a body or throws a 400 naming the first field at fault, as OpenAI does. */
export function parseBody<T>(schema: z.ZodType, body: unknown): T {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new GatewayError('invalid_request', 'The request body must be a JSON object.');
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data as T;
  const issue = result.error.issues[0];
  const param = issue === undefined ? null : formatParam(issue.path);
  const missing = issue?.code === 'invalid_type' && valueAt(body, issue.path) === undefined;
  const message =
    issue === undefined
      ? 'Invalid request body.'
      : missing
        ? `Missing required parameter: '${param}'.`
        : `Invalid value for '${param}': ${issue.message}`;
  throw new GatewayError('invalid_request', message, {
    param,
    publicCode: missing ? 'missing_required_parameter' : 'invalid_value',
  });
}

function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let value = body;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function formatParam(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, key) =>
      typeof key === 'number' ? `${text}[${key}]` : text === '' ? String(key) : `${text}.${String(key)}`,
    '',
  );
}

export const parseChatRequest = (body: unknown): ChatCompletionRequest =>
  parseBody(chatCompletionRequestSchema, body);
export const parseEmbeddingsRequest = (body: unknown): EmbeddingsRequest =>
  parseBody(embeddingsRequestSchema, body);

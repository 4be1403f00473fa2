/**
 * The OpenAI request shapes the mock upstream insists on before answering: only the fields the mock
 * reads are checked, everything else passes (loose objects), so a malformed request gets a 400 like
 * OpenAI's instead of a crash, and a well-formed one is never rejected for fields we do not know.
 */
import { z } from 'zod';
import type { ChatCompletionRequest, EmbeddingsRequest } from '../providers/canonical.js';

const role = z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']);

const contentPart = z.looseObject({ type: z.string() });

const toolCall = z.looseObject({
  id: z.string(),
  type: z.literal('function'),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});

const message = z.looseObject({
  role,
  content: z.union([z.string(), z.array(contentPart), z.null()]).optional(),
  name: z.string().optional(),
  tool_calls: z.array(toolCall).optional(),
  tool_call_id: z.string().optional(),
});

const jsonObject = z.record(z.string(), z.unknown());

const tool = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: jsonObject.optional(),
    strict: z.boolean().optional(),
  }),
});

const toolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string() }) }),
]);

const responseFormat = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    json_schema: z.looseObject({
      name: z.string(),
      description: z.string().optional(),
      schema: jsonObject.optional(),
      strict: z.boolean().optional(),
    }),
  }),
]);

const optionalCount = z.number().int().nullable().optional();

export const chatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(message).min(1),
  stream: z.boolean().nullable().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional(),
  tools: z.array(tool).optional(),
  tool_choice: toolChoice.optional(),
  response_format: responseFormat.optional(),
  n: z.number().int().min(1).max(128).nullable().optional(),
  stop: z.union([z.string(), z.array(z.string()).max(4), z.null()]).optional(),
  max_tokens: optionalCount,
  max_completion_tokens: optionalCount,
});

export const embeddingsRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([
    z.string(),
    z.array(z.string()),
    z.array(z.number().int()),
    z.array(z.array(z.number().int())),
  ]),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.number().int().min(1).max(16_384).optional(),
});

/** Parses a chat body, or returns the first problem in OpenAI's wording style. */
export function parseChatRequest(body: unknown): { request: ChatCompletionRequest } | { problem: string } {
  const parsed = chatRequestSchema.safeParse(body);
  if (!parsed.success) return { problem: describeIssue(parsed.error) };
  const { stream, n, ...rest } = parsed.data;
  // null means "not set" on the wire; the canonical type uses absence for that.
  return { request: { ...rest, ...(stream == null ? {} : { stream }), ...(n == null ? {} : { n }) } };
}

export function parseEmbeddingsRequest(body: unknown): { request: EmbeddingsRequest } | { problem: string } {
  const parsed = embeddingsRequestSchema.safeParse(body);
  return parsed.success ? { request: parsed.data } : { problem: describeIssue(parsed.error) };
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'Invalid request body.';
  const path = issue.path.map(String).join('.');
  return path === '' ? issue.message : `Invalid value for '${path}': ${issue.message}`;
}

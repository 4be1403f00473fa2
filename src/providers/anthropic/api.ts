/**
 * The Anthropic Messages API wire format (`POST /v1/messages`): zod schemas and the types inferred from
 * them, in both directions.
 *
 * The request schema validates what clients send to the gateway's own `/v1/messages` route, so it is
 * precise (zod issue paths become the error `param`). Top-level parameters the gateway does not know are
 * kept (Anthropic adds parameters often) so they can be reported rather than lost; inside blocks only the
 * fields the gateway translates are read. Response and stream-event schemas are loose objects with
 * string stop reasons: they parse what Anthropic sends back, and a new field or stop reason must not fail
 * a call the gateway can still translate.
 *
 * Reference: https://docs.anthropic.com/en/api/messages and https://docs.anthropic.com/en/api/messages-streaming
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------------
// Request (validated at the gateway's edge, and built by the outbound adapter)
// ---------------------------------------------------------------------------------------------------

/**
 * `string | blocks`, parsed by the input's own type: a plain `z.union` would report a bad block as
 * "invalid input" on the whole field, where the client needs the path of the block at fault.
 */
function stringOr<Output>(blocks: z.ZodType<Output>) {
  return z.unknown().transform((value, context): string | Output => {
    if (typeof value === 'string') return value;
    const result = blocks.safeParse(value);
    if (result.success) return result.data;
    for (const issue of result.error.issues)
      context.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    return z.NEVER;
  });
}

export const cacheControlSchema = z.looseObject({ type: z.literal('ephemeral'), ttl: z.string().optional() });

const textBlockParamSchema = z.object({
  type: z.literal('text'),
  text: z.string(),
  cache_control: cacheControlSchema.nullish(),
});

export const imageMediaTypes = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as const;

const imageBlockParamSchema = z.object({
  type: z.literal('image'),
  source: z.discriminatedUnion('type', [
    z.object({ type: z.literal('base64'), media_type: z.enum(imageMediaTypes), data: z.string().min(1) }),
    z.object({ type: z.literal('url'), url: z.url() }),
  ]),
  cache_control: cacheControlSchema.nullish(),
});

const documentBlockParamSchema = z.object({
  type: z.literal('document'),
  source: z.object(
    { type: z.literal('base64'), media_type: z.literal('application/pdf'), data: z.string().min(1) },
    { error: 'the gateway accepts documents as base64 PDF sources only' },
  ),
  title: z.string().nullish(),
  cache_control: cacheControlSchema.nullish(),
});

const toolUseBlockParamSchema = z.object({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
  cache_control: cacheControlSchema.nullish(),
});

const toolResultBlockParamSchema = z.object({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: stringOr(
    z.array(
      z.discriminatedUnion('type', [textBlockParamSchema, imageBlockParamSchema, documentBlockParamSchema]),
    ),
  ).optional(),
  is_error: z.boolean().optional(),
  cache_control: cacheControlSchema.nullish(),
});

/** Extended-thinking blocks: passed back verbatim, since Anthropic checks their signature. */
export const thinkingBlockSchema = z.looseObject({
  type: z.literal('thinking'),
  thinking: z.string(),
  signature: z.string(),
});

export const redactedThinkingBlockSchema = z.looseObject({
  type: z.literal('redacted_thinking'),
  data: z.string(),
});

export const thinkingBlocksSchema = z.array(
  z.discriminatedUnion('type', [thinkingBlockSchema, redactedThinkingBlockSchema]),
);

const contentBlockParamSchema = z.discriminatedUnion('type', [
  textBlockParamSchema,
  imageBlockParamSchema,
  documentBlockParamSchema,
  toolUseBlockParamSchema,
  toolResultBlockParamSchema,
  thinkingBlockSchema,
  redactedThinkingBlockSchema,
]);

/** Block types that only one side of the conversation may send (Anthropic rejects the others). */
const assistantOnlyBlocks = new Set(['tool_use', 'thinking', 'redacted_thinking']);
const userOnlyBlocks = new Set(['tool_result', 'image', 'document']);

const messageParamSchema = z
  .object({
    role: z.enum(['user', 'assistant']),
    content: stringOr(z.array(contentBlockParamSchema)),
  })
  .superRefine((message, context) => {
    if (typeof message.content === 'string') return;
    message.content.forEach((block, index) => {
      const forbidden = message.role === 'user' ? assistantOnlyBlocks : userOnlyBlocks;
      if (forbidden.has(block.type)) {
        context.addIssue({
          code: 'custom',
          path: ['content', index, 'type'],
          message: `a ${message.role} message cannot contain a \`${block.type}\` block`,
        });
      }
    });
  });

const toolSchema = z.object({
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,128}$/, 'tool names use a-z, A-Z, 0-9, _ and -, at most 128'),
  description: z.string().optional(),
  input_schema: z.looseObject(
    { type: z.literal('object') },
    { error: 'the gateway supports client tools with an `input_schema` only (not Anthropic server tools)' },
  ),
  type: z.literal('custom').nullish(),
  strict: z.boolean().optional(),
  cache_control: cacheControlSchema.nullish(),
});

const disableParallel = z.boolean().optional();

const toolChoiceSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auto'), disable_parallel_tool_use: disableParallel }),
  z.object({ type: z.literal('any'), disable_parallel_tool_use: disableParallel }),
  z.object({ type: z.literal('tool'), name: z.string().min(1), disable_parallel_tool_use: disableParallel }),
  z.object({ type: z.literal('none') }),
]);

export const anthropicMessagesRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(messageParamSchema).min(1, '`messages` must contain at least one message'),
  max_tokens: z.number().int().positive(),
  system: stringOr(z.array(textBlockParamSchema)).optional(),
  stop_sequences: z.array(z.string()).optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().positive().optional(),
  tools: z.array(toolSchema).optional(),
  tool_choice: toolChoiceSchema.optional(),
  metadata: z.object({ user_id: z.string().nullish() }).optional(),
  stream: z.boolean().optional(),
  /** Extended thinking (`{type:'enabled', budget_tokens}`…): forwarded as is to Anthropic upstreams. */
  thinking: z.looseObject({ type: z.string() }).optional(),
});

export type AnthropicMessagesRequest = z.infer<typeof anthropicMessagesRequestSchema>;
export type AnthropicMessageParam = z.infer<typeof messageParamSchema>;
export type AnthropicContentBlockParam = z.infer<typeof contentBlockParamSchema>;
export type AnthropicTextBlockParam = z.infer<typeof textBlockParamSchema>;
export type AnthropicImageBlockParam = z.infer<typeof imageBlockParamSchema>;
export type AnthropicDocumentBlockParam = z.infer<typeof documentBlockParamSchema>;
export type AnthropicToolResultBlockParam = z.infer<typeof toolResultBlockParamSchema>;
export type AnthropicTool = z.infer<typeof toolSchema>;
export type AnthropicToolChoice = z.infer<typeof toolChoiceSchema>;
export type AnthropicCacheControl = z.infer<typeof cacheControlSchema>;
export type AnthropicThinkingBlock = z.infer<typeof thinkingBlocksSchema>[number];

// ---------------------------------------------------------------------------------------------------
// Response (untrusted input from the upstream, and built by the inbound route)
// ---------------------------------------------------------------------------------------------------

/** The stop reasons the gateway knows; the wire field is a plain string so new ones still parse. */
export type AnthropicStopReason =
  | 'end_turn'
  | 'max_tokens'
  | 'stop_sequence'
  | 'tool_use'
  | 'pause_turn'
  | 'refusal'
  | 'model_context_window_exceeded';

const textBlockSchema = z.looseObject({ type: z.literal('text'), text: z.string() });

const toolUseBlockSchema = z.looseObject({
  type: z.literal('tool_use'),
  id: z.string(),
  name: z.string(),
  input: z.record(z.string(), z.unknown()),
});

export const anthropicContentBlockSchema = z.discriminatedUnion('type', [
  textBlockSchema,
  toolUseBlockSchema,
  thinkingBlockSchema,
  redactedThinkingBlockSchema,
]);

export const anthropicUsageSchema = z.looseObject({
  input_tokens: z.number(),
  output_tokens: z.number(),
  cache_creation_input_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
});

export const anthropicMessageSchema = z.looseObject({
  id: z.string(),
  type: z.literal('message'),
  role: z.literal('assistant'),
  content: z.array(anthropicContentBlockSchema),
  model: z.string(),
  stop_reason: z.string().nullable(),
  stop_sequence: z.string().nullish(),
  usage: anthropicUsageSchema,
});

export type AnthropicContentBlock = z.infer<typeof anthropicContentBlockSchema>;
export type AnthropicUsage = z.infer<typeof anthropicUsageSchema>;
export type AnthropicMessage = z.infer<typeof anthropicMessageSchema>;

// ---------------------------------------------------------------------------------------------------
// Stream events
// ---------------------------------------------------------------------------------------------------

/** Usage as streamed: every counter may be absent (message_start of a thinking stream has none). */
export const anthropicStreamUsageSchema = z.looseObject({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  cache_creation_input_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
});

const messageStartEventSchema = z.looseObject({
  type: z.literal('message_start'),
  message: z.looseObject({ id: z.string(), model: z.string(), usage: anthropicStreamUsageSchema.optional() }),
});

const contentBlockStartEventSchema = z.looseObject({
  type: z.literal('content_block_start'),
  index: z.number().int().min(0),
  content_block: z.discriminatedUnion('type', [
    textBlockSchema,
    // The opening `input` is `{}`; the real input follows as `input_json_delta` fragments.
    z.looseObject({
      type: z.literal('tool_use'),
      id: z.string(),
      name: z.string(),
      input: z.unknown().optional(),
    }),
    z.looseObject({ type: z.literal('thinking'), thinking: z.string().optional() }),
    z.looseObject({ type: z.literal('redacted_thinking'), data: z.string().optional() }),
  ]),
});

const contentBlockDeltaEventSchema = z.looseObject({
  type: z.literal('content_block_delta'),
  index: z.number().int().min(0),
  delta: z.discriminatedUnion('type', [
    z.looseObject({ type: z.literal('text_delta'), text: z.string() }),
    z.looseObject({ type: z.literal('input_json_delta'), partial_json: z.string().optional() }),
    z.looseObject({ type: z.literal('thinking_delta'), thinking: z.string() }),
    z.looseObject({ type: z.literal('signature_delta'), signature: z.string() }),
    z.looseObject({ type: z.literal('citations_delta'), citation: z.unknown() }),
  ]),
});

const contentBlockStopEventSchema = z.looseObject({
  type: z.literal('content_block_stop'),
  index: z.number().int().min(0),
});

const messageDeltaEventSchema = z.looseObject({
  type: z.literal('message_delta'),
  delta: z.looseObject({ stop_reason: z.string().nullish(), stop_sequence: z.string().nullish() }),
  usage: anthropicStreamUsageSchema.optional(),
});

export const anthropicStreamEventSchema = z.discriminatedUnion('type', [
  messageStartEventSchema,
  contentBlockStartEventSchema,
  contentBlockDeltaEventSchema,
  contentBlockStopEventSchema,
  messageDeltaEventSchema,
  z.looseObject({ type: z.literal('message_stop') }),
  z.looseObject({ type: z.literal('ping') }),
  z.looseObject({
    type: z.literal('error'),
    error: z.looseObject({ type: z.string(), message: z.string() }),
  }),
]);

export type AnthropicStreamEvent = z.infer<typeof anthropicStreamEventSchema>;
export type AnthropicStreamUsage = z.infer<typeof anthropicStreamUsageSchema>;

/**
 * Anthropic's versioning policy allows new event, block and delta types at any time; these are the ones
 * the gateway translates, anything else is skipped rather than failing the stream.
 */
export const knownStreamTypes = {
  events: new Set<string>(anthropicStreamEventSchema.options.map((option) => option.shape.type.value)),
  blocks: new Set<string>(['text', 'tool_use', 'thinking', 'redacted_thinking']),
  deltas: new Set<string>([
    'text_delta',
    'input_json_delta',
    'thinking_delta',
    'signature_delta',
    'citations_delta',
  ]),
};

/** The first problem zod found, with its path, for error messages (`content.0.index: Invalid input…`). */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid value';
  return issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}

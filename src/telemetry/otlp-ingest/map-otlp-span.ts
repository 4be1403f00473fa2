/**
 * From an OTLP span to an `IngestedSpan`: which kind of work it records and its model, provider,
 * tokens, content, user and session, read from the conventions apps actually emit:
 *
 * - OpenTelemetry GenAI semantic conventions, current and older names: `gen_ai.operation.name`,
 *   `gen_ai.provider.name` / `gen_ai.system`, `gen_ai.request.model` / `gen_ai.response.model`,
 *   `gen_ai.usage.input_tokens` / `gen_ai.usage.prompt_tokens`, `gen_ai.usage.output_tokens` /
 *   `gen_ai.usage.completion_tokens`, `gen_ai.input.messages` / `gen_ai.prompt` (also indexed
 *   `gen_ai.prompt.0.content`), `gen_ai.output.messages` / `gen_ai.completion`, `gen_ai.conversation.id`.
 * - OpenInference (Arize Phoenix): `openinference.span.kind`, `llm.model_name`, `llm.provider` /
 *   `llm.system`, `llm.token_count.*`, `input.value`, `output.value`, `llm.input_messages.N.message.*`,
 *   `session.id`, `user.id`, `tag.tags`.
 * - Gatehouse's SDK: `gatehouse.observation.type`, `gatehouse.tags`.
 */
import type { ObservationType, TokenUsage } from '../model.js';
import type { IngestedSpan } from './ingested-span.js';
import type { AttributeValue, Attributes, OtlpSpan } from './read-otlp-request.js';

const openInferenceKinds: Record<string, ObservationType> = {
  LLM: 'generation',
  EMBEDDING: 'embedding',
  RETRIEVER: 'retrieval',
  RERANKER: 'retrieval',
  TOOL: 'tool',
  AGENT: 'agent',
  CHAIN: 'span',
  GUARDRAIL: 'guardrail',
  EVALUATOR: 'evaluator',
};

const genAiOperations: Record<string, ObservationType> = {
  chat: 'generation',
  text_completion: 'generation',
  generate_content: 'generation',
  completion: 'generation',
  embeddings: 'embedding',
  execute_tool: 'tool',
  invoke_agent: 'agent',
  create_agent: 'agent',
};

const observationTypes = new Set<string>([
  'span',
  'generation',
  'embedding',
  'retrieval',
  'tool',
  'agent',
  'guardrail',
  'evaluator',
  'event',
]);

/** Attributes turned into columns; the rest stay in `attributes`. */
const consumed = [
  'gatehouse.observation.type',
  'gatehouse.tags',
  'openinference.span.kind',
  'gen_ai.operation.name',
  'gen_ai.provider.name',
  'gen_ai.system',
  'gen_ai.request.model',
  'gen_ai.response.model',
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.prompt_tokens',
  'gen_ai.usage.output_tokens',
  'gen_ai.usage.completion_tokens',
  'gen_ai.usage.cache_read.input_tokens',
  'gen_ai.usage.cache_read_input_tokens',
  'gen_ai.usage.cost',
  'gen_ai.input.messages',
  'gen_ai.output.messages',
  'gen_ai.prompt',
  'gen_ai.completion',
  'gen_ai.conversation.id',
  'gen_ai.server.time_to_first_token',
  'llm.model_name',
  'llm.provider',
  'llm.system',
  'llm.token_count.prompt',
  'llm.token_count.completion',
  'llm.token_count.total',
  'llm.token_count.prompt_details.cache_read',
  'llm.cost.total',
  'embedding.model_name',
  'input.value',
  'output.value',
  'input.mime_type',
  'output.mime_type',
  'session.id',
  'user.id',
  'enduser.id',
  'tag.tags',
];
const consumedSet = new Set(consumed);
const indexedPrefixes = [
  'gen_ai.prompt.',
  'gen_ai.completion.',
  'llm.input_messages.',
  'llm.output_messages.',
];

export function mapOtlpSpan(span: OtlpSpan): IngestedSpan {
  const attributes = span.attributes;
  const type = observationType(span);
  const usage = usageOf(attributes);
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (!consumedSet.has(key) && !indexedPrefixes.some((prefix) => key.startsWith(prefix))) rest[key] = value;
  }
  const service = text(span.resource['service.name']);
  if (service !== null) rest['service.name'] = service;
  if (span.events.length > 0) rest.events = span.events;
  const ttftSeconds = number(attributes['gen_ai.server.time_to_first_token']);
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    name: span.name,
    type,
    startTime: span.startTime,
    endTime: span.endTime,
    status: span.statusCode === 2 ? 'error' : 'ok',
    errorMessage: span.statusCode === 2 ? (span.statusMessage ?? 'error') : null,
    model:
      text(attributes['gen_ai.response.model']) ??
      text(attributes['gen_ai.request.model']) ??
      text(attributes['llm.model_name']) ??
      text(attributes['embedding.model_name']),
    provider:
      text(attributes['gen_ai.provider.name']) ??
      text(attributes['gen_ai.system']) ??
      text(attributes['llm.provider']) ??
      text(attributes['llm.system']),
    usage,
    reportedCost: number(attributes['gen_ai.usage.cost']) ?? number(attributes['llm.cost.total']),
    ttftMs: ttftSeconds === null ? null : ttftSeconds * 1000,
    input:
      json(attributes['gen_ai.input.messages']) ??
      json(attributes['gen_ai.prompt']) ??
      indexedMessages(attributes, 'gen_ai.prompt.', '') ??
      indexedMessages(attributes, 'llm.input_messages.', 'message.') ??
      json(attributes['input.value']),
    output:
      json(attributes['gen_ai.output.messages']) ??
      json(attributes['gen_ai.completion']) ??
      indexedMessages(attributes, 'gen_ai.completion.', '') ??
      indexedMessages(attributes, 'llm.output_messages.', 'message.') ??
      json(attributes['output.value']),
    userId: text(attributes['user.id']) ?? text(attributes['enduser.id']),
    sessionId: text(attributes['session.id']) ?? text(attributes['gen_ai.conversation.id']),
    tags: tagsOf(attributes['tag.tags'] ?? attributes['gatehouse.tags']),
    attributes: rest,
  };
}

function observationType(span: OtlpSpan): ObservationType {
  const attributes = span.attributes;
  const explicit = text(attributes['gatehouse.observation.type']);
  if (explicit !== null && observationTypes.has(explicit)) return explicit as ObservationType;
  const kind = text(attributes['openinference.span.kind']);
  if (kind !== null && openInferenceKinds[kind.toUpperCase()] !== undefined) {
    return openInferenceKinds[kind.toUpperCase()]!;
  }
  const operation = text(attributes['gen_ai.operation.name']);
  if (operation !== null && genAiOperations[operation] !== undefined) return genAiOperations[operation];
  // Older GenAI instrumentations set the system and model without an operation name.
  if (attributes['gen_ai.system'] !== undefined && attributes['gen_ai.request.model'] !== undefined) {
    return 'generation';
  }
  return 'span';
}

function usageOf(attributes: Attributes): TokenUsage | null {
  const input =
    number(attributes['gen_ai.usage.input_tokens']) ??
    number(attributes['gen_ai.usage.prompt_tokens']) ??
    number(attributes['llm.token_count.prompt']);
  const output =
    number(attributes['gen_ai.usage.output_tokens']) ??
    number(attributes['gen_ai.usage.completion_tokens']) ??
    number(attributes['llm.token_count.completion']);
  const total = number(attributes['llm.token_count.total']);
  if (input === null && output === null && total === null) return null;
  return {
    inputTokens: input,
    outputTokens: output,
    totalTokens: total ?? (input ?? 0) + (output ?? 0),
    cachedInputTokens:
      number(attributes['gen_ai.usage.cache_read.input_tokens']) ??
      number(attributes['gen_ai.usage.cache_read_input_tokens']) ??
      number(attributes['llm.token_count.prompt_details.cache_read']),
    estimated: false,
  };
}

/**
 * Messages spread over indexed attributes (`gen_ai.prompt.0.role`, `llm.input_messages.1.message.content`)
 * gathered back into an array of `{ role, content, … }`; null when there are none.
 */
function indexedMessages(attributes: Attributes, prefix: string, inner: string): unknown[] | null {
  const messages: Record<string, unknown>[] = [];
  for (const [key, value] of Object.entries(attributes)) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    const dot = rest.indexOf('.');
    if (dot <= 0) continue;
    const index = Number(rest.slice(0, dot));
    if (!Number.isInteger(index) || index < 0 || index > 1000) continue;
    let property = rest.slice(dot + 1);
    if (inner !== '' && property.startsWith(inner)) property = property.slice(inner.length);
    messages[index] ??= {};
    messages[index][property] = value;
  }
  const present = messages.filter((message) => message !== undefined);
  return present.length === 0 ? null : present;
}

/** JSON-looking strings parsed (GenAI and OpenInference carry messages as JSON text). */
function json(value: AttributeValue | undefined): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') return value;
  const trimmed = value.trimStart();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }
  return value;
}

function text(value: AttributeValue | undefined): string | null {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  return null;
}

function number(value: AttributeValue | undefined): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return null;
}

function tagsOf(value: AttributeValue | undefined): string[] {
  if (Array.isArray(value)) return value.filter((tag): tag is string => typeof tag === 'string');
  if (typeof value === 'string') {
    const parsed = json(value);
    if (Array.isArray(parsed)) return parsed.filter((tag): tag is string => typeof tag === 'string');
    return value
      .split(',')
      .map((tag) => tag.trim())
      .filter((tag) => tag !== '');
  }
  return [];
}

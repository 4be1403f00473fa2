/**
 * OpenAI's JSON mode (`response_format` json_object / json_schema) on Anthropic, which has no such
 * parameter. The reliable emulation (LiteLLM's) is a forced tool: the request gets one extra tool whose
 * `input_schema` is the wanted JSON and a `tool_choice` naming it, so the model must answer with
 * schema-shaped JSON, and the tool's input becomes the message content on the way back. Forcing a tool is
 * impossible when the client sent tools of its own (it would block their calls) or enabled extended
 * thinking (Anthropic then allows only `auto`/`none`); those requests ask for JSON in the system prompt.
 *
 * The way back must know the tool was sent: `planJsonMode` returns a `JsonResponseTool` that the adapter
 * hands to the response and stream mappers, so nothing outlives the request.
 */
import type { FinishReason, ResponseFormat } from '../canonical.js';
import type { CallWarning } from '../spec.js';
import type { AnthropicTool, AnthropicToolChoice } from './api.js';
import { toFinishReason } from './map-stop-reason.js';

/**
 * The injected tool's name. It cannot collide with a client tool: the tool is only sent when the
 * client sent none.
 */
export const jsonResponseToolName = 'json_response';

const toolDescription =
  'Answer the user by calling this tool: its input is your whole answer, as the JSON the user asked for.';

/**
 * The system-prompt instructions used where a forced tool cannot be. Exported because Anthropic's wire
 * has no JSON-mode flag: whatever answers on the other side (the mock upstream) can only recognise these.
 */
export const jsonModeInstructions = {
  object: 'Respond with a single valid JSON object and nothing else: no prose, no Markdown code fences.',
  /** Followed by a newline and the schema, as JSON. */
  schema:
    'Respond with a single valid JSON value that conforms to the JSON Schema below, and nothing else: no prose, no Markdown code fences.',
} as const;

/** What the response mappers need to read an answer given through the JSON tool. */
export interface JsonResponseTool {
  /**
   * The schema's root was not an object, which Anthropic's `input_schema` requires, so it was sent as
   * the `value` property of one; the answer is that property.
   */
  wrapped: boolean;
}

export interface JsonModePlan {
  /** The forced tool, when JSON mode is a tool call. */
  tool?: { definition: AnthropicTool; choice: AnthropicToolChoice; readBack: JsonResponseTool };
  /** The system-prompt instruction, when JSON mode is asked for in words. */
  instruction?: string;
}

/** Keywords that belong at a schema's root: `#/$defs/…` references resolve against the root. */
const rootKeywords = new Set(['$schema', '$defs', 'definitions']);

/** The start of a wrapped input (`{"value": …`), the only property the wrapper has. */
const wrapperOpening = /^\s*\{\s*"value"\s*:\s*/;

/**
 * @example
 * planJsonMode({ type: 'json_object' }, { clientTools: false, thinking: false }, warnings).tool
 * // { definition: { name: 'json_response', description: '…', input_schema: { type: 'object' } },
 * //   choice: { type: 'tool', name: 'json_response', disable_parallel_tool_use: true }, readBack: { wrapped: false } }
 */
export function planJsonMode(
  format: ResponseFormat | undefined,
  request: { clientTools: boolean; thinking: boolean },
  warnings: CallWarning[],
): JsonModePlan {
  if (format === undefined || format.type === 'text') return {};
  if (format.type !== 'json_object' && format.type !== 'json_schema') {
    warnings.push({ param: 'response_format.type', message: 'unknown response_format type; ignored' });
    return {};
  }
  const schema = format.type === 'json_schema' ? format.json_schema.schema : undefined;
  if (request.clientTools || request.thinking) {
    const reason = request.clientTools
      ? 'the request has tools of its own, which a forced JSON tool would prevent the model from calling'
      : 'extended thinking cannot be combined with a forced tool';
    warnings.push({
      param: 'response_format',
      message:
        `Anthropic has no JSON output mode and ${reason}, so the gateway asked for JSON in the system prompt instead; ` +
        `the answer is not guaranteed to be valid JSON${schema === undefined ? '' : ' or to match the schema'}`,
    });
    return {
      instruction:
        schema === undefined
          ? jsonModeInstructions.object
          : `${jsonModeInstructions.schema}\n${JSON.stringify(schema)}`,
    };
  }
  warnings.push({
    param: 'response_format',
    message:
      `Anthropic has no JSON output mode; the gateway forced a call to a \`${jsonResponseToolName}\` tool whose input schema is the requested ` +
      (schema === undefined
        ? 'JSON object'
        : 'schema (which guides the answer but is not validated by Anthropic)') +
      ', and returned that input as the message content',
  });
  const { inputSchema, wrapped } = toInputSchema(schema);
  const description = format.type === 'json_schema' ? format.json_schema.description : undefined;
  return {
    tool: {
      definition: {
        name: jsonResponseToolName,
        description: description === undefined ? toolDescription : `${toolDescription} ${description}`,
        input_schema: inputSchema,
      },
      // One tool_use block exactly: two JSON values side by side would not be one JSON answer.
      choice: { type: 'tool', name: jsonResponseToolName, disable_parallel_tool_use: true },
      readBack: { wrapped },
    },
  };
}

function toInputSchema(schema: Record<string, unknown> | undefined): {
  inputSchema: AnthropicTool['input_schema'];
  wrapped: boolean;
} {
  if (schema === undefined) return { inputSchema: { type: 'object' }, wrapped: false };
  if (schema.type === 'object') return { inputSchema: { ...schema, type: 'object' }, wrapped: false };
  const root: Record<string, unknown> = {};
  const value: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(schema)) (rootKeywords.has(key) ? root : value)[key] = entry;
  return {
    inputSchema: { ...root, type: 'object', properties: { value }, required: ['value'] },
    wrapped: true,
  };
}

/** The message content for the JSON tool's input: the input itself, or its `value` when wrapped. */
export function jsonResponseText(input: Record<string, unknown>, tool: JsonResponseTool): string {
  // Without `value` the model broke the schema; its input as it is shows what it said.
  return JSON.stringify(tool.wrapped && 'value' in input ? input.value : input);
}

/**
 * The content of a streamed JSON-tool block once it is complete, from its argument fragments (or the
 * input sent at block start when no fragment came).
 */
export function streamedJsonResponseText(
  fragments: string,
  startInput: unknown,
  tool: JsonResponseTool,
): string {
  if (fragments === '') return jsonResponseText(isObject(startInput) ? startInput : {}, tool);
  const parsed = parseJson(fragments);
  if (isObject(parsed)) return jsonResponseText(parsed, tool);
  // Cut short (max_tokens): the partial JSON goes out as it is, as OpenAI's own `length` answers do,
  // without the wrapper's opening when there is one.
  return tool.wrapped ? fragments.replace(wrapperOpening, '') : fragments;
}

/** The forced tool call is the answer, so Anthropic's `tool_use` stop is OpenAI's `stop`. */
export function toJsonAnswerFinishReason(stopReason: string | null | undefined): FinishReason {
  return stopReason === 'tool_use' ? 'stop' : toFinishReason(stopReason);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

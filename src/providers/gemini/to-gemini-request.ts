/**
 * An OpenAI chat completion request to a Gemini `generateContent` body (vercel/ai's `getArgs`):
 * messages via `to-gemini-contents.ts`, tools and JSON schemas via `to-gemini-schema.ts`, sampling
 * parameters into `generationConfig`. Every request field Gemini cannot honour becomes a warning.
 */
import type { ChatCompletionRequest, FunctionTool, ResponseFormat, ToolChoice } from '../canonical.js';
import type { CallWarning } from '../spec.js';
import type {
  GeminiFunctionDeclaration,
  GeminiGenerateContentRequest,
  GeminiGenerationConfig,
} from './api.js';
import { toGeminiContents } from './to-gemini-contents.js';
import { toGeminiSchema } from './to-gemini-schema.js';

export interface GeminiRequestConversion {
  args: GeminiGenerateContentRequest;
  warnings: CallWarning[];
}

/**
 * Request fields translated below, or without meaning upstream (`model` is in the URL, `stream`
 * picks the endpoint, usage is always reported). Any other field that is set is reported.
 */
const translatedFields = new Set([
  'model',
  'messages',
  'stream',
  'stream_options',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'response_format',
  'n',
  'stop',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'top_k',
  'seed',
  'presence_penalty',
  'frequency_penalty',
]);

/**
 * @example
 * toGeminiRequest({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 50 })
 * // → { args: { contents: [{ role: 'user', parts: [{ text: 'Hi' }] }], generationConfig: { maxOutputTokens: 50 } }, warnings: [] }
 */
export function toGeminiRequest(request: ChatCompletionRequest): GeminiRequestConversion {
  const warnings: CallWarning[] = [];
  const args: GeminiGenerateContentRequest = toGeminiContents(request.messages, warnings);

  const declarations = toFunctionDeclarations(request.tools, warnings);
  if (declarations.length > 0) args.tools = [{ functionDeclarations: declarations }];
  const toolConfig = toToolConfig(request.tool_choice, warnings);
  if (toolConfig !== undefined) args.toolConfig = toolConfig;
  if (request.parallel_tool_calls === false) {
    warnings.push({
      param: 'parallel_tool_calls',
      message: 'Gemini cannot be told to avoid parallel function calls; it may still return several.',
    });
  }

  const generationConfig = toGenerationConfig(request, warnings);
  if (Object.keys(generationConfig).length > 0) args.generationConfig = generationConfig;

  for (const [field, value] of Object.entries(request)) {
    if (value !== undefined && value !== null && !translatedFields.has(field)) {
      warnings.push({ param: field, message: `Gemini does not support "${field}"; it was not sent.` });
    }
  }
  return { args, warnings };
}

function toFunctionDeclarations(
  tools: FunctionTool[] | undefined,
  warnings: CallWarning[],
): GeminiFunctionDeclaration[] {
  const declarations: GeminiFunctionDeclaration[] = [];
  (tools ?? []).forEach((tool, index) => {
    const at = `tools[${index}]`;
    if (tool.type !== 'function') {
      warnings.push({
        param: at,
        message: `Tools of type "${String(tool.type)}" are not supported by Gemini; it was not sent.`,
      });
      return;
    }
    const { name, description, parameters, strict } = tool.function;
    if (strict === true) {
      warnings.push({
        param: `${at}.function.strict`,
        message: 'Gemini has no strict mode for function arguments.',
      });
    }
    const { schema, dropped } = toGeminiSchema(parameters);
    reportDropped(`${at}.function.parameters`, dropped, warnings);
    declarations.push({
      name,
      ...(description === undefined ? {} : { description }),
      ...(schema === undefined ? {} : { parameters: schema }),
    });
  });
  return declarations;
}

function toToolConfig(
  choice: ToolChoice | undefined,
  warnings: CallWarning[],
): GeminiGenerateContentRequest['toolConfig'] {
  if (choice === undefined) return undefined;
  if (choice === 'auto') return { functionCallingConfig: { mode: 'AUTO' } };
  if (choice === 'none') return { functionCallingConfig: { mode: 'NONE' } };
  if (choice === 'required') return { functionCallingConfig: { mode: 'ANY' } };
  if (typeof choice === 'object' && choice.type === 'function') {
    return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.function.name] } };
  }
  warnings.push({
    param: 'tool_choice',
    message: 'This tool_choice is not supported by Gemini; it was not sent.',
  });
  return undefined;
}

function toGenerationConfig(request: ChatCompletionRequest, warnings: CallWarning[]): GeminiGenerationConfig {
  const config: GeminiGenerationConfig = {};
  if (isNumber(request.temperature)) config.temperature = request.temperature;
  if (isNumber(request.top_p)) config.topP = request.top_p;
  // Not an OpenAI field, but common in OpenAI-compatible clients, and Gemini has it.
  if (isNumber(request.top_k)) config.topK = request.top_k;
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (isNumber(maxTokens)) config.maxOutputTokens = maxTokens;
  if (typeof request.stop === 'string') config.stopSequences = [request.stop];
  else if (Array.isArray(request.stop) && request.stop.length > 0) config.stopSequences = request.stop;
  if (isNumber(request.n) && request.n !== 1) config.candidateCount = request.n;
  if (isNumber(request.seed)) config.seed = request.seed;
  if (isNumber(request.presence_penalty)) config.presencePenalty = request.presence_penalty;
  if (isNumber(request.frequency_penalty)) config.frequencyPenalty = request.frequency_penalty;
  applyResponseFormat(config, request.response_format, warnings);
  return config;
}

function applyResponseFormat(
  config: GeminiGenerationConfig,
  format: ResponseFormat | undefined,
  warnings: CallWarning[],
): void {
  if (format === undefined || format.type === 'text') return;
  if (format.type === 'json_object') {
    config.responseMimeType = 'application/json';
    return;
  }
  if (format.type === 'json_schema') {
    config.responseMimeType = 'application/json';
    const { schema, dropped } = toGeminiSchema(format.json_schema.schema);
    reportDropped('response_format.json_schema.schema', dropped, warnings);
    if (schema !== undefined) config.responseSchema = schema;
    return;
  }
  warnings.push({
    param: 'response_format',
    message: 'This response_format is not supported by Gemini; it was not sent.',
  });
}

function reportDropped(param: string, dropped: string[], warnings: CallWarning[]): void {
  if (dropped.length === 0) return;
  warnings.push({
    param,
    message: `Gemini's schema subset does not support ${dropped.join(', ')}; the schema was sent without them.`,
  });
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

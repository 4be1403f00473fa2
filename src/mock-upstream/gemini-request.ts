/**
 * Gemini `generateContent` and embedding requests as the mock upstream reads them, and a small
 * converter to the canonical chat request so the one mock model answers every format. Deliberately
 * local and partial (text, function calls/responses, system instruction, tools, tool config and the
 * generation settings the mock honours): the real Gemini adapter lives in `providers/gemini/`, and a
 * fake server must not depend on the code it is used to test.
 */
import { z } from 'zod';
import type {
  ChatCompletionRequest,
  ChatMessage,
  FunctionTool,
  ToolCall,
  ToolChoice,
} from '../providers/canonical.js';

const jsonObject = z.record(z.string(), z.unknown());

const part = z.looseObject({
  text: z.string().optional(),
  functionCall: z
    .looseObject({ name: z.string(), args: jsonObject.optional(), id: z.string().optional() })
    .optional(),
  functionResponse: z
    .looseObject({ name: z.string(), response: z.unknown().optional(), id: z.string().optional() })
    .optional(),
});

const content = z.looseObject({ role: z.string().optional(), parts: z.array(part) });

const functionDeclaration = z.looseObject({
  name: z.string().min(1),
  description: z.string().optional(),
  parameters: jsonObject.optional(),
  parametersJsonSchema: jsonObject.optional(),
});

export const generateContentSchema = z.looseObject({
  contents: z.array(content).min(1),
  systemInstruction: content.optional(),
  tools: z.array(z.looseObject({ functionDeclarations: z.array(functionDeclaration).optional() })).optional(),
  toolConfig: z
    .looseObject({
      functionCallingConfig: z
        .looseObject({ mode: z.string().optional(), allowedFunctionNames: z.array(z.string()).optional() })
        .optional(),
    })
    .optional(),
  generationConfig: z
    .looseObject({
      maxOutputTokens: z.number().int().min(1).optional(),
      stopSequences: z.array(z.string()).optional(),
      candidateCount: z.number().int().min(1).max(8).optional(),
      responseMimeType: z.string().optional(),
      responseSchema: jsonObject.optional(),
      responseJsonSchema: jsonObject.optional(),
    })
    .optional(),
});

export type GenerateContentRequest = z.infer<typeof generateContentSchema>;

const embedContent = z.looseObject({
  model: z.string().optional(),
  content,
  outputDimensionality: z.number().int().min(1).max(16_384).optional(),
});

export const embedContentSchema = embedContent;
export const batchEmbedContentsSchema = z.looseObject({ requests: z.array(embedContent).min(1) });

/** The canonical request that the Gemini request `body` for `model` amounts to. */
export function toCanonicalRequest(body: GenerateContentRequest, model: string): ChatCompletionRequest {
  const messages: ChatMessage[] = [];
  const system = textOf(body.systemInstruction?.parts ?? []);
  if (system !== '') messages.push({ role: 'system', content: system });
  for (const turn of body.contents) messages.push(...toMessages(turn));

  const tools: FunctionTool[] = (body.tools ?? []).flatMap((tool) =>
    (tool.functionDeclarations ?? []).map((declaration) => ({
      type: 'function' as const,
      function: {
        name: declaration.name,
        ...(declaration.description === undefined ? {} : { description: declaration.description }),
        parameters: declaration.parametersJsonSchema ??
          declaration.parameters ?? { type: 'object', properties: {} },
      },
    })),
  );
  const config = body.generationConfig ?? {};
  const schema = config.responseJsonSchema ?? config.responseSchema;
  const request: ChatCompletionRequest = { model, messages };
  if (tools.length > 0) request.tools = tools;
  const toolChoice = toCanonicalToolChoice(body.toolConfig?.functionCallingConfig);
  if (toolChoice !== undefined) request.tool_choice = toolChoice;
  if (config.maxOutputTokens !== undefined) request.max_tokens = config.maxOutputTokens;
  if (config.stopSequences !== undefined) request.stop = config.stopSequences;
  if (config.candidateCount !== undefined) request.n = config.candidateCount;
  if (config.responseMimeType === 'application/json') {
    request.response_format =
      schema === undefined
        ? { type: 'json_object' }
        : { type: 'json_schema', json_schema: { name: 'response', schema } };
  }
  return request;
}

type Content = z.infer<typeof content>;

/** One Gemini turn → canonical messages: function responses become tool messages, calls tool_calls. */
function toMessages(turn: Content): ChatMessage[] {
  const messages: ChatMessage[] = [];
  for (const response of turn.parts.flatMap((item) =>
    item.functionResponse === undefined ? [] : [item.functionResponse],
  )) {
    messages.push({
      role: 'tool',
      tool_call_id: response.id ?? response.name,
      content: JSON.stringify(response.response ?? {}),
    });
  }
  const text = textOf(turn.parts);
  if (turn.role === 'model') {
    const calls: ToolCall[] = turn.parts.flatMap((item, index) =>
      item.functionCall === undefined
        ? []
        : [
            {
              id: item.functionCall.id ?? `${item.functionCall.name}-${index}`,
              type: 'function' as const,
              function: {
                name: item.functionCall.name,
                arguments: JSON.stringify(item.functionCall.args ?? {}),
              },
            },
          ],
    );
    if (text !== '' || calls.length > 0) {
      messages.push({
        role: 'assistant',
        content: text === '' ? null : text,
        ...(calls.length > 0 ? { tool_calls: calls } : {}),
      });
    }
  } else if (text !== '') {
    messages.push({ role: 'user', content: text });
  }
  return messages;
}

function toCanonicalToolChoice(
  config: { mode?: string | undefined; allowedFunctionNames?: string[] | undefined } | undefined,
): ToolChoice | undefined {
  switch (config?.mode?.toUpperCase()) {
    case 'NONE':
      return 'none';
    case 'ANY': {
      const [only, ...others] = config.allowedFunctionNames ?? [];
      return only !== undefined && others.length === 0
        ? { type: 'function', function: { name: only } }
        : 'required';
    }
    case 'AUTO':
    case 'VALIDATED':
      return 'auto';
    default:
      return undefined;
  }
}

function textOf(parts: Content['parts']): string {
  return parts
    .map((item) => item.text ?? '')
    .filter((text) => text !== '')
    .join('');
}

/**
 * A prompt as the SDK hands it to an app: the exact version served (or the app's code-level fallback),
 * its model config, and `compile(variables)` with the server's own strict mustache rendering — a
 * missing required variable or a value of the wrong type throws naming it, as the gateway's 400 does.
 */
import type { ChatCompletionRequest } from '../providers/canonical.js';
import { defaultLabel } from '../prompts/reference.js';
import {
  analyzeTemplate,
  completeDeclarations,
  renderTemplate,
  type RenderInput,
} from '../prompts/template.js';
import type {
  ExtraVariablesPolicy,
  PromptModelConfig,
  PromptTemplate,
  PromptType,
  PromptVersion,
  VariableDeclaration,
} from '../prompts/types.js';

/** What `GET /api/prompts/:name/labels/:label` and `…/versions/:n` answer: the stored version. */
export type PromptVersionBody = PromptVersion;

/** The prompt an app uses when the registry is unreachable and nothing is cached. */
export interface PromptFallback {
  /** A text template, or chat messages (`{ role, content }`, `{ type: 'placeholder', name }`). */
  template: PromptTemplate;
  config?: PromptModelConfig;
  /** Declarations; variables the template uses without one are required strings, as on the server. */
  variables?: VariableDeclaration[];
  extraVariables?: ExtraVariablesPolicy;
}

/**
 * A rendered message. The template's own turns have a role and string content; the messages an app
 * passes for a placeholder are inserted as the app gave them.
 */
export type PromptMessage =
  | { role: 'system'; content: string }
  | { role: 'developer'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string };

/** An OpenAI chat request (what `openai.chat.completions.create` takes). */
export type ChatRequest = Pick<ChatCompletionRequest, 'model'> & { messages: PromptMessage[] } & Partial<
    Pick<ChatCompletionRequest, 'temperature' | 'max_tokens' | 'response_format' | 'tools'>
  >;

export interface GatehousePrompt {
  name: string;
  /** The exact version served; null for the code-level fallback. */
  version: number | null;
  /** The label asked for; null when a version number was. */
  label: string | null;
  type: PromptType;
  template: PromptTemplate;
  /** Model, temperature, max tokens, response format, tools. */
  config: PromptModelConfig;
  variables: VariableDeclaration[];
  tags: string[];
  /** True when this is the app's fallback (the registry was unreachable and nothing was cached). */
  isFallback: boolean;
  /**
   * The rendered messages (a text prompt is one user message). Throws a `GatewayError` naming the
   * variable (`param: 'prompt_variables.question'`) when a required one is missing or mistyped.
   */
  compile(variables?: Record<string, unknown>): PromptMessage[];
  /** An OpenAI chat request: the version's model config, the rendered messages, then `overrides`. */
  toChatRequest(variables?: Record<string, unknown>, overrides?: Partial<ChatRequest>): ChatRequest;
  /** `prompt:name@version` (or `@label` for a fallback): the `model` that makes the gateway render it. */
  reference: string;
}

/** The prompt of a version the registry served, with its includes resolved. */
export function promptFromVersion(
  body: PromptVersionBody,
  label: string | null,
  includes: { partials: Record<string, string>; variables: readonly VariableDeclaration[] },
): GatehousePrompt {
  return buildPrompt({
    name: body.name,
    version: body.version,
    label,
    type: body.type,
    template: body.template,
    config: body.config,
    tags: body.tags,
    isFallback: false,
    reference: `prompt:${body.name}@${body.version}`,
    render: {
      label: `${body.name} v${body.version}`,
      template: body.template,
      variables: includes.variables,
      extraVariables: body.extraVariables,
      partials: includes.partials,
    },
  });
}

/** The prompt of an app's fallback; its template is checked like a push (a syntax error throws). */
export function promptFromFallback(
  name: string,
  label: string | null,
  fallback: PromptFallback,
): GatehousePrompt {
  const variables = completeDeclarations(fallback.variables ?? [], analyzeTemplate(fallback.template));
  return buildPrompt({
    name,
    version: null,
    label,
    type: typeof fallback.template === 'string' ? 'text' : 'chat',
    template: fallback.template,
    config: fallback.config ?? {},
    tags: [],
    isFallback: true,
    reference: `prompt:${name}@${label ?? defaultLabel}`,
    render: {
      label: `${name} (fallback)`,
      template: fallback.template,
      variables,
      extraVariables: fallback.extraVariables ?? 'ignore',
      partials: {},
    },
  });
}

type PromptFields = Omit<GatehousePrompt, 'compile' | 'toChatRequest' | 'variables'> & {
  render: RenderInput;
};

function buildPrompt(fields: PromptFields): GatehousePrompt {
  const { render, ...rest } = fields;
  // The template's roles are the four above; placeholder messages were checked to be chat messages.
  const compile = (values: Record<string, unknown> = {}) => renderTemplate(render, values) as PromptMessage[];
  return {
    ...rest,
    variables: [...render.variables],
    compile,
    toChatRequest(values = {}, overrides = {}) {
      const { model, temperature, max_tokens, response_format, tools } = fields.config;
      const request: ChatRequest = { model: model ?? '', messages: compile(values) };
      if (temperature !== undefined) request.temperature = temperature;
      if (max_tokens !== undefined) request.max_tokens = max_tokens;
      if (response_format !== undefined) request.response_format = response_format;
      if (tools !== undefined) request.tools = tools;
      Object.assign(request, overrides);
      if (request.model === '') {
        throw new Error(
          `Prompt ${fields.name} has no model in its config; pass one: toChatRequest(variables, { model }).`,
        );
      }
      return request;
    },
  };
}

/**
 * Resolve prompt: a call by prompt reference (`model: "prompt:support-answer"`, `…@staging`, `…@7`)
 * becomes the call the prompt version describes. The version is chosen by its label (or an experiment
 * splitting that label, sticky per `user`), its template rendered with `prompt_variables` (body) or
 * the `x-gatehouse-prompt-variables` header (JSON; body values win), and the request's own messages
 * appended. The version's model config fills what the request leaves unset. Runs before resolve-route,
 * which then routes the version's model. The trace records the exact version.
 */
import { GatewayError } from '../errors/gateway-error.js';
import type { PromptResolver } from '../prompts/prompt-resolver.js';
import { modelAllowed, promptAllowed } from '../tenancy/effective-policy.js';
import { parsePromptReference, promptModelPrefix } from '../prompts/reference.js';
import { renderTemplate } from '../prompts/template.js';
import type { PromptScope } from '../prompts/types.js';
import type { ChatCompletionRequest } from '../providers/canonical.js';
import type { ChatContext, RequestContext } from './context.js';
import type { Stage } from './compose.js';

/** Tenant and project of a request without one (single-tenant deployments). */
export const defaultScopeId = 'default';

export const resolvePrompt = (resolver: PromptResolver): Stage<RequestContext> =>
  async function resolvePrompt(context, next) {
    if (context.kind !== 'chat' || !context.request.model.startsWith(promptModelPrefix)) return next();
    const reference = parsePromptReference(context.request.model.slice(promptModelPrefix.length));
    if (reference === null) {
      throw new GatewayError(
        'invalid_request',
        `Invalid prompt reference \`${context.request.model}\`: expected prompt:name, prompt:name@label or prompt:name@version.`,
        { param: 'model', publicCode: 'invalid_prompt_reference' },
      );
    }
    const { prompt_variables: bodyVariables, ...request } = context.request;
    const values = variablesOf(context, bodyVariables);
    const policy = context.tenancy?.policy ?? null;
    if (policy !== null && !promptAllowed(policy, reference.name)) {
      throw new GatewayError('permission_denied', `This key may not use the prompt \`${reference.name}\`.`, {
        param: 'model',
        publicCode: 'prompt_not_allowed',
      });
    }
    const scope: PromptScope = {
      tenantId: context.tenancy?.tenantId ?? defaultScopeId,
      projectId: context.tenancy?.projectId ?? defaultScopeId,
    };
    const resolved = await resolver.resolve(scope, reference, {
      user: request.user,
      metadata: request.metadata,
    });
    context.prompt = {
      name: resolved.name,
      version: resolved.version,
      label: resolved.label,
      experimentId: resolved.experiment?.id ?? null,
      variant: resolved.experiment?.variant ?? null,
    };
    const model = resolved.config.model;
    if (model === undefined) {
      throw new GatewayError(
        'invalid_request',
        `Prompt ${resolved.name} v${resolved.version} has no model in its config; push a version with config.model.`,
        { param: 'model', publicCode: 'prompt_without_model' },
      );
    }
    if (policy !== null && !modelAllowed(policy, model)) {
      throw new GatewayError(
        'permission_denied',
        `This key may not use the model \`${model}\` that prompt ${resolved.name} v${resolved.version} calls.`,
        { param: 'model', publicCode: 'model_not_allowed' },
      );
    }
    context.promptId = resolved.name;
    const rendered = renderTemplate(resolved.render, values);
    const call: ChatCompletionRequest = { ...request, model, messages: [...rendered, ...request.messages] };
    // The version's settings apply where the request sets nothing.
    const { temperature, max_tokens, response_format, tools } = resolved.config;
    if (temperature !== undefined) call.temperature ??= temperature;
    if (max_tokens !== undefined && call.max_completion_tokens == null) call.max_tokens ??= max_tokens;
    if (response_format !== undefined) call.response_format ??= response_format;
    if (tools !== undefined) call.tools ??= tools;
    context.request = call;
    await next();
  };

function variablesOf(context: ChatContext, bodyVariables: unknown): Record<string, unknown> {
  if (bodyVariables !== undefined && !isPlainObject(bodyVariables)) {
    throw new GatewayError('invalid_request', '`prompt_variables` must be an object of variable values.', {
      param: 'prompt_variables',
    });
  }
  const header = context.promptVariablesHeader;
  if (header === undefined) return bodyVariables ?? {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(header);
  } catch {
    parsed = undefined;
  }
  if (!isPlainObject(parsed)) {
    throw new GatewayError(
      'invalid_request',
      'The x-gatehouse-prompt-variables header must be a JSON object.',
      {
        param: 'x-gatehouse-prompt-variables',
      },
    );
  }
  return bodyVariables === undefined ? parsed : { ...parsed, ...bodyVariables };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

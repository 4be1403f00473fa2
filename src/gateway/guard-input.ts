/**
 * Guard input: the request's guardrail policy (the caller's, else the model's, else the default) runs
 * its input checks before dispatch. `mask` rewrites the messages the model sees (pseudonyms kept in
 * the vault for the answer), `block` ends the request with a 400 or the configured safe reply,
 * `fallback` re-routes to another model, `flag` only records. A policy with a canary check gets its
 * token appended to the system prompt here.
 */
import { GatewayError } from '../errors/gateway-error.js';
import type { CompleteText } from '../guardrails/judge/llm-judge.js';
import { canaryInstruction, newCanaryToken } from '../guardrails/output/canary.js';
import { PseudonymVault } from '../guardrails/pii/pseudonymize.js';
import type { GuardrailPolicies } from '../guardrails/policy/guardrail-policies.js';
import type { GuardrailRun } from '../guardrails/policy/guardrail-run.js';
import { runInputChecks } from '../guardrails/policy/run-checks.js';
import { messageSegments, withSegmentTexts } from '../guardrails/policy/segments.js';
import type { ChatCompletionRequest } from '../providers/canonical.js';
import type { Stage } from './compose.js';
import type { RequestContext } from './context.js';
import { blockedError, recordVerdicts } from './guardrail-records.js';
import { routeTo, type ModelRouter } from './resolve-route.js';
import { safeReplyResult } from './safe-reply.js';

export interface GuardOptions {
  policies: GuardrailPolicies;
  router: ModelRouter;
  complete: CompleteText;
}

export const guardInput = (options: GuardOptions): Stage<RequestContext> =>
  async function guardInput(context, next) {
    if (context.kind !== 'chat') return next();
    // A policy attached to the caller's key, project or tenant wins over the model's.
    const attached = context.tenancy?.policy?.guardrailPolicy ?? null;
    const policy =
      attached === null
        ? options.policies.forModel(context.route?.name ?? context.request.model)
        : options.policies.get(attached);
    if (policy === undefined) {
      if (attached !== null) {
        throw new GatewayError('internal_error', `guardrail policy "${attached}" is not configured`);
      }
      return next();
    }
    const run: GuardrailRun = {
      policy: policy.name,
      verdicts: [],
      vault: new PseudonymVault(),
      canary: null,
    };
    context.guardrails = run;
    if (policy.input.length > 0) {
      const segments = messageSegments(context.request.messages);
      const result = await runInputChecks(
        policy.input,
        { request: context.request, segments },
        { signal: context.signal, complete: options.complete },
        run.vault,
      );
      recordVerdicts(context, run, result.verdicts);
      if (result.masked.size > 0) {
        context.request = {
          ...context.request,
          messages: withSegmentTexts(context.request.messages, result.masked),
        };
      }
      const decision = result.decision;
      if (decision?.check.action === 'block') {
        if (decision.check.blockReply === undefined) throw blockedError(run, decision.verdict);
        context.result = safeReplyResult(context, decision.check.blockReply);
        return;
      }
      if (decision?.check.action === 'fallback' && decision.check.fallbackModel !== undefined) {
        routeTo(context, options.router, decision.check.fallbackModel);
      }
    }
    if (policy.usesCanary) {
      run.canary = newCanaryToken();
      context.request = withCanary(context.request, run.canary);
    }
    await next();
  };

/** The canary line joins the first system message, or becomes one. */
function withCanary(request: ChatCompletionRequest, token: string): ChatCompletionRequest {
  const line = canaryInstruction(token);
  const index = request.messages.findIndex(
    (message) => message.role === 'system' || message.role === 'developer',
  );
  const messages = [...request.messages];
  const system = index < 0 ? undefined : messages[index];
  if (system !== undefined && typeof system.content === 'string') {
    messages[index] = { ...system, content: `${system.content}\n\n${line}` };
  } else {
    messages.unshift({ role: 'system', content: line });
  }
  return { ...request, messages };
}

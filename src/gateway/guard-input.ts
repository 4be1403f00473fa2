/**
 * Guard input: the request's guardrail policy (the caller's, else the model's, else the default) runs
 * its input checks before dispatch — on chat messages and on embedding inputs (each input text is
 * checked as a user message). `mask` rewrites the messages the model sees (pseudonyms kept in
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
import type { ChatCompletionRequest, ChatMessage, EmbeddingsRequest } from '../providers/canonical.js';
import type { TextSegment } from '../guardrails/policy/segments.js';
import type { Stage } from './compose.js';
import type { RequestContext } from './context.js';
import { blockedError, recordVerdicts, type GuardrailSinks } from './guardrail-records.js';
import { routeTo, type ModelRouter } from './resolve-route.js';
import { safeReplyResult } from './safe-reply.js';

export interface GuardOptions {
  policies: GuardrailPolicies;
  router: ModelRouter;
  complete: CompleteText;
  /** Metrics and the review queue. */
  sinks: GuardrailSinks;
}

export const guardInput = (options: GuardOptions): Stage<RequestContext> =>
  async function guardInput(context, next) {
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
      const messages =
        context.kind === 'chat' ? context.request.messages : embeddingMessages(context.request.input);
      const segments = messageSegments(messages);
      const result = await runInputChecks(
        policy.input,
        { request: { ...context.request, messages }, segments },
        { signal: context.signal, complete: options.complete },
        run.vault,
      );
      recordVerdicts(context, run, result.verdicts, {
        sinks: options.sinks,
        reviewActions: policy.reviewActions,
        textOf: (verdict) => reviewedText(segments, verdict.segment),
      });
      if (result.masked.size > 0) {
        const masked = withSegmentTexts(messages, result.masked);
        if (context.kind === 'chat') context.request = { ...context.request, messages: masked };
        else
          context.request = {
            ...context.request,
            input: maskedEmbeddingInput(context.request.input, masked),
          };
      }
      const decision = result.decision;
      if (decision?.check.action === 'block') {
        // An embeddings call has no text answer to put a safe reply in.
        if (decision.check.blockReply === undefined || context.kind !== 'chat')
          throw blockedError(run, decision.verdict);
        context.result = safeReplyResult(context, decision.check.blockReply);
        return;
      }
      if (decision?.check.action === 'fallback' && decision.check.fallbackModel !== undefined) {
        routeTo(context, options.router, decision.check.fallbackModel);
      }
    }
    if (policy.usesCanary && context.kind === 'chat') {
      run.canary = newCanaryToken();
      context.request = withCanary(context.request, run.canary);
    }
    await next();
  };

/** What a reviewer is shown: the segment that scored highest, else the last user text. */
function reviewedText(segments: readonly TextSegment[], index: number | undefined): string {
  const segment =
    (index === undefined ? undefined : segments[index]) ??
    segments.findLast((candidate) => candidate.role === 'user');
  return segment?.text ?? '';
}

/** Embedding inputs as user messages, so the input checks see them; token arrays carry no text. */
function embeddingMessages(input: EmbeddingsRequest['input']): ChatMessage[] {
  const texts = typeof input === 'string' ? [input] : input;
  return texts.map((text) => ({ role: 'user', content: typeof text === 'string' ? text : '' }));
}

function maskedEmbeddingInput(
  input: EmbeddingsRequest['input'],
  masked: readonly ChatMessage[],
): EmbeddingsRequest['input'] {
  const texts = masked.map((message) => (typeof message.content === 'string' ? message.content : ''));
  if (typeof input === 'string') return texts[0] ?? input;
  return (input as (string | number | number[])[]).map((original, index) =>
    typeof original === 'string' ? (texts[index] ?? original) : original,
  ) as EmbeddingsRequest['input'];
}

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

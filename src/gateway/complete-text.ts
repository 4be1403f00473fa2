/**
 * Calls a configured model for the gateway's own needs (the guardrails' LLM judge): the planned
 * route's deployments in order (routing models, strategies and fallbacks applied), skipping open
 * breakers, non-streamed, answer text only. It bypasses the pipeline so a judge call is never itself
 * judged.
 */
import { UpstreamCallError } from '../providers/shared/upstream-error.js';
import type { CompleteText } from '../guardrails/judge/llm-judge.js';
import { messageText } from '../usage/count-tokens.js';
import { RequestEstimate } from '../routing/request-estimate.js';
import type { ChatCompletionRequest } from '../providers/canonical.js';
import type { ModelRouter } from './resolve-route.js';

export function createTextCompleter(router: ModelRouter): CompleteText {
  return async function completeText(model, messages, signal) {
    const node = router.resolve(model);
    if (node === undefined) throw new Error(`model ${model} is not configured`);
    const request: ChatCompletionRequest = { model, messages, temperature: 0, max_tokens: 64 };
    const routed = { kind: 'chat', request } as const;
    const plan = router.plan(node, {
      routed,
      estimate: new RequestEstimate(routed),
      user: undefined,
      now: Date.now(),
    });
    const now = Date.now();
    const targets = plan.chain
      .flatMap((group) => group.targets)
      .filter((target) => target.breaker.state(now) !== 'open');
    let lastError: unknown = new Error(`model ${model} has no deployment`);
    for (const target of targets) {
      try {
        const result = await target.adapter.chat({ ...request, model: target.model }, { signal });
        if (result.kind !== 'response') throw new Error('expected a full response');
        const message = result.response.choices[0]?.message;
        return message === undefined ? '' : messageText(message);
      } catch (error) {
        lastError = error;
        if (!UpstreamCallError.isInstance(error) || !error.isRetryable) break;
      }
    }
    throw lastError;
  };
}

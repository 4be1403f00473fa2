/**
 * Calls a configured model for the gateway's own needs (the guardrails' LLM judge): the route's
 * deployments in order, non-streamed, answer text only. It bypasses the pipeline so a judge call is
 * never itself judged.
 */
import { UpstreamCallError } from '../providers/shared/upstream-error.js';
import type { CompleteText } from '../guardrails/judge/llm-judge.js';
import { messageText } from '../usage/count-tokens.js';
import type { ModelRouter } from './resolve-route.js';

export function createTextCompleter(router: ModelRouter): CompleteText {
  return async function completeText(model, messages, signal) {
    const route = router.resolve(model);
    if (route === undefined) throw new Error(`model ${model} is not configured`);
    let lastError: unknown = new Error(`model ${model} has no deployment`);
    for (const target of route.targets) {
      try {
        const result = await target.adapter.chat(
          { model: target.model, messages, temperature: 0, max_tokens: 64 },
          { signal },
        );
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

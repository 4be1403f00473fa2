/**
 * The abort signal of one upstream attempt: the client's signal, plus, when routing has timeouts, a
 * timer that aborts the attempt with a retryable timeout if no first token (a non-streamed call: no
 * answer) arrived within `first_token_ms`, or when the request deadline comes first. Without
 * timeouts it is the client's signal itself, so the plain path allocates no timer and no signal.
 */
import { UpstreamCallError } from '../providers/shared/upstream-error.js';
import type { RoutingTarget } from '../routing/target.js';

export interface AttemptSignal {
  signal: AbortSignal;
  /** Stops the timer once the answer (a stream: its first chunk) is there. */
  clear(): void;
}

const noTimer = (): void => undefined;

export function createAttemptSignal(
  client: AbortSignal,
  target: RoutingTarget,
  firstTokenMs: number | undefined,
  deadline: number,
): AttemptSignal {
  const remaining = deadline - performance.now();
  if (firstTokenMs === undefined && remaining === Infinity) return { signal: client, clear: noTimer };
  const byDeadline = firstTokenMs === undefined || remaining < firstTokenMs;
  const delay = Math.max(0, byDeadline ? remaining : firstTokenMs);
  const controller = new AbortController();
  const timer = setTimeout(() => {
    const message = byDeadline
      ? `${target.key} had not answered when the request deadline was reached`
      : `${target.key} sent no first token within ${firstTokenMs} ms`;
    controller.abort(new UpstreamCallError(message, { kind: 'timeout', provider: target.adapter.id }));
  }, delay);
  return { signal: AbortSignal.any([client, controller.signal]), clear: () => clearTimeout(timer) };
}

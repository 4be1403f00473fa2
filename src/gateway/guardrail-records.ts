/**
 * Guardrail verdicts as the gateway reports them: one `guardrail` observation per verdict in the
 * trace, the `x-gatehouse-guardrails` header, and the 400 a `block` becomes.
 */
import { GatewayError } from '../errors/gateway-error.js';
import type { GuardrailRun } from '../guardrails/policy/guardrail-run.js';
import type { Verdict } from '../guardrails/types.js';
import { newSpanId } from '../telemetry/ids.js';
import type { RequestContext } from './context.js';

export function recordVerdicts(
  context: RequestContext,
  run: GuardrailRun,
  verdicts: readonly Verdict[],
): void {
  const now = Date.now();
  for (const verdict of verdicts) {
    run.verdicts.push(verdict);
    context.stageObservations.push({
      id: newSpanId(),
      traceId: context.traceId,
      parentId: context.rootSpanId,
      type: 'guardrail',
      name: `guardrail:${verdict.check}`,
      startTime: now - verdict.latencyMs,
      endTime: now,
      latencyMs: verdict.latencyMs,
      ttftMs: null,
      provider: null,
      model: null,
      status: 'ok',
      httpStatus: null,
      usage: null,
      cost: null,
      errorMessage: null,
      attributes: {
        policy: run.policy,
        check: verdict.check,
        checkType: verdict.type,
        stage: verdict.stage,
        score: verdict.score,
        triggered: verdict.triggered,
        action: verdict.action,
        ...(verdict.findings.length === 0
          ? {}
          : { findings: verdict.findings.map(({ type, score }) => ({ type, score })) }),
        ...(verdict.details === undefined ? {} : { details: verdict.details }),
      },
    });
  }
}

/** `policy=strict; fired=pii:mask,canary:block` (or `fired=none`). */
export function guardrailsHeader(run: GuardrailRun): string {
  const fired = run.verdicts
    .filter((verdict) => verdict.triggered)
    .map((verdict) => `${verdict.check}:${verdict.action}`);
  return `policy=${run.policy}; fired=${fired.length === 0 ? 'none' : fired.join(',')}`;
}

export function blockedError(run: GuardrailRun, verdict: Verdict): GatewayError {
  const where = verdict.stage === 'input' ? 'the request' : 'the answer';
  return new GatewayError(
    'content_policy_violation',
    `Guardrail "${verdict.check}" (policy "${run.policy}") blocked ${where}: score ${verdict.score} reached the threshold.`,
    { param: verdict.stage === 'input' ? 'messages' : null, publicCode: 'content_policy_violation' },
  );
}

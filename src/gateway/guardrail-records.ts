/**
 * Guardrail verdicts as the gateway reports them: one `guardrail` observation per verdict in the
 * trace, a Prometheus count per verdict, the verdicts the policy sends for human review (queued, never
 * awaited), the `x-gatehouse-guardrails` header, and the 400 a `block` becomes.
 */
import { GatewayError } from '../errors/gateway-error.js';
import type { GuardrailRun } from '../guardrails/policy/guardrail-run.js';
import type { Verdict } from '../guardrails/types.js';
import type { NewReviewItem } from '../storage/guardrail-review-repository.js';
import type { GuardrailAction } from '../telemetry/metrics.js';
import { newSpanId, newTraceId } from '../telemetry/ids.js';
import { defaultProjectId, defaultTenantId } from '../tenancy/model.js';
import type { RequestContext } from './context.js';

/** Where verdicts go besides the trace. Both never block and never throw. */
export interface GuardrailSinks {
  /** Counts a verdict (Prometheus `gatehouse_guardrail_checks_total`). */
  countVerdict(stage: 'input' | 'output', policy: string, check: string, action: GuardrailAction): void;
  /** Queues a verdict for the human review queue (a bulk writer stores it off the request path). */
  review(item: NewReviewItem): void;
}

export interface VerdictRecording {
  sinks: GuardrailSinks;
  /** The text a verdict judged, stored with a review item. */
  textOf: (verdict: Verdict) => string;
  /** The policy's actions that go to review. */
  reviewActions: ReadonlySet<string>;
}

export function recordVerdicts(
  context: RequestContext,
  run: GuardrailRun,
  verdicts: readonly Verdict[],
  recording: VerdictRecording,
): void {
  const now = Date.now();
  const { sinks } = recording;
  for (const verdict of verdicts) {
    run.verdicts.push(verdict);
    const failed = verdict.details?.error !== undefined;
    sinks.countVerdict(verdict.stage, run.policy, verdict.check, failed ? 'error' : verdict.action);
    if (verdict.triggered && recording.reviewActions.has(verdict.action)) {
      sinks.review(reviewItem(context, run, verdict, recording.textOf(verdict), now));
    }
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

function reviewItem(
  context: RequestContext,
  run: GuardrailRun,
  verdict: Verdict,
  text: string,
  now: number,
): NewReviewItem {
  return {
    id: newTraceId(now),
    tenantId: context.tenancy?.tenantId ?? defaultTenantId,
    projectId: context.tenancy?.projectId ?? defaultProjectId,
    traceId: context.traceId,
    requestId: context.requestId,
    createdAt: now,
    policy: run.policy,
    check: verdict.check,
    checkType: verdict.type,
    stage: verdict.stage,
    action: verdict.action,
    score: verdict.score,
    text,
    details: {
      ...verdict.details,
      ...(verdict.findings.length === 0
        ? {}
        : { findings: verdict.findings.map(({ type, score }) => ({ type, score })) }),
    },
  };
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

/**
 * Scripted faults of the mock upstream, per target, for fault-injection tests and demos. A target is
 * named by the request's `x-mock-target` header (a provider's `headers:` can send it), else by its
 * model (body `model`, or the model / deployment in the path). A script is a list of steps, each
 * applied `times` requests in a row (the last step, or one without `times`, forever):
 *
 * ```json
 * POST /__mock/faults
 * { "target": "primary", "steps": [{ "fault": "status", "status": 429, "retry_after": 1, "times": 2 }, { "fault": "ok" }] }
 * ```
 *
 * | fault | effect |
 * |---|---|
 * | `ok` | answer normally |
 * | `status` | fail with `status` (with `retry_after` seconds, or `retry_after_ms`) |
 * | `hang` | never answer (until the client gives up) |
 * | `reset` | drop the connection without a response |
 * | `slow_first_token` | send headers, then wait `delay_ms` before the first chunk (non-streamed: before the answer) |
 * | `cut` | break the stream after `after_chunks` events |
 *
 * The same faults can be forced per request with headers: `x-mock-fault: hang|reset`,
 * `x-mock-retry-after` (seconds, with `x-mock-fail-status`), `x-mock-first-token-ms`.
 */
import { z } from 'zod';

const faultSchema = z.discriminatedUnion('fault', [
  z.strictObject({ fault: z.literal('ok') }),
  z.strictObject({
    fault: z.literal('status'),
    status: z.number().int().min(400).max(599),
    retry_after: z.number().min(0).optional(),
    retry_after_ms: z.number().int().min(0).optional(),
    message: z.string().optional(),
  }),
  z.strictObject({ fault: z.literal('hang') }),
  z.strictObject({ fault: z.literal('reset') }),
  z.strictObject({ fault: z.literal('slow_first_token'), delay_ms: z.number().int().min(0) }),
  z.strictObject({ fault: z.literal('cut'), after_chunks: z.number().int().min(0) }),
]);

const stepSchema = z.intersection(faultSchema, z.object({ times: z.number().int().positive().optional() }));

export const faultScriptSchema = z.strictObject({
  target: z.string().min(1),
  steps: z.array(stepSchema).min(1),
});

export type MockFault = z.infer<typeof faultSchema>;
export type FaultStep = z.infer<typeof stepSchema>;

interface ScriptState {
  steps: FaultStep[];
  step: number;
  usedInStep: number;
}

export class FaultScripts {
  private readonly scripts = new Map<string, ScriptState>();

  set(target: string, steps: FaultStep[]): void {
    this.scripts.set(target, { steps, step: 0, usedInStep: 0 });
  }

  clear(): void {
    this.scripts.clear();
  }

  /** The fault for the next request to `target`, advancing its script; undefined without a script. */
  next(target: string): MockFault | undefined {
    const script = this.scripts.get(target);
    if (script === undefined) return undefined;
    const step = script.steps[script.step];
    if (step === undefined) return undefined;
    script.usedInStep++;
    if (
      step.times !== undefined &&
      script.usedInStep >= step.times &&
      script.step < script.steps.length - 1
    ) {
      script.step++;
      script.usedInStep = 0;
    }
    return step;
  }
}

type Headers = Record<string, string | string[] | undefined>;

/** A fault forced by the request's own headers (`x-mock-fault`, `x-mock-first-token-ms`). */
export function faultFromHeaders(headers: Headers): MockFault | undefined {
  const fault = single(headers['x-mock-fault']);
  if (fault === 'hang' || fault === 'reset') return { fault };
  const delay = Number(single(headers['x-mock-first-token-ms']));
  if (Number.isFinite(delay) && delay > 0) return { fault: 'slow_first_token', delay_ms: delay };
  return undefined;
}

/** `x-mock-retry-after` seconds for a failure forced with `x-mock-fail-status`. */
export function retryAfterFromHeaders(headers: Headers): Record<string, string> {
  const value = single(headers['x-mock-retry-after']);
  return value === undefined || !Number.isFinite(Number(value)) ? {} : { 'retry-after': value };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * `POST /api/guardrails/check`: a policy's checks without the gateway, for apps that call models
 * themselves. Send `text` or `messages` (the input side) and optionally `output` (an answer to check
 * against them); get every verdict, the decision, and the masked messages.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../../errors/gateway-error.js';
import type { CompleteText } from '../../guardrails/judge/llm-judge.js';
import { PseudonymVault } from '../../guardrails/pii/pseudonymize.js';
import type { GuardrailPolicies } from '../../guardrails/policy/guardrail-policies.js';
import { runInputChecks, runOutputChecks } from '../../guardrails/policy/run-checks.js';
import { messageSegments, withSegmentTexts } from '../../guardrails/policy/segments.js';
import type { ChatMessage } from '../../providers/canonical.js';
import { chatCompletionFields, parseBody } from '../request-schemas.js';

const checkBody = z
  .strictObject({
    policy: z.string().optional(),
    text: z.string().optional(),
    messages: chatCompletionFields.shape.messages.optional(),
    output: z.string().optional(),
  })
  .refine((body) => body.text !== undefined || body.messages !== undefined || body.output !== undefined, {
    message: 'send `text`, `messages` or `output`',
  });

export function registerGuardrailRoutes(
  app: FastifyInstance,
  policies: GuardrailPolicies,
  complete: CompleteText,
): void {
  app.post('/api/guardrails/check', async (request) => {
    const body = parseBody<z.infer<typeof checkBody>>(checkBody, request.body);
    const policy = body.policy === undefined ? policies.defaultPolicy : policies.get(body.policy);
    if (policy === undefined) {
      throw new GatewayError(
        'invalid_request',
        body.policy === undefined
          ? 'name a `policy` (no guardrails.default_policy is configured)'
          : `unknown policy "${body.policy}" (configured: ${policies.names().join(', ') || 'none'})`,
        { param: 'policy' },
      );
    }
    const controller = new AbortController();
    const environment = { signal: controller.signal, complete };
    const messages: ChatMessage[] =
      (body.messages as ChatMessage[] | undefined) ??
      (body.text === undefined ? [] : [{ role: 'user', content: body.text }]);
    const chatRequest = { model: 'guardrails-check', messages };
    const segments = messageSegments(messages);
    const input = await runInputChecks(
      policy.input,
      { request: chatRequest, segments },
      environment,
      new PseudonymVault(),
    );
    const masked = withSegmentTexts(messages, input.masked);
    const output =
      body.output === undefined
        ? null
        : await runOutputChecks(
            policy.output,
            { text: body.output, request: { ...chatRequest, messages: masked }, canary: null },
            environment,
          );
    const decisions = [input.decision, output?.decision ?? null].filter((decision) => decision !== null);
    return {
      policy: policy.name,
      allowed: decisions.every((decision) => decision.check.action !== 'block'),
      decision:
        decisions[0] === undefined
          ? null
          : { check: decisions[0].check.id, action: decisions[0].check.action },
      input: { verdicts: input.verdicts, ...(input.masked.size === 0 ? {} : { messages: masked }) },
      ...(output === null ? {} : { output: { verdicts: output.verdicts, text: output.text } }),
    };
  });
}

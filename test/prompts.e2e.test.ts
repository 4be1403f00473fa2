/**
 * The prompt registry through the real server and the mock upstream, on SQLite and PostgreSQL: push
 * versions, serve them by prompt reference, roll back, and run an experiment from start to ship —
 * every step visible in the audit log and the traces.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, masterKey, startStack } from './helpers/stack.js';
import type { Stack } from './helpers/stack.js';
import { storesUnderTest } from './helpers/stores.js';
import type { TraceRecord } from '../src/telemetry/model.js';

const stores = await storesUnderTest();

interface Reply<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

async function send<T = Record<string, unknown>>(
  stack: Stack,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply<T>> {
  const response = await fetch(`${stack.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${masterKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as T };
}

const supportV1 = {
  name: 'support-answer',
  template: [
    { role: 'system', content: 'You are the support agent of {{company}}. Be brief.' },
    { type: 'placeholder', name: 'history' },
    { role: 'user', content: 'Question: {{question}}' },
  ],
  config: { model: 'gpt-4o-mini', temperature: 0.2, max_tokens: 200 },
  variables: [
    { name: 'company', type: 'string', required: true },
    { name: 'history', type: 'messages', required: false },
    { name: 'question', type: 'string', required: true },
  ],
  tags: ['support'],
  commit_message: 'first version',
};
const supportV2 = {
  ...supportV1,
  template: [
    {
      role: 'system',
      content: 'You are the friendly support agent of {{company}}. Answer in two sentences.',
    },
    { type: 'placeholder', name: 'history' },
    { role: 'user', content: '{{question}}' },
  ],
  config: { model: 'gpt-4o-mini', temperature: 0.5, max_tokens: 300 },
  commit_message: 'friendlier tone',
};

const chat = (stack: Stack, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  send<{ choices?: unknown[]; error?: { message: string; param: string | null; code: string } }>(
    stack,
    'POST',
    '/v1/chat/completions',
    body,
    headers,
  );

describe.each(stores)('prompt registry end to end (%s)', (store) => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ store });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('pushes versions, skips identical pushes, and rejects template syntax errors with line and column', async () => {
    const first = await send<{ created: boolean; version: { version: number } }>(
      stack,
      'POST',
      '/api/prompts',
      { ...supportV1, labels: ['production'] },
      { 'x-gatehouse-actor': 'alice' },
    );
    expect(first.status).toBe(201);
    expect(first.body.version.version).toBe(1);

    const again = await send<{ created: boolean; version: { version: number } }>(
      stack,
      'POST',
      '/api/prompts',
      {
        ...supportV1,
        commit_message: 'same content',
      },
    );
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ created: false, version: { version: 1 } });

    const second = await send<{ version: { version: number } }>(stack, 'POST', '/api/prompts', supportV2, {
      'x-gatehouse-actor': 'bob',
    });
    expect(second.status).toBe(201);
    expect(second.body.version.version).toBe(2);

    const broken = await send<{ error: { message: string; param: string } }>(stack, 'POST', '/api/prompts', {
      name: 'broken',
      template: 'Hello\n{{#items}} {{name}}',
    });
    expect(broken.status).toBe(400);
    expect(broken.body.error.message).toMatch(/line 2, column \d+/);
    expect(broken.body.error.message).toContain('Unclosed section "items"');

    const shown = await send<{ labels: Record<string, number>; versions: unknown[] }>(
      stack,
      'GET',
      '/api/prompts/support-answer',
    );
    expect(shown.body.labels).toEqual({ latest: 2, production: 1 });
    expect(shown.body.versions).toHaveLength(2);
  });

  it('serves a prompt reference with its version, variables and model config, recorded in the trace', async () => {
    stack.mock.clearRequests();
    const reply = await chat(stack, {
      model: 'prompt:support-answer',
      prompt_variables: {
        company: 'Acme',
        question: 'Where is my order?',
        history: [
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello! How can I help?' },
        ],
      },
      messages: [{ role: 'user', content: 'It was order 42.' }],
    });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('x-gatehouse-prompt')).toBe('support-answer@1');

    const upstream = stack.mock.requests.at(-1)?.body as Record<string, unknown>;
    expect(upstream).toMatchObject({ model: 'gpt-4o-mini', temperature: 0.2, max_tokens: 200 });
    expect(upstream).not.toHaveProperty('prompt_variables');
    expect(upstream.messages).toEqual([
      { role: 'system', content: 'You are the support agent of Acme. Be brief.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello! How can I help?' },
      { role: 'user', content: 'Question: Where is my order?' },
      { role: 'user', content: 'It was order 42.' },
    ]);

    const trace = await api<{ trace: TraceRecord }>(
      stack,
      `/api/traces/${reply.headers.get('x-gatehouse-trace-id')}`,
    );
    expect(trace.body.trace.prompt).toEqual({
      name: 'support-answer',
      version: 1,
      label: 'production',
      experimentId: null,
      variant: null,
    });
    const listed = await api<{ data: TraceRecord[] }>(stack, '/api/traces?limit=1');
    expect(listed.body.data[0]?.prompt).toMatchObject({ name: 'support-answer', version: 1 });

    // By version and by label, variables in the header form; the request's own settings win.
    const byVersion = await chat(
      stack,
      { model: 'prompt:support-answer@2', temperature: 0.9 },
      { 'x-gatehouse-prompt-variables': JSON.stringify({ company: 'Acme', question: 'Refund?' }) },
    );
    expect(byVersion.status).toBe(200);
    expect(byVersion.headers.get('x-gatehouse-prompt')).toBe('support-answer@2');
    expect(stack.mock.requests.at(-1)?.body).toMatchObject({ temperature: 0.9, max_tokens: 300 });
    const byLabel = await chat(stack, {
      model: 'prompt:support-answer@latest',
      prompt_variables: { company: 'Acme', question: 'Refund?' },
    });
    expect(byLabel.headers.get('x-gatehouse-prompt')).toBe('support-answer@2');
  });

  it('refuses a missing variable (naming it), a label pointing nowhere and an unknown prompt', async () => {
    const missing = await chat(stack, {
      model: 'prompt:support-answer',
      prompt_variables: { company: 'Acme' },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({
      param: 'prompt_variables.question',
      code: 'missing_prompt_variable',
    });
    expect(missing.body.error?.message).toContain("'question'");

    const nowhere = await chat(stack, { model: 'prompt:support-answer@staging', prompt_variables: {} });
    expect(nowhere.status).toBe(404);
    expect(nowhere.body.error?.code).toBe('prompt_label_not_found');

    const unknown = await chat(stack, { model: 'prompt:nope', prompt_variables: {} });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error?.code).toBe('prompt_not_found');

    const otherTenant = await send(stack, 'GET', '/api/prompts/support-answer', undefined, {
      'x-gatehouse-tenant': 'someone-else',
    });
    expect(otherTenant.status).toBe(404);
  });

  it('composes prompts by reference and rejects include cycles', async () => {
    expect(
      (
        await send(stack, 'POST', '/api/prompts', {
          name: 'signature',
          template: '-- {{agent}} at {{company}}',
          labels: ['production'],
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await send(stack, 'POST', '/api/prompts', {
          name: 'letter',
          template: 'Dear {{customer}},\n{{body}}\n{{> signature}}',
          config: { model: 'gpt-4o-mini' },
          labels: ['production'],
        })
      ).status,
    ).toBe(201);
    const reply = await chat(stack, {
      model: 'prompt:letter',
      prompt_variables: { customer: 'Ada', body: 'Your order shipped.', agent: 'Sam', company: 'Acme' },
    });
    expect(reply.status).toBe(200);
    expect((stack.mock.requests.at(-1)?.body as { messages: unknown }).messages).toEqual([
      { role: 'user', content: 'Dear Ada,\nYour order shipped.\n-- Sam at Acme' },
    ]);
    const withoutAgent = await chat(stack, {
      model: 'prompt:letter',
      prompt_variables: { customer: 'Ada', body: 'x', company: 'Acme' },
    });
    expect(withoutAgent.body.error?.param).toBe('prompt_variables.agent');

    const cycle = await send<{ error: { code: string } }>(stack, 'POST', '/api/prompts', {
      name: 'signature',
      template: '{{> letter}}',
    });
    expect(cycle.status).toBe(400);
    expect(cycle.body.error.code).toBe('prompt_include_cycle');
  });

  it('rolls back: the next request gets the previous version', async () => {
    const promoted = await send(stack, 'PUT', '/api/prompts/support-answer/labels/production', {
      version: 2,
    });
    expect(promoted.status).toBe(200);
    const variables = { company: 'Acme', question: 'Hi?' };
    const before = await chat(stack, { model: 'prompt:support-answer', prompt_variables: variables });
    expect(before.headers.get('x-gatehouse-prompt')).toBe('support-answer@2');

    const rolledBack = await send<{ fromVersion: number; toVersion: number; action: string }>(
      stack,
      'POST',
      '/api/prompts/support-answer/labels/production/rollback',
      {},
      { 'x-gatehouse-actor': 'carol' },
    );
    expect(rolledBack.body).toMatchObject({ fromVersion: 2, toVersion: 1, action: 'rollback' });
    const after = await chat(stack, { model: 'prompt:support-answer', prompt_variables: variables });
    expect(after.headers.get('x-gatehouse-prompt')).toBe('support-answer@1');

    const nothingEarlier = await send(
      stack,
      'POST',
      '/api/prompts/support-answer/labels/production/rollback',
      {},
    );
    expect(nothingEarlier.status).toBe(409);
  });

  it('runs an experiment: sticky 50/50 split, significant feedback, ship v2, roll back to v1, all audited', async () => {
    const started = await send<{ id: string; status: string }>(
      stack,
      'POST',
      '/api/prompts/support-answer/experiments',
      {
        label: 'production',
        variants: [
          { name: 'control', version: 1, weight: 50 },
          { name: 'friendly', version: 2, weight: 50 },
        ],
      },
      { 'x-gatehouse-actor': 'dana' },
    );
    expect(started.status).toBe(201);
    const experimentId = started.body.id;

    const users = Array.from({ length: 200 }, (_, index) => `user-${index}`);
    const variantOfUser = new Map<string, Set<string>>();
    const traceIds: { traceId: string; variant: string }[] = [];
    const requests = Array.from({ length: 1000 }, (_, index) => index);
    for (let offset = 0; offset < requests.length; offset += 25) {
      await Promise.all(
        requests.slice(offset, offset + 25).map(async (index) => {
          const user = users[index % users.length]!;
          const reply = await chat(stack, {
            model: 'prompt:support-answer',
            user,
            prompt_variables: { company: 'Acme', question: `question ${index}` },
          });
          expect(reply.status).toBe(200);
          const variant = reply.headers.get('x-gatehouse-experiment-variant') ?? 'none';
          expect(reply.headers.get('x-gatehouse-experiment')).toBe(experimentId);
          expect(reply.headers.get('x-gatehouse-prompt')).toBe(
            variant === 'friendly' ? 'support-answer@2' : 'support-answer@1',
          );
          const seen = variantOfUser.get(user) ?? new Set();
          seen.add(variant);
          variantOfUser.set(user, seen);
          traceIds.push({ traceId: reply.headers.get('x-gatehouse-trace-id') ?? '', variant });
        }),
      );
    }
    // Sticky: every user saw one variant on all of their 5 requests.
    for (const seen of variantOfUser.values()) expect(seen.size).toBe(1);
    const friendlyUsers = [...variantOfUser.values()].filter((seen) => seen.has('friendly')).length;
    expect(friendlyUsers).toBeGreaterThan(70);
    expect(friendlyUsers).toBeLessThan(130);

    // Feedback biased towards v2: of each variant's responses, 7 in 10 get a thumbs up against 4 in 10.
    await stack.gatehouse.telemetry.flush();
    const feedbackCount = new Map<string, number>();
    const feedback = traceIds.map(({ traceId, variant }) => {
      const position = feedbackCount.get(variant) ?? 0;
      feedbackCount.set(variant, position + 1);
      return { traceId, thumbsUp: position % 10 < (variant === 'friendly' ? 7 : 4) };
    });
    for (let offset = 0; offset < feedback.length; offset += 25) {
      await Promise.all(
        feedback.slice(offset, offset + 25).map(async ({ traceId, thumbsUp }) => {
          const posted = await send(stack, 'POST', '/api/scores', {
            trace_id: traceId,
            name: 'thumbs_up',
            value: thumbsUp,
          });
          expect(posted.status).toBe(201);
        }),
      );
    }

    const results = await send<{
      baseline: string;
      variants: {
        name: string;
        requests: number;
        errorRate: number;
        latencyMs: { p50: number; p95: number };
        scores: Record<string, { mean: number; kind: string }>;
      }[];
      comparisons: Record<
        string,
        {
          metric: string;
          test: string;
          pValue: number;
          significant: boolean;
          difference: number;
          confidenceInterval: [number, number];
          minimumSampleSize: number | null;
        }[]
      >;
    }>(stack, 'GET', `/api/prompts/support-answer/experiments/${experimentId}/results?effect=thumbs_up:0.05`);
    expect(results.status).toBe(200);
    expect(results.body.baseline).toBe('control');
    const [control, friendly] = results.body.variants;
    expect(control!.requests + friendly!.requests).toBe(1000);
    expect(friendly!.requests).toBeGreaterThan(350);
    expect(friendly!.requests).toBeLessThan(650);
    expect(control!.errorRate).toBe(0);
    expect(friendly!.latencyMs.p95).toBeGreaterThanOrEqual(friendly!.latencyMs.p50);
    expect(friendly!.scores.thumbs_up).toMatchObject({ kind: 'binary' });
    expect(friendly!.scores.thumbs_up!.mean).toBeCloseTo(0.7, 1);
    expect(control!.scores.thumbs_up!.mean).toBeCloseTo(0.4, 1);
    const thumbs = results.body.comparisons.friendly!.find(
      (comparison) => comparison.metric === 'thumbs_up',
    )!;
    expect(thumbs.test).toBe('two-proportion z-test');
    expect(thumbs.significant).toBe(true);
    expect(thumbs.pValue).toBeLessThan(0.001);
    expect(thumbs.confidenceInterval[0]).toBeGreaterThan(0.2);
    expect(thumbs.minimumSampleSize).toBeGreaterThan(1000);

    const shipped = await send<{
      experiment: { status: string; shippedVariant: string };
      move: { toVersion: number };
    }>(
      stack,
      'POST',
      `/api/prompts/support-answer/experiments/${experimentId}/ship`,
      { variant: 'friendly' },
      { 'x-gatehouse-actor': 'dana' },
    );
    expect(shipped.body).toMatchObject({
      experiment: { status: 'shipped', shippedVariant: 'friendly' },
      move: { toVersion: 2 },
    });
    const afterShip = await chat(stack, {
      model: 'prompt:support-answer',
      user: 'user-1',
      prompt_variables: { company: 'Acme', question: 'q' },
    });
    expect(afterShip.headers.get('x-gatehouse-prompt')).toBe('support-answer@2');
    expect(afterShip.headers.get('x-gatehouse-experiment-variant')).toBeNull();

    await send(
      stack,
      'POST',
      '/api/prompts/support-answer/labels/production/rollback',
      {},
      { 'x-gatehouse-actor': 'erin' },
    );
    const afterRollback = await chat(stack, {
      model: 'prompt:support-answer',
      prompt_variables: { company: 'Acme', question: 'q' },
    });
    expect(afterRollback.headers.get('x-gatehouse-prompt')).toBe('support-answer@1');

    const audit = await send<{
      data: { label: string; fromVersion: number | null; toVersion: number; action: string; actor: string }[];
    }>(stack, 'GET', '/api/prompts/support-answer/audit?label=production');
    expect(
      audit.body.data.map(({ fromVersion, toVersion, action, actor }) => ({
        fromVersion,
        toVersion,
        action,
        actor,
      })),
    ).toEqual([
      { fromVersion: 2, toVersion: 1, action: 'rollback', actor: 'erin' },
      { fromVersion: 1, toVersion: 2, action: 'ship', actor: 'dana' },
      { fromVersion: 2, toVersion: 1, action: 'rollback', actor: 'carol' },
      { fromVersion: 1, toVersion: 2, action: 'promote', actor: 'master' },
      { fromVersion: null, toVersion: 1, action: 'promote', actor: 'alice' },
    ]);

    const trace = await api<{ trace: TraceRecord }>(stack, `/api/traces/${traceIds[0]!.traceId}`);
    expect(trace.body.trace.prompt).toMatchObject({
      name: 'support-answer',
      label: 'production',
      experimentId,
    });
    expect(trace.body.trace.prompt?.variant).toBe(traceIds[0]!.variant);
  }, 180_000);
});

/**
 * Fault injection through the real server and the mock upstream: fallbacks, circuit breakers,
 * retries with retry-after and deadlines, weighted and sticky splits, canary rollback and shadow
 * traffic. Each target is a model name at the mock, whose fault script and request log are per target.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ObservationRecord, TraceRecord } from '../src/telemetry/model.js';
import type { FaultStep } from '../src/mock-upstream/fault-script.js';
import { api, masterKey, startStack } from './helpers/stack.js';
import type { Stack } from './helpers/stack.js';

const group = (name: string, ...models: string[]) => ({
  name,
  targets: models.map((model) => ({ provider: 'up-openai', model })),
});

let stack: Stack;
let client: OpenAI;

beforeAll(async () => {
  stack = await startStack({
    providers: (mockUrl) => [
      {
        id: 'shadow-up',
        type: 'openai',
        base_url: `${mockUrl}/v1`,
        api_key: 'k',
        headers: { 'x-mock-reply': 'SHADOW ANSWER' },
      },
    ],
    models: [
      { ...group('resilient', 'primary-model'), fallbacks: ['backup'], breaker: { enabled: false } },
      group('backup', 'backup-model'),
      {
        ...group('retrying', 'flaky-model'),
        fallbacks: ['backup'],
        retry: { max_attempts: 2, initial_delay_ms: 5 },
        breaker: { enabled: false },
      },
      {
        ...group('guarded', 'sick-model', 'healthy-model'),
        breaker: { min_requests: 4, error_rate: 0.5, cooldown_ms: 1_500, window_ms: 60_000 },
      },
      { ...group('patient', 'limited-model'), retry: { max_attempts: 3, initial_delay_ms: 1 } },
      {
        ...group('bounded', 'hanging-model'),
        retry: { max_attempts: 20, initial_delay_ms: 5, max_delay_ms: 20 },
        timeouts: { first_token_ms: 150, total_ms: 700 },
        breaker: { enabled: false },
      },
      {
        ...group('strict', 'refusing-model'),
        fallbacks: ['backup'],
        retry: { max_attempts: 3, initial_delay_ms: 1 },
      },
      {
        ...group('impatient', 'slow-model', 'quick-model'),
        timeouts: { first_token_ms: 200 },
        breaker: { enabled: false },
      },
      {
        name: 'weighted',
        strategy: 'weighted',
        targets: [
          { provider: 'up-openai', model: 'heavy-model', weight: 3 },
          { provider: 'up-openai', model: 'light-model', weight: 1 },
        ],
      },
      {
        name: 'ab',
        split: [
          { model: 'variant-a', weight: 1 },
          { model: 'variant-b', weight: 1 },
        ],
      },
      group('variant-a', 'variant-a-model'),
      group('variant-b', 'variant-b-model'),
      {
        name: 'release',
        canary: {
          baseline: 'stable',
          candidate: 'next',
          stages: [50],
          min_requests: 10,
          max_error_rate_increase: 0.2,
        },
        fallbacks: ['stable'],
      },
      group('stable', 'stable-model'),
      { ...group('next', 'next-model'), breaker: { enabled: false } },
      { ...group('mirrored', 'live-model'), shadow: { model: 'candidate-shadow', share: 0.2 } },
      { name: 'candidate-shadow', targets: [{ provider: 'shadow-up', model: 'shadow-model' }] },
      {
        name: 'roomy',
        targets: [
          { provider: 'up-openai', model: 'gpt-4o-mini-2024-07-18', context_window: 50 },
          { provider: 'up-openai', model: 'gpt-4o', context_window: 1_000 },
        ],
      },
      { name: 'small', targets: [{ provider: 'up-openai', model: 'gpt-4o-mini' }] },
      { name: 'large', targets: [{ provider: 'up-openai', model: 'gpt-4o' }] },
      { name: 'auto', complexity: { small: 'small', large: 'large' } },
    ],
  });
  client = new OpenAI({ baseURL: `${stack.url}/v1`, apiKey: masterKey, maxRetries: 0 });
});
afterAll(() => stack.close());
beforeEach(() => {
  stack.mock.faults.clear();
  stack.mock.clearRequests();
});

const script = (target: string, steps: FaultStep[]): void => stack.mock.faults.set(target, steps);
const arrivals = (target: string) => stack.mock.requests.filter((request) => request.target === target);

async function post(model: string, extra: Record<string, unknown> = {}): Promise<Response> {
  return fetch(`${stack.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Hello' }], ...extra }),
  });
}

async function traceOf(
  response: Response,
): Promise<{ trace: TraceRecord; observations: ObservationRecord[] }> {
  const id = response.headers.get('x-gatehouse-trace-id') ?? '';
  for (let tries = 0; tries < 100; tries++) {
    const found = await api<{ trace: TraceRecord; observations: ObservationRecord[] }>(
      stack,
      `/api/traces/${id}`,
    );
    if (found.status === 200) return found.body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`trace ${id} was never recorded`);
}

const attemptsOf = (observations: ObservationRecord[]) =>
  observations
    .filter((observation) => observation.type === 'generation')
    .sort((a, b) => a.startTime - b.startTime || a.latencyMs - b.latencyMs)
    .map((observation) => `${observation.model}:${observation.status}`);

/** Runs `count` requests, `concurrency` at a time. */
async function many(
  count: number,
  concurrency: number,
  send: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await send(next++);
    }),
  );
}

describe('fallbacks', () => {
  it('serves every request through the fallback while the primary fails 100%, and the trace shows each attempt', async () => {
    script('primary-model', [{ fault: 'status', status: 500 }]);
    for (let index = 0; index < 10; index++) {
      const stream = index % 2 === 1;
      const response = await post('resilient', { stream });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-gatehouse-route')).toBe('backup');
      expect(response.headers.get('x-gatehouse-attempts')).toBe('2');
      const text = await response.text();
      expect(text).toContain(stream ? '[DONE]' : 'chat.completion');
      if (index < 2) {
        const { trace, observations } = await traceOf(response);
        expect(trace).toMatchObject({ status: 'ok', upstreamModel: 'backup-model' });
        expect(attemptsOf(observations)).toEqual(['primary-model:error', 'backup-model:ok']);
        const failed = observations.find((observation) => observation.model === 'primary-model');
        expect(failed).toMatchObject({
          httpStatus: 500,
          attributes: { routedModel: 'resilient', attempt: 1 },
        });
      }
    }
    expect(arrivals('primary-model')).toHaveLength(10);
    expect(arrivals('backup-model')).toHaveLength(10);
  });

  it('retries before falling back, and falls back on a reset connection', async () => {
    script('flaky-model', [{ fault: 'reset' }]);
    const response = await post('retrying');
    expect(response.status).toBe(200);
    const { observations, trace } = await traceOf(response);
    expect(attemptsOf(observations)).toEqual(['flaky-model:error', 'flaky-model:error', 'backup-model:ok']);
    expect(observations.filter((o) => o.model === 'flaky-model').map((o) => o.attributes.attempt)).toEqual([
      1, 2,
    ]);
    const root = observations.find(
      (observation) => observation.id !== undefined && observation.type === 'span',
    );
    expect(root?.attributes.routing).toMatchObject({
      chain: ['retrying', 'backup'],
      events: [expect.objectContaining({ kind: 'retry', target: 'up-openai/flaky-model', attempt: 2 })],
    });
    expect(trace.status).toBe('ok');
  });

  it('never retries or falls back on a client error (400)', async () => {
    script('refusing-model', [{ fault: 'status', status: 400, message: 'bad tool schema' }]);
    const response = await post('strict');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { message: expect.stringContaining('bad tool schema') as string },
    });
    expect(arrivals('refusing-model')).toHaveLength(1);
    expect(arrivals('backup-model')).toHaveLength(0);
  });

  it('moves a stream whose first token is too slow to the next target before the client sees a byte', async () => {
    script('slow-model', [{ fault: 'slow_first_token', delay_ms: 5_000 }]);
    const stream = await client.chat.completions.create({
      model: 'impatient',
      messages: [{ role: 'user', content: 'Hello' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toContain('Hello');
    expect(arrivals('slow-model')).toHaveLength(1);
    expect(arrivals('quick-model')).toHaveLength(1);
  });
});

describe('circuit breaker', () => {
  it('sends a failing target no traffic while open, then exactly one half-open probe', async () => {
    script('sick-model', [{ fault: 'status', status: 503 }]);
    const run = async (count: number) => {
      for (let index = 0; index < count; index++) expect((await post('guarded')).status).toBe(200);
    };
    await run(4);
    expect(arrivals('sick-model')).toHaveLength(4);
    const health = await api<{ targets: { key: string; breaker: { state: string } }[] }>(
      stack,
      '/api/routing/health',
    );
    expect(health.body.targets.find((target) => target.key === 'up-openai/sick-model')?.breaker.state).toBe(
      'open',
    );

    await run(10);
    expect(arrivals('sick-model')).toHaveLength(4);
    expect(arrivals('healthy-model')).toHaveLength(14);

    // Cool-down over, still failing: one probe, which fails and opens the breaker again.
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    await run(5);
    expect(arrivals('sick-model')).toHaveLength(5);

    // Recovered: after the next cool-down one probe succeeds, the breaker closes, traffic returns.
    script('sick-model', [{ fault: 'ok' }]);
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    await run(5);
    expect(arrivals('sick-model')).toHaveLength(10);
    const after = await api<{ targets: { key: string; breaker: { state: string; trips: number } }[] }>(
      stack,
      '/api/routing/health',
    );
    expect(after.body.targets.find((target) => target.key === 'up-openai/sick-model')?.breaker).toMatchObject(
      {
        state: 'closed',
        trips: 2,
      },
    );
  });
});

describe('retries', () => {
  it('waits at least the upstream retry-after between attempts (timestamps at the mock)', async () => {
    script('limited-model', [{ fault: 'status', status: 429, retry_after: 1, times: 2 }, { fault: 'ok' }]);
    const response = await post('patient');
    expect(response.status).toBe(200);
    const times = arrivals('limited-model').map((request) => request.receivedAt);
    expect(times).toHaveLength(3);
    expect((times[1] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(990);
    expect((times[2] ?? 0) - (times[1] ?? 0)).toBeGreaterThanOrEqual(990);
  });

  it('stops retrying at the request deadline and answers 504 within it', async () => {
    script('hanging-model', [{ fault: 'hang' }]);
    const started = performance.now();
    const response = await post('bounded');
    const elapsed = performance.now() - started;
    expect(response.status).toBe(504);
    expect(await response.json()).toMatchObject({
      error: { type: 'timeout_error', message: expect.stringContaining('deadline of 700 ms') as string },
    });
    expect(elapsed).toBeLessThan(2_000);
    const times = arrivals('hanging-model').map((request) => request.receivedAt);
    expect(times.length).toBeGreaterThanOrEqual(3);
    expect((times.at(-1) ?? 0) - (times[0] ?? 0)).toBeLessThan(700);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(arrivals('hanging-model')).toHaveLength(times.length);
  });
});

describe('traffic splits', () => {
  it('splits by weight within 3 percentage points over 2,000 requests', async () => {
    await many(2_000, 16, async () => {
      const response = await post('weighted');
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    });
    const heavy = arrivals('heavy-model').length;
    const light = arrivals('light-model').length;
    expect(heavy + light).toBe(2_000);
    expect(Math.abs(heavy / 2_000 - 0.75)).toBeLessThanOrEqual(0.03);
  }, 300_000);

  it('keeps each user on one A/B variant', async () => {
    const seen = new Map<string, Set<string>>();
    for (let round = 0; round < 3; round++) {
      for (let user = 0; user < 30; user++) {
        const response = await post('ab', { user: `user-${user}` });
        expect(response.status).toBe(200);
        await response.arrayBuffer();
        const variant = response.headers.get('x-gatehouse-split') ?? '';
        expect(response.headers.get('x-gatehouse-route')).toBe(variant);
        const variants = seen.get(`user-${user}`) ?? new Set<string>();
        variants.add(variant);
        seen.set(`user-${user}`, variants);
      }
    }
    expect([...seen.values()].every((variants) => variants.size === 1)).toBe(true);
    const assigned = [...seen.values()].map((variants) => [...variants][0]);
    expect(new Set(assigned)).toEqual(new Set(['variant-a', 'variant-b']));
  });

  it('rolls a canary back automatically when its error rate jumps, and records the rollback', async () => {
    script('next-model', [
      { fault: 'ok', times: 6 },
      { fault: 'status', status: 500 },
    ]);
    for (let index = 0; index < 80; index++) {
      const response = await post('release');
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    const health = await api<{
      models: {
        name: string;
        canary?: { percent: number; rolledBack: { reason: string; traceId: string } | null };
      }[];
    }>(stack, '/api/routing/health');
    const canary = health.body.models.find((model) => model.name === 'release')?.canary;
    expect(canary?.percent).toBe(0);
    expect(canary?.rolledBack?.reason).toMatch(/candidate error rate/);

    const before = arrivals('next-model').length;
    for (let index = 0; index < 20; index++) {
      const response = await post('release');
      expect(response.headers.get('x-gatehouse-canary')).toBe('baseline');
      await response.arrayBuffer();
    }
    expect(arrivals('next-model')).toHaveLength(before);

    const recorded = await api<{ observations: ObservationRecord[] }>(
      stack,
      `/api/traces/${canary?.rolledBack?.traceId ?? ''}`,
    );
    expect(recorded.body.observations.find((o) => o.name === 'routing.canary_rollback')).toMatchObject({
      type: 'event',
      model: 'release',
      attributes: {
        kind: 'canary-rollback',
        reason: expect.stringMatching(/candidate error rate/) as string,
      },
    });
  });

  it('mirrors the configured share to the shadow, off the response path, never returning its answer', async () => {
    script('shadow-model', [{ fault: 'slow_first_token', delay_ms: 3_000 }]);
    const firstTraces: Response[] = [];
    await many(500, 10, async (index) => {
      const started = performance.now();
      const response = await post('mirrored');
      const body = (await response.json()) as { choices: { message: { content: string } }[] };
      // The shadow takes 3 s; a client waiting on it would notice.
      expect(performance.now() - started).toBeLessThan(2_500);
      expect(response.status).toBe(200);
      expect(body.choices[0]?.message.content).not.toContain('SHADOW');
      if (index < 10) firstTraces.push(response);
    });
    const mirrored = arrivals('shadow-model').length;
    expect(Math.abs(mirrored / 500 - 0.2)).toBeLessThanOrEqual(0.03);
    expect(arrivals('live-model')).toHaveLength(500);

    const traces = await Promise.all(firstTraces.map((response) => traceOf(response)));
    const shadows = traces.flatMap(({ observations }) =>
      observations.filter((observation) => observation.attributes.shadow === true),
    );
    expect(shadows.length).toBeGreaterThan(0);
    expect(shadows[0]).toMatchObject({
      model: 'shadow-model',
      status: 'ok',
      attributes: { output: [expect.objectContaining({ content: 'SHADOW ANSWER' })] },
    });
  }, 120_000);
});

describe('context windows and complexity routing', () => {
  it('skips a target the prompt cannot fit before sending, and fails clearly when none fits', async () => {
    const fits = await post('roomy', { messages: [{ role: 'user', content: 'word '.repeat(100) }] });
    expect(fits.status).toBe(200);
    expect(fits.headers.get('x-gatehouse-model')).toBe('gpt-4o');
    expect(arrivals('gpt-4o-mini-2024-07-18')).toHaveLength(0);
    const { observations } = await traceOf(fits);
    const root = observations.find((observation) => observation.type === 'span');
    expect(root?.attributes.routing).toMatchObject({
      events: [{ kind: 'skipped', target: 'up-openai/gpt-4o-mini-2024-07-18', reason: 'context-window' }],
    });

    const tooBig = await post('roomy', { messages: [{ role: 'user', content: 'word '.repeat(2_000) }] });
    expect(tooBig.status).toBe(400);
    expect(await tooBig.json()).toMatchObject({
      error: {
        code: 'context_length_exceeded',
        param: 'messages',
        message: expect.stringMatching(/largest: 1000/) as string,
      },
    });
    expect(stack.mock.requests).toHaveLength(1);
  });

  it('routes simple prompts small and complex ones large, reporting reason, share and saving', async () => {
    const simple = await post('auto', { messages: [{ role: 'user', content: 'Say hi' }] });
    expect(simple.headers.get('x-gatehouse-complexity')).toBe('small');
    expect(simple.headers.get('x-gatehouse-model')).toBe('gpt-4o-mini');
    expect(Number(simple.headers.get('x-gatehouse-estimated-saving-usd'))).toBeGreaterThan(0);
    expect(simple.headers.get('x-gatehouse-complexity-share')).toBe('small=1.000, large=0.000');
    const hard = await post('auto', {
      messages: [
        {
          role: 'user',
          content: 'Prove step by step that this terminates:\n```py\nwhile n > 1: n //= 2\n```',
        },
      ],
    });
    expect(hard.headers.get('x-gatehouse-complexity')).toBe('large');
    expect(hard.headers.get('x-gatehouse-model')).toBe('gpt-4o');
    expect(hard.headers.get('x-gatehouse-complexity-reason')).toMatch(
      /score 3 >= 2: code \+1\.5, reasoning cues \+1\.5/,
    );
    expect(hard.headers.get('x-gatehouse-complexity-share')).toBe('small=0.500, large=0.500');
    const { observations } = await traceOf(hard);
    const root = observations.find((observation) => observation.type === 'span');
    expect(root?.attributes.routing).toMatchObject({
      route: 'auto',
      decisions: [{ kind: 'complexity', model: 'auto', chose: 'large', tier: 'large', score: 3 }],
    });
  });

  it('flags floating model aliases in routing health', async () => {
    const { body } = await api<{ floatingAliases: string[]; targets: { key: string; pinned: boolean }[] }>(
      stack,
      '/api/routing/health',
    );
    expect(body.floatingAliases).toContain('up-openai/gpt-4o');
    expect(body.targets.find((target) => target.key === 'up-openai/gpt-4o-mini-2024-07-18')?.pinned).toBe(
      true,
    );
  });
});

/**
 * Drift end to end: a route's traffic changes from short English questions answered in text to long
 * French ones that are refused or answered with tool calls; `GET /api/drift` shows which signals
 * moved (and that a steady route did not), and the drift monitor fires to a webhook receiver through
 * the alert engine, then resolves. The windows are placed with an injected clock, not by waiting.
 * With content capture off, the length signals still work and the content signals say why they
 * cannot.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, masterKey, startStack, type Stack } from './helpers/stack.js';
import { startWebhookReceiver, until, type WebhookReceiver } from './helpers/webhook-receiver.js';
import { storesUnderTest } from './helpers/stores.js';

const stores = await storesUnderTest();
const hour = 3_600_000;

interface SignalBody {
  signal: string;
  value: number | null;
  threshold: number;
  drifted: boolean;
  status: string;
  samples: { reference: number; recent: number };
  summary: { reference: Record<string, number>; recent: Record<string, number> } | null;
}

interface DriftBody {
  drifted: boolean;
  data: { group: string | null; drifted: boolean; signals: SignalBody[] }[];
}

// Drift reports embed samples: seconds each on a loaded machine.
const waitUntil = (condition: () => boolean, timeoutMs = 60_000): Promise<void> =>
  until(condition, timeoutMs);

const supportModel = { name: 'support', targets: [{ provider: 'bot', model: 'support-bot' }] };
const botProvider = {
  id: 'bot',
  type: 'mock',
  // The bot refuses anything about refunds; with tools offered (and no rule matching) it calls one.
  mock: { script: [{ match: 'remboursement', reply: "I'm sorry, but I can't help with that." }] },
};

function chat(stack: Stack, model: string, content: string, withTools = false): Promise<number> {
  const tools = [
    {
      type: 'function',
      function: {
        name: 'lookup_invoice',
        parameters: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
      },
    },
  ];
  return fetch(`${stack.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${masterKey}` },
    body: JSON.stringify({
      model,
      messages: [{ role: 'user', content }],
      ...(withTools ? { tools } : {}),
    }),
  }).then((response) => response.status);
}

const englishQuestion = (index: number) =>
  `Where is my parcel number ${index}? I ordered it last week and it has not arrived yet.`;
const frenchRequest = (index: number) =>
  `Bonjour, je vous écris au sujet de la facture ${index} que j'ai reçue ce matin. Le montant est beaucoup plus élevé que celui du mois dernier et je ne comprends pas pourquoi, car je n'ai rien changé à mon abonnement. ${
    index % 2 === 0
      ? 'Je demande donc le remboursement de la différence sur mon compte.'
      : 'Pouvez-vous vérifier la facture et me dire ce qui a changé ?'
  }`;

/** Sends the reference traffic, then the recent traffic, and returns the instant between them. */
async function driveTraffic(stack: Stack, count: number): Promise<{ start: number; boundary: number }> {
  const start = Date.now();
  const reference = await Promise.all(
    Array.from({ length: count }, (_, index) => [
      chat(stack, 'support', englishQuestion(index)),
      chat(stack, 'gpt-4o-mini', englishQuestion(index)),
    ]).flat(),
  );
  expect(reference.every((status) => status === 200)).toBe(true);
  await stack.gatehouse.telemetry.flush();
  const boundary = Date.now() + 1;
  await new Promise((resolve) => setTimeout(resolve, 5));
  const recent = await Promise.all(
    Array.from({ length: count }, (_, index) => [
      chat(stack, 'support', frenchRequest(index), index % 2 === 1),
      chat(stack, 'gpt-4o-mini', englishQuestion(index + count)),
    ]).flat(),
  );
  expect(recent.every((status) => status === 200)).toBe(true);
  await stack.gatehouse.telemetry.flush();
  return { start, boundary };
}

describe.each(stores)('drift (%s)', (store) => {
  let stack: Stack;
  let receiver: WebhookReceiver;
  let clock = Date.now();

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    stack = await startStack({
      store,
      now: () => clock,
      providers: [botProvider],
      models: [supportModel],
      config: {
        alerts: {
          evaluation_interval_ms: 100,
          webhooks: [
            { id: 'ops', url: `${receiver.url}/generic`, format: 'json' },
            { id: 'slack', url: `${receiver.url}/slack`, format: 'slack' },
          ],
        },
        drift: {
          monitors: [
            {
              name: 'route-drift',
              group_by: 'model',
              recent: '1h',
              reference: { window: '1h' },
              min_samples: 20,
              every: '1m',
              severity: 'warning',
              webhooks: ['ops', 'slack'],
            },
          ],
        },
      },
    });
  });

  afterAll(async () => {
    await stack.close();
    await new Promise((resolve) => receiver.server.close(resolve));
  });

  it('reports which signals drifted, fires a drift alert per route, and resolves', async () => {
    const { start, boundary } = await driveTraffic(stack, 24);
    const windows = `recent_from=${boundary}&recent_to=${Date.now() + 1}&reference_from=${start}&reference_to=${boundary}`;
    const report = await api<DriftBody>(stack, `/api/drift?group_by=model&min_samples=20&${windows}`);
    expect(report.status).toBe(200);
    expect(report.body.drifted).toBe(true);
    const groups = new Map(report.body.data.map((group) => [group.group, group]));
    const steady = groups.get('gpt-4o-mini')!;
    expect(steady.drifted).toBe(false);
    expect(steady.signals.map((signal) => [signal.signal, signal.status])).toEqual([
      ['input_embedding', 'ok'],
      ['input_length', 'ok'],
      ['output_length', 'ok'],
      ['language', 'ok'],
      ['refusal', 'ok'],
      ['tool_calls', 'ok'],
    ]);
    const route = groups.get('support')!;
    const support = Object.fromEntries(route.signals.map((signal) => [signal.signal, signal]));
    expect(route.drifted).toBe(true);
    // Every signal moved: the answers (refusals and tool calls) are shorter than the echoed questions too.
    for (const signal of [
      'input_embedding',
      'input_length',
      'output_length',
      'language',
      'refusal',
      'tool_calls',
    ]) {
      expect(support[signal], signal).toMatchObject({
        drifted: true,
        samples: { reference: 24, recent: 24 },
      });
      expect(support[signal]?.value, signal).toBeGreaterThan(support[signal]!.threshold);
    }
    expect(support.language!.summary).toEqual({ reference: { en: 1 }, recent: { fr: 1 } });
    expect(support.refusal!.summary).toEqual({ reference: { rate: 0 }, recent: { rate: 0.5 } });
    expect(support.tool_calls!.summary).toEqual({ reference: { rate: 0 }, recent: { rate: 0.5 } });

    // The monitor judges the same windows once the clock says an hour has passed since the boundary.
    clock = boundary + hour;
    await waitUntil(() =>
      receiver.received.some((message) => message.body.state === 'firing' && 'instance' in message.body),
    );
    const firing = receiver.received.find((message) => message.body.state === 'firing')!.body;
    expect(firing).toMatchObject({
      rule: 'route-drift',
      instance: 'model=support',
      metric: 'drift',
      severity: 'warning',
      threshold: 1,
    });
    expect(firing.value).toBeGreaterThan(1);
    expect(firing.message).toMatch(/^model=support drifted: input_embedding cosine distance .* language PSI/);
    expect((firing.details as { drifted_signals: string[] }).drifted_signals).toEqual([
      'input_embedding',
      'input_length',
      'output_length',
      'language',
      'refusal',
      'tool_calls',
    ]);
    await waitUntil(() => receiver.received.some((message) => typeof message.body.text === 'string'));
    const slack = receiver.received.find((message) => typeof message.body.text === 'string')!.body;
    expect(slack.text).toMatch(/\[FIRING\] route-drift \(model=support\)/);
    // The steady route never fires.
    expect(receiver.received.some((message) => message.body.instance === 'model=gpt-4o-mini')).toBe(false);

    const statuses = await api<{
      data: { rule: string; kind: string; instance: string | null; state: string }[];
    }>(stack, '/api/alerts');
    expect(statuses.body.data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          rule: 'route-drift',
          kind: 'drift',
          instance: 'model=support',
          state: 'firing',
        }),
        expect.objectContaining({
          rule: 'route-drift',
          kind: 'drift',
          instance: 'model=gpt-4o-mini',
          state: 'inactive',
        }),
      ]),
    );

    // Two hours later the recent window holds no traffic from either phase: nothing drifts any more.
    clock = boundary + 3 * hour;
    await waitUntil(() =>
      receiver.received.some(
        (message) => message.body.state === 'resolved' && message.body.instance === 'model=support',
      ),
    );
    const history = await api<{ data: { state: string; details: { instance?: string } }[] }>(
      stack,
      '/api/alerts/history?rule=route-drift',
    );
    expect(history.body.data.map((event) => [event.state, event.details.instance])).toEqual([
      ['resolved', 'model=support'],
      ['firing', 'model=support'],
      ['pending', 'model=support'],
    ]);
  }, 120_000); // Two reports embed ~200 inputs with the local model: seconds on a loaded machine.

  it('answers a report for a configured monitor and refuses bad queries precisely', async () => {
    const unknown = await api<{ error: { param: string } }>(stack, '/api/drift?monitor=nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.param).toBe('monitor');
    const partial = await api<{ error: { param: string } }>(stack, '/api/drift?recent_from=1000');
    expect(partial.status).toBe(400);
    expect(partial.body.error.param).toBe('recent_from');
    const badSignal = await api<{ error: { param: string } }>(stack, '/api/drift?signals=language,vibes');
    expect(badSignal.status).toBe(400);
    expect(badSignal.body.error.param).toBe('signals[1]');
    const monitor = await api<{ monitor: string; recent: { from: number; to: number } }>(
      stack,
      '/api/drift?monitor=route-drift&signals=input_length',
    );
    expect(monitor.status).toBe(200);
    expect(monitor.body.monitor).toBe('route-drift');
    expect(monitor.body.recent.to - monitor.body.recent.from).toBe(hour);
    // Another tenant's filter sees none of this traffic.
    const otherTenant = await api<DriftBody>(
      stack,
      '/api/drift?tenant=another-tenant&signals=input_length&recent=1d',
    );
    expect(otherTenant.body.data).toEqual([]);
  });
});

describe.each(stores)('drift without stored content (%s)', (store) => {
  let stack: Stack | undefined;

  afterEach(async () => {
    await stack?.close();
  });

  it('judges lengths and reports content signals as unavailable', async () => {
    stack = await startStack({
      store,
      providers: [botProvider],
      models: [supportModel],
      config: { telemetry: { capture_content: false, flush_interval_ms: 10 } },
    });
    const { start, boundary } = await driveTraffic(stack, 20);
    const windows = `recent_from=${boundary}&recent_to=${Date.now() + 1}&reference_from=${start}&reference_to=${boundary}`;
    const report = await api<DriftBody>(stack, `/api/drift?model=support&min_samples=20&${windows}`);
    expect(report.status).toBe(200);
    const signals = report.body.data[0]!.signals;
    expect(signals.map((signal) => [signal.signal, signal.status])).toEqual([
      ['input_embedding', 'unavailable'],
      ['input_length', 'drifted'],
      ['output_length', 'drifted'],
      ['language', 'unavailable'],
      ['refusal', 'unavailable'],
      ['tool_calls', 'unavailable'],
    ]);
  });
});

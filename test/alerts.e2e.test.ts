/**
 * Alerts end to end: a rule on the error rate fires to a webhook receiver when the mock upstream
 * starts failing, and resolves when it recovers; the history holds each state change; Slack-format
 * webhooks get Slack's message shape; rules can be managed through the API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, masterKey, startStack, type Stack } from './helpers/stack.js';
import { startWebhookReceiver, until, type WebhookReceiver } from './helpers/webhook-receiver.js';

describe('alerts', () => {
  let stack: Stack;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    stack = await startStack({
      config: {
        alerts: {
          evaluation_interval_ms: 100,
          webhooks: [
            { id: 'ops', url: `${receiver.url}/generic`, format: 'json' },
            { id: 'slack', url: `${receiver.url}/slack`, format: 'slack' },
          ],
          rules: [
            {
              name: 'upstream-errors',
              metric: 'error_rate',
              window: '10s',
              operator: '>',
              threshold: 0.5,
              min_requests: 3,
              severity: 'critical',
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

  const chat = (count: number) =>
    Promise.all(
      Array.from({ length: count }, () =>
        fetch(`${stack.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${masterKey}` },
          body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
        }).then((response) => response.status),
      ),
    );

  it('fires when the upstream error rate rises and resolves when it drops', async () => {
    stack.mock.setFailureRate(1);
    expect(await chat(5)).toEqual([502, 502, 502, 502, 502]);
    // Both webhooks are notified concurrently: wait for the two deliveries, not the first one.
    await until(
      () =>
        receiver.received.some((message) => message.path === '/generic' && message.body.state === 'firing') &&
        receiver.received.some((message) => message.path === '/slack'),
    );
    const firing = receiver.received.find((message) => message.path === '/generic')!.body;
    expect(firing).toMatchObject({
      rule: 'upstream-errors',
      state: 'firing',
      severity: 'critical',
      value: 1,
      threshold: 0.5,
    });
    const slack = receiver.received.find((message) => message.path === '/slack')!.body;
    expect(slack.text).toMatch(/\[FIRING\] upstream-errors/);
    expect(slack.attachments).toEqual([expect.objectContaining({ color: '#d00000' })]);

    // Firing is notified once, not at every evaluation.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(receiver.received.filter((message) => message.path === '/generic')).toHaveLength(1);

    stack.mock.setFailureRate(0);
    // Successful traffic brings the error rate over the window back under the threshold.
    const deadline = Date.now() + 10_000;
    while (!receiver.received.some((message) => message.body.state === 'resolved') && Date.now() < deadline) {
      expect(await chat(2)).toEqual([200, 200]);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const resolved = receiver.received.filter((message) => message.path === '/generic').at(-1)!.body;
    expect(resolved).toMatchObject({ rule: 'upstream-errors', state: 'resolved' });

    const { body } = await api<{ data: { state: string; rule: string }[] }>(
      stack,
      '/api/alerts/history?rule=upstream-errors',
    );
    expect(body.data.map((event) => event.state)).toEqual(['resolved', 'firing', 'pending']);
    const statuses = await api<{ data: { rule: string; state: string }[] }>(stack, '/api/alerts');
    expect(statuses.body.data).toEqual([
      expect.objectContaining({ rule: 'upstream-errors', state: 'inactive' }),
    ]);
  });

  it('manages rules through the API and refuses invalid ones precisely', async () => {
    const post = (body: unknown) =>
      fetch(`${stack.url}/api/alerts/rules`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${masterKey}` },
        body: JSON.stringify(body),
      });
    const created = await post({
      name: 'daily-cost',
      metric: 'cost',
      window: '1d',
      threshold: 2,
      baseline: { offset: '1d', window: '7d' },
      webhooks: ['ops'],
    });
    expect(created.status).toBe(201);
    const invalid = await post({ name: 'bad', metric: 'cost', window: '5 minutes', threshold: 1 });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ error: { param: 'window' } });
    const shadowing = await post({ name: 'upstream-errors', metric: 'cost', window: '5m', threshold: 1 });
    expect(shadowing.status).toBe(400);
    const { body } = await api<{ data: { name: string; origin: string }[] }>(stack, '/api/alerts/rules');
    expect(body.data.map((rule) => [rule.name, rule.origin])).toEqual([
      ['upstream-errors', 'config'],
      ['daily-cost', 'api'],
    ]);
    const deleted = await fetch(`${stack.url}/api/alerts/rules/daily-cost`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${masterKey}` },
    });
    expect(deleted.status).toBe(204);
  });
});

/**
 * Privacy: with `privacy.redact_pii` the stored trace of a request holding an e-mail address keeps only
 * the redacted form (gateway traces and app spans alike); `capture_content: false` keeps metadata only;
 * one end user's data can be exported and erased. Runs on SQLite and PostgreSQL.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { api, masterKey, startStack, type Stack } from './helpers/stack.js';
import { storesUnderTest } from './helpers/stores.js';
import type { ObservationRecord, TraceRecord } from '../src/telemetry/model.js';

const stores = await storesUnderTest();
type TraceDetail = { trace: TraceRecord; observations: ObservationRecord[] };
let stack: Stack | undefined;

afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function chat(target: Stack, content: string, user: string): Promise<string> {
  const response = await fetch(`${target.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${masterKey}` },
    body: JSON.stringify({ model: 'gpt-4o-mini', user, messages: [{ role: 'user', content }] }),
  });
  expect(response.status).toBe(200);
  const { body } = await api<{ data: TraceRecord[] }>(target, `/api/traces?user=${user}&limit=1`);
  return body.data[0]!.id;
}

describe.each(stores)('privacy (%s)', (store) => {
  it('stores the redacted form of an e-mail address when redaction is on', async () => {
    stack = await startStack({ store, config: { privacy: { redact_pii: true } } });
    const id = await chat(stack, 'Please email the invoice to jane.doe@example.com today', 'u-redact');
    const { body } = await api<TraceDetail>(stack, `/api/traces/${id}`);
    const stored = JSON.stringify(body.trace.input);
    expect(stored).toContain('Please email the invoice to [EMAIL] today');
    expect(stored).not.toContain('jane.doe@example.com');

    // App spans too.
    const ingest = await fetch(`${stack.url}/api/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${masterKey}` },
      body: JSON.stringify({
        batch: [{ type: 'generation', name: 'draft', start_time: Date.now(), input: 'call +1 415-555-0132' }],
      }),
    });
    const { results } = (await ingest.json()) as { results: { trace_id: string }[] };
    const span = await api<TraceDetail>(stack, `/api/traces/${results[0]!.trace_id}`);
    expect(span.body.trace.input).toBe('call [PHONE]');
    expect(span.body.observations[0]!.attributes.input).toBe('call [PHONE]');
  });

  it('keeps metadata only with capture_content off', async () => {
    stack = await startStack({
      store,
      config: { telemetry: { flush_interval_ms: 10, capture_content: false } },
    });
    const id = await chat(stack, 'secret plans', 'u-nocontent');
    const { body } = await api<TraceDetail>(stack, `/api/traces/${id}`);
    expect(body.trace).toMatchObject({ input: null, output: null, model: 'gpt-4o-mini' });
    expect(body.trace.usage.inputTokens).toBeGreaterThan(0);
  });

  it('exports and deletes everything of one end user', async () => {
    stack = await startStack({ store });
    await chat(stack, 'first', 'u-erase');
    await chat(stack, 'second', 'u-erase');
    const keep = await chat(stack, 'other user', 'u-keep');
    const exported = await api<{ traces: TraceDetail[] }>(stack, '/api/users/u-erase/data');
    expect(exported.body.traces).toHaveLength(2);
    expect(exported.body.traces[0]!.observations.length).toBeGreaterThan(0);

    const response = await fetch(`${stack.url}/api/users/u-erase/data`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${masterKey}` },
    });
    expect(await response.json()).toEqual({ user: 'u-erase', deleted_traces: 2 });
    expect((await api<{ data: TraceRecord[] }>(stack, '/api/traces?user=u-erase')).body.data).toEqual([]);
    expect((await api<TraceDetail>(stack, `/api/traces/${keep}`)).status).toBe(200);
  });
});

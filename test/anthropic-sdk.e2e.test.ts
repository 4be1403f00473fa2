/**
 * The official `@anthropic-ai/sdk` on `/v1/messages`, unchanged but for baseURL and apiKey: plain,
 * streamed and tool-using calls, served by an Anthropic-format upstream and, through the same route,
 * by an OpenAI-format one — each recorded in the traces.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { api, masterKey, startStack } from './helpers/stack.js';
import type { Stack } from './helpers/stack.js';
import { storesUnderTest } from './helpers/stores.js';
import type { TraceRecord } from '../src/telemetry/model.js';

const stores = await storesUnderTest();

describe.each(stores)('anthropic SDK on /v1/messages (%s)', (store) => {
  let stack: Stack;
  let client: Anthropic;

  beforeAll(async () => {
    stack = await startStack({ store });
    client = new Anthropic({ baseURL: stack.url, apiKey: masterKey, maxRetries: 0 });
  });
  afterAll(() => stack?.close());

  async function traceFor(requestId: string | null | undefined): Promise<TraceRecord> {
    const page = await api<{ data: TraceRecord[] }>(stack, '/api/traces?limit=100');
    const trace = page.body.data.find((candidate) => candidate.requestId === requestId);
    expect(trace, `trace of request ${requestId}`).toBeDefined();
    return trace!;
  }

  describe.each([
    { model: 'claude-haiku', provider: 'up-anthropic' },
    { model: 'gpt-4o-mini', provider: 'up-openai' },
  ])('served by $provider', ({ model, provider }) => {
    it('answers a message', async () => {
      const { data, response } = await client.messages
        .create({
          model,
          max_tokens: 200,
          system: 'You are terse.',
          messages: [{ role: 'user', content: 'Hello from the Anthropic SDK' }],
        })
        .withResponse();
      expect(data.type).toBe('message');
      expect(data.role).toBe('assistant');
      const text = data.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
      expect(text).toContain('Hello from the Anthropic SDK');
      expect(data.stop_reason).toBe('end_turn');
      expect(data.usage.input_tokens).toBeGreaterThan(0);
      expect(data.usage.output_tokens).toBeGreaterThan(0);

      const trace = await traceFor(response.headers.get('x-request-id'));
      expect(trace).toMatchObject({ endpoint: 'messages', model, provider, status: 'ok' });
      expect(trace.usage.outputTokens).toBe(data.usage.output_tokens);
      expect(trace.cost).toBeGreaterThan(0);
    });

    it('streams a message', async () => {
      const stream = client.messages.stream({
        model,
        max_tokens: 200,
        messages: [{ role: 'user', content: 'Stream about lighthouses and harbours' }],
      });
      let deltas = 0;
      stream.on('text', () => deltas++);
      const message = await stream.finalMessage();
      expect(deltas).toBeGreaterThan(1);
      const text = message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
      expect(text).toContain('lighthouses and harbours');
      expect(message.stop_reason).toBe('end_turn');
      expect(message.usage.output_tokens).toBeGreaterThan(0);
    });

    it('calls a tool, streamed and not', async () => {
      const request = {
        model,
        max_tokens: 200,
        tools: [
          {
            name: 'get_weather',
            description: 'Weather for a city',
            input_schema: {
              type: 'object' as const,
              properties: { city: { type: 'string' } },
              required: ['city'],
            },
          },
        ],
        messages: [{ role: 'user' as const, content: 'Weather in Lisbon?' }],
      };
      const message = await client.messages.create(request);
      expect(message.stop_reason).toBe('tool_use');
      const toolUse = message.content.find((block) => block.type === 'tool_use');
      expect(toolUse).toMatchObject({ type: 'tool_use', name: 'get_weather' });
      expect(toolUse?.type === 'tool_use' ? toolUse.input : undefined).toHaveProperty('city');

      const streamed = await client.messages.stream(request).finalMessage();
      expect(streamed.stop_reason).toBe('tool_use');
      const streamedToolUse = streamed.content.find((block) => block.type === 'tool_use');
      expect(streamedToolUse?.type === 'tool_use' ? streamedToolUse.input : undefined).toHaveProperty('city');
    });
  });

  it('keeps Anthropic-only fields away from an OpenAI-format upstream', async () => {
    stack.mock.clearRequests();
    await client.messages.create({
      model: 'gpt-4o-mini',
      max_tokens: 50,
      system: [{ type: 'text', text: 'Long cached rules', cache_control: { type: 'ephemeral' } }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'hi', cache_control: { type: 'ephemeral' } }] },
      ],
    });
    const sent = stack.mock.requests.find((request) => request.path === '/v1/chat/completions');
    expect(sent).toBeDefined();
    expect(JSON.stringify(sent!.body)).not.toContain('cache_control');
    expect(JSON.stringify(sent!.body)).toContain('Long cached rules');
  });

  it('answers errors in Anthropic format', async () => {
    await expect(
      client.messages.create({
        model: 'no-such-model',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    ).rejects.toMatchObject({ status: 404, error: { type: 'error', error: { type: 'not_found_error' } } });
    const response = await fetch(`${stack.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': masterKey, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-haiku', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { type: string; error: { type: string; message: string } };
    expect(body).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect(body.error.message).toContain('max_tokens');
  });
});

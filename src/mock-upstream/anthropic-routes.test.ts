/**
 * The mock upstream's Anthropic route through the official `@anthropic-ai/sdk`: messages, streams,
 * tool use, the required headers and Anthropic-shaped errors.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonModeInstructions } from '../providers/anthropic/to-anthropic-request.js';
import { startMockUpstream } from './server.js';
import type { MockUpstream } from './server.js';

let upstream: MockUpstream;
let client: Anthropic;
beforeAll(async () => {
  upstream = await startMockUpstream({ port: 0 });
  client = new Anthropic({ baseURL: upstream.url, apiKey: 'sk-ant-mock', maxRetries: 0 });
});
afterAll(() => upstream.close());

const question = {
  model: 'claude-3-5-haiku-20241022',
  max_tokens: 256,
  messages: [{ role: 'user' as const, content: 'Hello Claude' }],
};
const tools = [
  {
    name: 'get_time',
    description: 'Current time in a city',
    input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
  },
];

describe('Anthropic route with @anthropic-ai/sdk', () => {
  it('answers a message with text, stop reason and usage, after checking the headers', async () => {
    const message = await client.messages.create({ ...question, system: 'Be brief.' });
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-3-5-haiku-20241022',
      content: [{ type: 'text', text: '[mock] You said: Hello Claude' }],
      stop_reason: 'end_turn',
    });
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    // SDK 1.x sends the key as a bearer token; the API (and the mock) also take `x-api-key`.
    const received = upstream.requests.at(-1);
    expect(received?.headers.authorization).toBe('Bearer sk-ant-mock');
    expect(received?.headers['anthropic-version']).toEqual(expect.any(String));
    const raw = await fetch(`${upstream.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'k', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify(question),
    });
    expect(await raw.json()).toMatchObject({
      type: 'message',
      content: [{ type: 'text', text: '[mock] You said: Hello Claude' }],
    });
  });

  it('streams the event sequence the SDK assembles into the same message', async () => {
    const stream = client.messages.stream(question);
    const events: string[] = [];
    stream.on('streamEvent', (event) => events.push(event.type));
    const message = await stream.finalMessage();
    expect(message.content).toEqual(
      [{ type: 'text', text: '[mock] You said: Hello Claude', citations: null }].map(
        ({ type, text }) => expect.objectContaining({ type, text }) as unknown,
      ),
    );
    expect(events[0]).toBe('message_start');
    expect(events.at(-1)).toBe('message_stop');
    expect(events).toContain('content_block_delta');
    expect(message.stop_reason).toBe('end_turn');
  });

  it('uses a tool with parsed input, streamed and not, and stops at max_tokens', async () => {
    const message = await client.messages.create({ ...question, tools });
    expect(message.stop_reason).toBe('tool_use');
    const block = message.content[0];
    expect(block?.type === 'tool_use' && block.input).toEqual({ city: 'mock city' });
    const streamed = await client.messages.stream({ ...question, tools }).finalMessage();
    expect(streamed.content[0]).toMatchObject({
      type: 'tool_use',
      name: 'get_time',
      input: { city: 'mock city' },
    });
    const cut = await client.messages.create({ ...question, max_tokens: 2 });
    expect(cut.stop_reason).toBe('max_tokens');
  });

  it('answers in JSON when the system prompt carries the gateway JSON-mode instruction', async () => {
    const object = await client.messages.create({ ...question, system: jsonModeInstructions.object });
    const objectBlock = object.content[0];
    expect(JSON.parse(objectBlock?.type === 'text' ? objectBlock.text : '')).toMatchObject({ mock: true });
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] };
    const shaped = await client.messages.create({
      ...question,
      system: [
        { type: 'text', text: 'Be brief.' },
        { type: 'text', text: `${jsonModeInstructions.schema}\n${JSON.stringify(schema)}` },
      ],
    });
    const shapedBlock = shaped.content[0];
    expect(JSON.parse(shapedBlock?.type === 'text' ? shapedBlock.text : '')).toEqual({
      answer: 'mock answer',
    });
  });

  it('refuses missing headers and reports injected failures with Anthropic error bodies', async () => {
    const noVersion = await fetch(`${upstream.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'k' },
      body: JSON.stringify(question),
    });
    expect(noVersion.status).toBe(400);
    expect(await noVersion.json()).toEqual({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        message: expect.stringContaining('anthropic-version') as string,
      },
    });
    const noKey = await fetch(`${upstream.url}/v1/messages`, {
      method: 'POST',
      headers: { 'anthropic-version': '2023-06-01' },
      body: JSON.stringify(question),
    });
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });

    const overloaded = new Anthropic({
      baseURL: upstream.url,
      apiKey: 'k',
      maxRetries: 0,
      defaultHeaders: { 'x-mock-fail-status': '529' },
    });
    const error: unknown = await overloaded.messages.create(question).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(error).toMatchObject({
      status: 529,
      error: { type: 'error', error: { type: 'overloaded_error' } },
    });

    const invalid = await client.messages
      .create({ ...question, max_tokens: -1 })
      .catch((caught: unknown) => caught);
    expect(invalid).toBeInstanceOf(Anthropic.BadRequestError);
  });
});

/**
 * The mock upstream's OpenAI routes through the official `openai` SDK (v6): if the SDK parses it,
 * the gateway's OpenAI adapter sees the real wire format. Also Azure through the SDK's AzureOpenAI.
 */
import { encode } from 'gpt-tokenizer';
import OpenAI, { AzureOpenAI } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream } from './server.js';
import type { MockUpstream } from './server.js';

let upstream: MockUpstream;
let client: OpenAI;

beforeAll(async () => {
  upstream = await startMockUpstream({ port: 0 });
  client = new OpenAI({ baseURL: `${upstream.url}/v1`, apiKey: 'sk-mock', maxRetries: 0 });
});
afterAll(() => upstream.close());
beforeEach(() => upstream.clearRequests());

const weather = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1 } },
      required: ['city'],
    },
  },
};

describe('OpenAI routes with the openai SDK', () => {
  it('answers a chat completion and records what it received', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hello mock' }],
    });
    expect(completion.choices[0]?.message.content).toBe('[mock] You said: Hello mock');
    expect(completion.model).toBe('gpt-4o-mini');
    expect(completion.usage).toMatchObject({
      prompt_tokens: expect.any(Number) as number,
      completion_tokens: encode('[mock] You said: Hello mock').length,
    });
    expect(upstream.requests).toHaveLength(1);
    expect(upstream.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1/chat/completions',
      headers: { authorization: 'Bearer sk-mock' },
      body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello mock' }] },
    });
  });

  it('streams chunks with the usage chunk when include_usage is set', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Stream this back to me' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let chunks = 0;
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      chunks += 1;
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe('[mock] You said: Stream this back to me');
    expect(finish).toBe('stop');
    expect(chunks).toBeGreaterThan(4);
    expect(usage?.total_tokens).toBe((usage?.prompt_tokens ?? 0) + (usage?.completion_tokens ?? 0));
  });

  it('streams without a usage chunk when it was not asked for', async () => {
    const stream = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    for await (const chunk of stream) {
      expect(chunk.choices).toHaveLength(1);
      expect(chunk.usage ?? null).toBeNull();
    }
  });

  it('calls tools, streamed or not, with parseable arguments', async () => {
    const completion = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'weather?' }],
      tools: [weather],
    });
    const call = completion.choices[0]?.message.tool_calls?.[0];
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toMatchObject({
      city: expect.any(String) as string,
    });

    const runner = client.chat.completions.stream({
      model: 'm',
      messages: [{ role: 'user', content: 'weather?' }],
      tools: [weather],
    });
    const final = await runner.finalChatCompletion();
    const streamed = final.choices[0]?.message.tool_calls?.[0];
    expect(streamed).toMatchObject({ id: call?.id, function: { name: 'get_weather' } });
    expect(streamed?.type === 'function' && JSON.parse(streamed.function.arguments)).toEqual(
      call?.type === 'function' && JSON.parse(call.function.arguments),
    );
  });

  it('produces structured output that parses', async () => {
    const completion = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'a person' }],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'person',
          strict: true,
          schema: {
            type: 'object',
            properties: { name: { type: 'string' }, age: { type: 'integer' } },
            required: ['name', 'age'],
            additionalProperties: false,
          },
        },
      },
    });
    expect(JSON.parse(completion.choices[0]?.message.content ?? '')).toEqual({ name: 'mock name', age: 42 });
  });

  it('embeds (the SDK asks for base64 and decodes it) and lists models', async () => {
    const embeddings = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['alpha', 'beta'],
    });
    expect(embeddings.data.map((item) => item.embedding.length)).toEqual([256, 256]);
    expect(Math.hypot(...(embeddings.data[0]?.embedding ?? []))).toBeCloseTo(1, 5);
    expect(embeddings.usage.prompt_tokens).toBe(2);
    const sized = await client.embeddings.create({
      model: 'e',
      input: 'alpha',
      dimensions: 32,
      encoding_format: 'float',
    });
    expect(sized.data[0]?.embedding).toHaveLength(32);
    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toContain('mock-gpt');
  });

  it('surfaces injected failures as SDK errors with the OpenAI error body and retry-after', async () => {
    const failing = new OpenAI({
      baseURL: `${upstream.url}/v1`,
      apiKey: 'k',
      maxRetries: 0,
      defaultHeaders: { 'x-mock-fail-status': '429' },
    });
    const error: unknown = await failing.chat.completions
      .create({ model: 'm', messages: [{ role: 'user', content: 'x' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error).toMatchObject({ status: 429, code: 'rate_limit_exceeded', type: 'requests' });
    expect((error as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after')).toBe('1');
  });
});

describe('Azure routes with the SDK AzureOpenAI client', () => {
  it('answers with the deployment as the model, streamed and not', async () => {
    const azure = new AzureOpenAI({
      endpoint: upstream.url,
      apiKey: 'azure-key',
      apiVersion: '2024-10-21',
      deployment: 'prod-gpt4o',
      maxRetries: 0,
    });
    const completion = await azure.chat.completions.create({
      model: '',
      messages: [{ role: 'user', content: 'hi azure' }],
    });
    expect(completion).toMatchObject({
      model: 'prod-gpt4o',
      choices: [{ message: { content: '[mock] You said: hi azure' } }],
    });
    expect(upstream.requests[0]).toMatchObject({
      path: '/openai/deployments/prod-gpt4o/chat/completions',
      query: { 'api-version': '2024-10-21' },
      headers: { 'api-key': 'azure-key' },
    });
    let text = '';
    for await (const chunk of await azure.chat.completions.create({
      model: '',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    })) {
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(text).toBe('[mock] You said: hi');
  });
});

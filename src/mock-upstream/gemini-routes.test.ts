/**
 * The mock upstream's Gemini routes over raw fetch: generateContent, SSE and JSON-array streams,
 * function calls, structured output from an upper-case `responseSchema`, limits, embeddings, and
 * Gemini-shaped errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream } from './server.js';
import type { MockUpstream } from './server.js';

let upstream: MockUpstream;
beforeAll(async () => {
  upstream = await startMockUpstream({ port: 0 });
});
afterAll(() => upstream.close());

interface GeminiCandidate {
  content: {
    role: string;
    parts: { text?: string; functionCall?: { name: string; args: Record<string, unknown> } }[];
  };
  finishReason?: string;
  index: number;
}
interface GeminiResponse {
  candidates: GeminiCandidate[];
  usageMetadata?: { promptTokenCount: number; candidatesTokenCount: number; totalTokenCount: number };
  modelVersion: string;
}

const post = (
  path: string,
  body: unknown,
  headers: Record<string, string> = { 'x-goog-api-key': 'gemini-key' },
) =>
  fetch(`${upstream.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

const hello = { contents: [{ role: 'user', parts: [{ text: 'Hello Gemini' }] }] };
const textOf = (candidate: GeminiCandidate | undefined) =>
  candidate?.content.parts.map((part) => part.text ?? '').join('') ?? '';

/** Splits an SSE body into its JSON `data` payloads. */
function sseData(text: string): GeminiResponse[] {
  return text
    .split('\n\n')
    .filter((event) => event.startsWith('data: '))
    .map((event) => JSON.parse(event.slice('data: '.length)) as GeminiResponse);
}

describe('Gemini routes', () => {
  it('answers generateContent with text parts, finishReason and usageMetadata', async () => {
    const response = await post('/v1beta/models/gemini-2.0-flash:generateContent', {
      ...hello,
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as GeminiResponse;
    expect(body.candidates[0]).toMatchObject({
      content: { role: 'model', parts: [{ text: '[mock] You said: Hello Gemini' }] },
      finishReason: 'STOP',
      index: 0,
    });
    expect(body.modelVersion).toBe('gemini-2.0-flash');
    const usage = body.usageMetadata;
    expect(usage?.totalTokenCount).toBe((usage?.promptTokenCount ?? 0) + (usage?.candidatesTokenCount ?? 0));
  });

  it('streams GenerateContentResponse objects over SSE, the last with finishReason and usage, no [DONE]', async () => {
    const response = await post('/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse', hello);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await response.text();
    expect(text).not.toContain('[DONE]');
    const events = sseData(text);
    expect(events.length).toBeGreaterThan(2);
    expect(events.map((event) => textOf(event.candidates[0])).join('')).toBe('[mock] You said: Hello Gemini');
    expect(
      events
        .slice(0, -1)
        .every(
          (event) => event.candidates[0]?.finishReason === undefined && event.usageMetadata === undefined,
        ),
    ).toBe(true);
    expect(events.at(-1)).toMatchObject({
      candidates: [{ finishReason: 'STOP' }],
      usageMetadata: { candidatesTokenCount: expect.any(Number) as number },
    });
  });

  it('streams a JSON array without alt=sse', async () => {
    const response = await post('/v1beta/models/gemini-2.0-flash:streamGenerateContent', hello);
    const events = (await response.json()) as GeminiResponse[];
    expect(events.map((event) => textOf(event.candidates[0])).join('')).toBe('[mock] You said: Hello Gemini');
  });

  it('calls a declared function with parsed args, and honours toolConfig NONE', async () => {
    const tools = [
      {
        functionDeclarations: [
          {
            name: 'find_flights',
            parameters: {
              type: 'OBJECT',
              properties: { from: { type: 'STRING' }, seats: { type: 'INTEGER', minimum: 1, maximum: 4 } },
              required: ['from', 'seats'],
            },
          },
        ],
      },
    ];
    const body = (await (
      await post('/v1beta/models/gemini-2.0-flash:generateContent', { ...hello, tools })
    ).json()) as GeminiResponse;
    expect(body.candidates[0]?.content.parts).toEqual([
      { functionCall: { name: 'find_flights', args: { from: 'mock from', seats: 4 } } },
    ]);
    expect(body.candidates[0]?.finishReason).toBe('STOP');
    const streamed = sseData(
      await (await post('/v1beta/models/m:streamGenerateContent?alt=sse', { ...hello, tools })).text(),
    );
    expect(streamed.at(-1)?.candidates[0]?.content.parts[0]?.functionCall?.name).toBe('find_flights');
    const none = (await (
      await post('/v1beta/models/m:generateContent', {
        ...hello,
        tools,
        toolConfig: { functionCallingConfig: { mode: 'NONE' } },
      })
    ).json()) as GeminiResponse;
    expect(textOf(none.candidates[0])).toBe('[mock] You said: Hello Gemini');
  });

  it('returns JSON matching responseSchema, and honours maxOutputTokens, stopSequences and candidateCount', async () => {
    const schema = {
      type: 'OBJECT',
      properties: {
        title: { type: 'STRING' },
        tags: { type: 'ARRAY', items: { type: 'STRING', enum: ['a', 'b'] } },
      },
      required: ['title', 'tags'],
    };
    const structured = (await (
      await post('/v1beta/models/m:generateContent', {
        ...hello,
        generationConfig: { responseMimeType: 'application/json', responseSchema: schema },
      })
    ).json()) as GeminiResponse;
    expect(JSON.parse(textOf(structured.candidates[0]))).toEqual({ title: 'mock title', tags: ['a'] });

    const limited = (await (
      await post('/v1beta/models/m:generateContent', {
        ...hello,
        generationConfig: { maxOutputTokens: 2, candidateCount: 2 },
      })
    ).json()) as GeminiResponse;
    expect(limited.candidates.map((candidate) => candidate.finishReason)).toEqual([
      'MAX_TOKENS',
      'MAX_TOKENS',
    ]);
    expect(limited.usageMetadata?.candidatesTokenCount).toBe(4);

    const stopped = (await (
      await post('/v1beta/models/m:generateContent', {
        ...hello,
        generationConfig: { stopSequences: ['Gemini'] },
      })
    ).json()) as GeminiResponse;
    expect(textOf(stopped.candidates[0])).toBe('[mock] You said: Hello ');
  });

  it('embeds with batchEmbedContents and embedContent', async () => {
    const batch = await post('/v1beta/models/gemini-embedding-001:batchEmbedContents', {
      requests: [
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'alpha' }] } },
        {
          model: 'models/gemini-embedding-001',
          content: { parts: [{ text: 'beta' }] },
          outputDimensionality: 16,
        },
      ],
    });
    const { embeddings } = (await batch.json()) as { embeddings: { values: number[] }[] };
    expect(embeddings.map((embedding) => embedding.values.length)).toEqual([256, 16]);
    const single = (await (
      await post('/v1beta/models/e:embedContent', { content: { parts: [{ text: 'alpha' }] } })
    ).json()) as { embedding: { values: number[] } };
    expect(single.embedding.values).toEqual(embeddings[0]?.values);
  });

  it('answers without a key, bad JSON, a bad body or an injected failure with Gemini error bodies', async () => {
    const noKey = await post('/v1beta/models/m:generateContent', hello, {});
    expect(noKey.status).toBe(403);
    expect(await noKey.json()).toMatchObject({
      error: { code: 403, status: 'PERMISSION_DENIED', message: expect.any(String) as string },
    });
    expect((await post('/v1beta/models/m:generateContent?key=query-key', hello, {})).status).toBe(200);

    const malformed = await fetch(`${upstream.url}/v1beta/models/m:generateContent`, {
      method: 'POST',
      headers: { 'x-goog-api-key': 'k' },
      body: '{"contents": [',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: 400, status: 'INVALID_ARGUMENT' } });
    expect(await (await post('/v1beta/models/m:generateContent', { contents: 'nope' })).json()).toMatchObject(
      { error: { code: 400, status: 'INVALID_ARGUMENT' } },
    );

    const limited = await post('/v1beta/models/m:generateContent', hello, {
      'x-goog-api-key': 'k',
      'x-mock-fail-status': '429',
      'x-mock-fail-message': 'quota',
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(await limited.json()).toEqual({
      error: { code: 429, message: 'quota', status: 'RESOURCE_EXHAUSTED' },
    });
  });
});

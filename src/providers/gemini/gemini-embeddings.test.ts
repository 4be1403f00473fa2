import { describe, expect, it } from 'vitest';
import { readJsonFixture } from './__fixtures__/read-fixture.js';
import { fromGeminiEmbedResponses, toBase64Float32, toGeminiEmbedRequest } from './gemini-embeddings.js';

const base = { provider: 'gemini-test', model: 'gemini-embedding-001', encodingFormat: undefined };

describe('toGeminiEmbedRequest', () => {
  it('sends one request per text with the model resource name and dimensions', () => {
    const { batches, texts, warnings } = toGeminiEmbedRequest(
      { model: 'gemini-embedding-001', input: ['hello', 'world'], dimensions: 768, user: 'u1' },
      'gemini-test',
    );
    expect(batches).toEqual([
      {
        requests: [
          {
            model: 'models/gemini-embedding-001',
            content: { parts: [{ text: 'hello' }] },
            outputDimensionality: 768,
          },
          {
            model: 'models/gemini-embedding-001',
            content: { parts: [{ text: 'world' }] },
            outputDimensionality: 768,
          },
        ],
      },
    ]);
    expect(texts).toEqual(['hello', 'world']);
    expect(warnings.map((warning) => warning.param)).toEqual(['user']);
  });

  it("splits inputs beyond Gemini's 100-text limit into batches", () => {
    const input = Array.from({ length: 250 }, (_, index) => `text ${index}`);
    const { batches } = toGeminiEmbedRequest({ model: 'gemini-embedding-001', input }, 'gemini-test');
    expect(batches.map((batch) => batch.requests.length)).toEqual([100, 100, 50]);
    expect(batches[2]?.requests[49]?.content.parts[0]?.text).toBe('text 249');
  });

  it('refuses token arrays with a non-retryable 400', () => {
    for (const input of [
      [1, 2, 3],
      [[1, 2], [3]],
    ]) {
      expect(() => toGeminiEmbedRequest({ model: 'm', input }, 'gemini-test')).toThrow(
        expect.objectContaining({
          status: 400,
          isRetryable: false,
          message: expect.stringContaining('text only'),
        }),
      );
    }
  });
});

describe('fromGeminiEmbedResponses', () => {
  it('maps a recorded batch and uses the token count Gemini reports', () => {
    const { response, warnings } = fromGeminiEmbedResponses([readJsonFixture('gemini-embeddings.json')], {
      ...base,
      texts: ['a', 'b'],
    });
    expect(response).toEqual({
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: [0.5138951, 0.857853] },
        { object: 'embedding', index: 1, embedding: [-0.5045317, -0.8633931] },
      ],
      model: 'gemini-embedding-001',
      usage: { prompt_tokens: 12, total_tokens: 12 },
    });
    expect(warnings).toEqual([]);
  });

  it('estimates usage with a warning when Gemini reports none, and encodes base64 float32 on request', () => {
    const { response, warnings } = fromGeminiEmbedResponses([{ embeddings: [{ values: [0.25, -1] }] }], {
      ...base,
      texts: ['hello world <|endoftext|>'],
      encodingFormat: 'base64',
    });
    expect(response.usage.prompt_tokens).toBeGreaterThan(2);
    expect(warnings.map((warning) => warning.param)).toEqual(['usage']);
    const decoded = Buffer.from(response.data[0]!.embedding as string, 'base64');
    expect([decoded.readFloatLE(0), decoded.readFloatLE(4)]).toEqual([0.25, -1]);
  });

  it('joins batches in order and sums the token counts they report', () => {
    const { response, warnings } = fromGeminiEmbedResponses(
      [
        { embeddings: [{ values: [1] }, { values: [2] }], usageMetadata: { promptTokenCount: 4 } },
        { embeddings: [{ values: [3] }], usageMetadata: { promptTokenCount: 2 } },
      ],
      { ...base, texts: ['a', 'b', 'c'] },
    );
    expect(response.data.map((item) => [item.index, item.embedding])).toEqual([
      [0, [1]],
      [1, [2]],
      [2, [3]],
    ]);
    expect(response.usage).toEqual({ prompt_tokens: 6, total_tokens: 6 });
    expect(warnings).toEqual([]);
  });

  it('rejects a response whose embedding count does not match the inputs', () => {
    expect(() => fromGeminiEmbedResponses([{ embeddings: [] }], { ...base, texts: ['a'] })).toThrow(
      /does not match/,
    );
  });

  it('encodes floats as little-endian float32', () => {
    expect(toBase64Float32([1])).toBe(Buffer.from([0x00, 0x00, 0x80, 0x3f]).toString('base64'));
  });
});

import { describe, expect, it } from 'vitest';
import { toGeminiSchema } from './to-gemini-schema.js';

describe('toGeminiSchema', () => {
  it('keeps the keywords Gemini knows and quietly drops annotations and additionalProperties: false', () => {
    const result = toGeminiSchema({
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: {
        city: { type: 'string', description: 'City name', minLength: 1 },
        unit: { type: 'string', enum: ['c', 'f'] },
      },
      required: ['city'],
      additionalProperties: false,
    });
    expect(result).toEqual({
      schema: {
        type: 'object',
        properties: {
          city: { type: 'string', description: 'City name', minLength: 1 },
          unit: { type: 'string', enum: ['c', 'f'] },
        },
        required: ['city'],
      },
      dropped: [],
    });
  });

  it('turns nullable unions (type arrays and anyOf with null, as zod and pydantic emit them) into nullable', () => {
    const { schema } = toGeminiSchema({
      type: 'object',
      properties: {
        a: { type: ['string', 'null'] },
        b: { anyOf: [{ type: 'integer' }, { type: 'null' }], description: 'count' },
        c: { type: ['string', 'number'] },
      },
    });
    expect(schema?.properties).toEqual({
      a: { type: 'string', nullable: true },
      b: { type: 'integer', nullable: true, description: 'count' },
      c: { anyOf: [{ type: 'string' }, { type: 'number' }] },
    });
  });

  it('inlines local $ref definitions and merges allOf', () => {
    const { schema, dropped } = toGeminiSchema({
      type: 'object',
      properties: {
        home: { $ref: '#/$defs/address' },
        work: { allOf: [{ $ref: '#/definitions/address' }, { description: 'Office' }] },
      },
      $defs: {
        address: { type: 'object', properties: { street: { type: 'string' } }, required: ['street'] },
      },
      definitions: { address: { type: 'object', properties: { street: { type: 'string' } } } },
    });
    expect(schema?.properties).toEqual({
      home: { type: 'object', properties: { street: { type: 'string' } }, required: ['street'] },
      work: { type: 'object', properties: { street: { type: 'string' } }, description: 'Office' },
    });
    expect(dropped).toEqual([]);
  });

  it('cuts recursive references and reports every keyword it could not keep', () => {
    const { schema, dropped } = toGeminiSchema({
      type: 'object',
      properties: {
        node: { $ref: '#' },
        tags: { type: 'array', items: { type: 'string' }, uniqueItems: true },
        kind: { const: 'leaf' },
        either: { oneOf: [{ type: 'string' }, { type: 'number' }] },
        extra: {
          type: 'object',
          properties: { x: { type: 'string' } },
          additionalProperties: { type: 'string' },
        },
      },
    });
    expect(dropped).toEqual([
      '$ref (recursive)',
      'additionalProperties',
      'oneOf (sent as anyOf)',
      'uniqueItems',
    ]);
    expect(schema?.properties).toMatchObject({
      kind: { enum: ['leaf'] },
      either: { anyOf: [{ type: 'string' }, { type: 'number' }] },
      tags: { type: 'array', items: { type: 'string' } },
    });
  });

  it('returns no schema for an object without properties, which Gemini rejects', () => {
    expect(toGeminiSchema({ type: 'object', properties: {} }).schema).toBeUndefined();
    expect(toGeminiSchema({}).schema).toBeUndefined();
    expect(toGeminiSchema(undefined).schema).toBeUndefined();
  });
});

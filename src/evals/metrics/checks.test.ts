import { describe, expect, it } from 'vitest';
import { cosineSimilarity } from './cosine.js';
import { parseJsonOutput, validateJsonSchema } from './json-checks.js';
import { isRefusal } from '../../guardrails/output/refusal.js';
import {
  compilePattern,
  containsAll,
  containsAny,
  contains,
  equals,
  matchesPattern,
  startsWith,
  withinLength,
} from './text-checks.js';

describe('text checks', () => {
  it('compare, contain, match and bound strings', () => {
    expect(equals('Paris', 'Paris')).toBe(true);
    expect(equals('Paris', 'paris')).toBe(false);
    expect(contains('The capital is Paris.', 'Paris')).toBe(true);
    expect(contains('The capital is Paris.', 'paris')).toBe(false);
    expect(contains('The capital is Paris.', 'paris', true)).toBe(true);
    expect(containsAny('red fox', ['blue', 'fox'])).toBe(true);
    expect(containsAll('red fox', ['red', 'dog'])).toBe(false);
    expect(containsAll('Red Fox', ['red', 'fox'], true)).toBe(true);
    expect(startsWith('Answer: 42', 'Answer:')).toBe(true);
    expect(matchesPattern('Order #123', '#\\d+')).toBe(true);
    expect(matchesPattern('YES', '/^yes$/i')).toBe(true);
    expect(() => compilePattern('(')).toThrow(/invalid regular expression \(/);
    expect(withinLength('hello', { min: 1, max: 5 })).toBe(true);
    expect(withinLength('hello!', { max: 5 })).toBe(false);
    expect(withinLength('😀😀', { max: 2 })).toBe(true);
  });
});

describe('JSON checks', () => {
  it('parse plain and fenced JSON', () => {
    expect(parseJsonOutput('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseJsonOutput('```json\n{"a":1}\n```')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseJsonOutput('not json').ok).toBe(false);
  });

  it('validate against a JSON Schema with precise errors', () => {
    const schema = { type: 'object', required: ['score'], properties: { score: { type: 'number' } } };
    expect(validateJsonSchema({ score: 1 }, schema)).toEqual({ valid: true, errors: [] });
    const invalid = validateJsonSchema({ score: 'high' }, schema);
    expect(invalid.valid).toBe(false);
    expect(invalid.errors).toEqual(['/score must be number']);
  });
});

describe('refusal detection', () => {
  it('recognises refusals and not answers', () => {
    expect(isRefusal("I'm sorry, but I can't help with that request.")).toBe(true);
    expect(isRefusal('I cannot provide instructions for that.')).toBe(true);
    expect(isRefusal('As an AI language model, I do not have opinions.')).toBe(true);
    expect(isRefusal('')).toBe(true);
    expect(isRefusal('The capital of France is Paris.')).toBe(false);
    expect(isRefusal("Sorry for the wait: here's the answer, 42.")).toBe(false);
  });
});

describe('cosine similarity', () => {
  it('is 1 for parallel, 0 for orthogonal, -1 for opposite', () => {
    expect(cosineSimilarity([1, 2], [2, 4])).toBeCloseTo(1, 12);
    expect(cosineSimilarity([1, 0], [0, 1])).toBe(0);
    expect(cosineSimilarity([1, 1], [-1, -1])).toBeCloseTo(-1, 12);
    expect(cosineSimilarity([0, 0], [1, 1])).toBe(0);
    expect(() => cosineSimilarity([1], [1, 2])).toThrow(/differ in length/);
  });
});

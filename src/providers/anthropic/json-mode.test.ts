import { describe, expect, it } from 'vitest';
import { jsonResponseText, streamedJsonResponseText, toJsonAnswerFinishReason } from './json-mode.js';

describe('reading the json_response tool back', () => {
  it('returns the input, or its `value` when wrapped, and the input itself when the model left `value` out', () => {
    expect(jsonResponseText({ a: [1, 2] }, { wrapped: false })).toBe('{"a":[1,2]}');
    expect(jsonResponseText({ value: 'plain' }, { wrapped: true })).toBe('"plain"');
    expect(jsonResponseText({ other: 1 }, { wrapped: true })).toBe('{"other":1}');
  });

  it('reads a streamed block from its fragments, or from the input sent at block start', () => {
    expect(streamedJsonResponseText('{"value": [1, 2]}', {}, { wrapped: true })).toBe('[1,2]');
    expect(streamedJsonResponseText('', { value: 42 }, { wrapped: true })).toBe('42');
    expect(streamedJsonResponseText('', {}, { wrapped: false })).toBe('{}');
    // A block cut by max_tokens: what came, minus the wrapper's opening.
    expect(streamedJsonResponseText(' { "value" : {"a": "b', {}, { wrapped: true })).toBe('{"a": "b');
    expect(streamedJsonResponseText('{"a": "b', {}, { wrapped: false })).toBe('{"a": "b');
  });

  it('maps the forced tool_use stop to stop and leaves other stop reasons as usual', () => {
    expect(toJsonAnswerFinishReason('tool_use')).toBe('stop');
    expect(toJsonAnswerFinishReason('max_tokens')).toBe('length');
    expect(toJsonAnswerFinishReason('refusal')).toBe('content_filter');
  });
});

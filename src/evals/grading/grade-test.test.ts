import { describe, expect, it } from 'vitest';
import type { Judge } from '../judges/ask-judge.js';
import type { ChatCallRequest, Embedder, ModelClient } from '../model-client.js';
import type { AssertionSpec } from '../suite/suite-schema.js';
import type { TestCase } from '../suite/test-case.js';
import { gradeTest } from './grade-test.js';
import type { GradingContext } from './grading-context.js';

/** A judge model whose replies are scripted in order; records what it was asked. */
function scriptedClient(replies: string[]): ModelClient & { asked: ChatCallRequest[] } {
  const asked: ChatCallRequest[] = [];
  return {
    asked,
    chat(request) {
      asked.push(request);
      const text = replies.shift() ?? '{}';
      return Promise.resolve({
        text,
        inputTokens: 10,
        outputTokens: 5,
        cost: 0.001,
        latencyMs: 1,
        cached: false,
      });
    },
    embed: () => Promise.reject(new Error('not used')),
  };
}

/** Deterministic bag-of-letters embedder: similar texts get similar vectors. */
const letterEmbedder: Embedder = {
  embed: (texts) =>
    Promise.resolve(
      texts.map((text) => {
        const vector = new Array<number>(26).fill(0);
        for (const character of text.toLowerCase()) {
          const code = character.charCodeAt(0) - 97;
          if (code >= 0 && code < 26) vector[code] = (vector[code] ?? 0) + 1;
        }
        return vector;
      }),
    ),
};

function context(
  output: string,
  assert: Partial<AssertionSpec>[],
  extra: Partial<TestCase> = {},
  judge?: Judge,
): GradingContext {
  return {
    output,
    test: {
      key: '1',
      vars: { city: 'Paris' },
      assert: assert.map((spec) => ({ weight: 1, type: 'equals', ...spec })),
      ...extra,
    },
    question: 'What is the capital of France?',
    latencyMs: 120,
    cost: 0.0002,
    judgeFor: () => judge ?? null,
    embedder: letterEmbedder,
    signal: new AbortController().signal,
  };
}

describe('gradeTest', () => {
  it('renders values, negates, and requires every assertion by default', async () => {
    const grade = await gradeTest(
      context('The capital is Paris.', [
        { type: 'icontains', value: '{{city}}' },
        { type: 'not-contains', value: 'London' },
        { type: 'latency', threshold: 100 },
      ]),
    );
    expect(grade.assertions.map((result) => result.pass)).toEqual([true, true, false]);
    expect(grade.assertions[2]?.reason).toBe('latency 120 ms (max 100)');
    expect(grade.pass).toBe(false);
    expect(grade.score).toBeCloseTo(2 / 3, 10);
  });

  it('passes on the weighted score when the test has a threshold', async () => {
    const grade = await gradeTest(
      context(
        'Paris',
        [
          { type: 'equals', value: 'Paris', weight: 3 },
          { type: 'contains', value: 'France', weight: 1 },
        ],
        { threshold: 0.75 },
      ),
    );
    expect(grade.score).toBe(0.75);
    expect(grade.pass).toBe(true);
  });

  it('scores reference metrics against `expected` and runs JavaScript', async () => {
    const grade = await gradeTest(
      context(
        'The dog bit the man.',
        [
          { type: 'bleu', threshold: 0.99 },
          { type: 'rouge-l' },
          { type: 'levenshtein', threshold: 0 },
          { type: 'similar', threshold: 0.99 },
          { type: 'javascript', value: 'output.split(" ").length === 5' },
          {
            type: 'javascript',
            value: 'return { pass: context.vars.city === "Paris", score: 0.5, reason: "city" }',
          },
          { type: 'is-json' },
        ],
        { expected: 'The dog bit the man.' },
      ),
    );
    expect(
      grade.assertions.map((result) => [result.type, result.pass, Number(result.score.toFixed(4))]),
    ).toEqual([
      ['bleu', true, 1],
      ['rouge-l', true, 1],
      ['levenshtein', true, 1],
      ['similar', true, 1],
      ['javascript', true, 1],
      ['javascript', true, 0.5],
      ['is-json', false, 0],
    ]);
  });

  it('records configuration problems as item errors, not crashes', async () => {
    const grade = await gradeTest(
      context('x', [
        { type: 'regex', value: '(' },
        { type: 'javascript', value: 'while (true) {} return true' },
      ]),
    );
    expect(grade.pass).toBe(false);
    expect(grade.assertions[0]?.error).toMatch(/^regex: invalid regular expression \(/);
    expect(grade.assertions[1]?.error).toMatch(/timed out/);
    expect(grade.error).toBe(grade.assertions[0]?.error);
  });

  it('grades a rubric with a JSON-enforced judge, retrying unparseable replies', async () => {
    const client = scriptedClient([
      'Sure! The answer is great.',
      '{"reason":"names the capital","score":0.9,"pass":true}',
    ]);
    const judge: Judge = { client, model: 'judge', temperature: 0 };
    const grade = await gradeTest(
      context('Paris', [{ type: 'llm-rubric', value: 'Names the capital of France' }], {}, judge),
    );
    expect(grade.pass).toBe(true);
    expect(grade.assertions[0]).toMatchObject({ score: 0.9, reason: 'names the capital', cost: 0.002 });
    expect(client.asked).toHaveLength(2);
    expect(client.asked[0]?.params).toMatchObject({
      response_format: { type: 'json_object' },
      temperature: 0,
    });
    expect(client.asked[1]?.messages.at(-1)?.content).toMatch(/^That reply was unusable: not JSON/);
  });

  it('records a judge that never answers JSON as an error after its retries', async () => {
    const client = scriptedClient(['nope', '{"score": 7}', 'still no']);
    const grade = await gradeTest(
      context('Paris', [{ type: 'llm-rubric', value: 'x' }], {}, { client, model: 'judge', temperature: 0 }),
    );
    expect(client.asked).toHaveLength(3);
    expect(grade.pass).toBe(false);
    expect(grade.error).toMatch(/llm-rubric: judge judge gave no usable JSON after 3 tries: not JSON/);
  });

  it('swaps positions in pairwise judging', async () => {
    // First order: the output (A) wins; swapped: the judge still prefers position A (the other answer).
    const client = scriptedClient(['{"winner":"A","reason":"first"}', '{"winner":"A","reason":"second"}']);
    const grade = await gradeTest(
      context('Paris', [{ type: 'pairwise', value: 'Lyon' }], {}, { client, model: 'judge', temperature: 0 }),
    );
    expect(grade.assertions[0]?.score).toBe(0.5);
    expect(client.asked[0]?.messages[0]?.content).toContain('<Answer A>\nParis\n</Answer A>');
    expect(client.asked[1]?.messages[0]?.content).toContain('<Answer A>\nLyon\n</Answer A>');
  });

  it('computes RAGAS faithfulness and context precision from the judge verdicts', async () => {
    const client = scriptedClient([
      '{"claims":["Paris is the capital","Paris has 9 million people"]}',
      '{"verdicts":[{"claim":"Paris is the capital","supported":true},{"claim":"Paris has 9 million people","supported":false}]}',
      '{"verdicts":[{"useful":false},{"useful":true}]}',
    ]);
    const grade = await gradeTest(
      context(
        'Paris is the capital; it has 9 million people.',
        [{ type: 'faithfulness' }, { type: 'context-precision' }],
        {
          expected: 'Paris',
          context: ['Lyon is large.', 'Paris is the capital of France.'],
        },
        { client, model: 'judge', temperature: 0 },
      ),
    );
    expect(grade.assertions.map((result) => result.score)).toEqual([0.5, 0.5]);
    expect(grade.assertions[0]?.reason).toBe('unsupported: Paris has 9 million people');
  });
});

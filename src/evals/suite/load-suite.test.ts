import { describe, expect, it } from 'vitest';
import { parseSuiteText, SuiteError } from './load-suite.js';

function problems(text: string): string[] {
  try {
    parseSuiteText(text, 'suite.yaml');
  } catch (error) {
    if (error instanceof SuiteError) return error.problems;
    throw error;
  }
  return [];
}

describe('suite files', () => {
  it('reads a Promptfoo-style suite', () => {
    const suite = parseSuiteText(
      [
        'description: capitals',
        'prompts:',
        '  - "What is the capital of {{country}}?"',
        'providers: [mock]',
        'defaultTest:',
        '  assert:',
        '    - type: not-is-refusal',
        'tests:',
        '  - vars: { country: France }',
        '    assert:',
        '      - type: icontains',
        '        value: paris',
        '  - id: de',
        '    vars: { country: Germany }',
        '    expected: Berlin',
      ].join('\n'),
      '/tmp/capitals.yaml',
    );
    expect(suite.name).toBe('capitals');
    expect(suite.targets).toEqual([{ model: 'mock', label: 'mock', config: {} }]);
    expect(suite.prompts[0]).toHaveProperty('messages', [
      { role: 'user', content: 'What is the capital of {{country}}?' },
    ]);
    expect(suite.tests?.map((test) => [test.key, test.assert.map((a) => a.type)])).toEqual([
      ['1', ['not-is-refusal', 'icontains']],
      ['de', ['not-is-refusal']],
    ]);
    expect(suite.tests?.[1]?.expected).toBe('Berlin');
  });

  it('reports schema problems with their line and column', () => {
    const text = [
      'prompts: ["Hi {{name}}"]',
      'targets: [mock]',
      'tests:',
      '  - vars: { name: Ada }',
      '    assert:',
      '      - type: contians',
      '        value: Ada',
      '      - type: bleu',
      '        weight: -1',
    ].join('\n');
    expect(problems(text)).toEqual([
      'suite.yaml:6:15: tests[0].assert[0].type: unknown assertion type "contians" (did you mean "contains"?)',
      'suite.yaml:9:17: tests[0].assert[1].weight: Too small: expected number to be >=0',
    ]);
  });

  it('reports YAML syntax errors and missing sections', () => {
    expect(problems('prompts: [unclosed\n')[0]).toMatch(/^suite\.yaml:\d+:\d+: /);
    expect(problems('prompts: ["x"]\n')).toEqual([
      'suite.yaml:1:1: targets: give at least one target (a gateway model)',
      'suite.yaml:1:1: tests: give `tests` or a `dataset`',
    ]);
  });

  it('reads registry prompt references, named after the prompt so versions pair up', () => {
    const suite = parseSuiteText(
      [
        'prompts:',
        '  - prompt:support-answer@production',
        '  - { id: candidate, prompt: support-answer@7 }',
        '  - prompt:footer',
        'targets: [mock]',
        'tests: [{ vars: { question: hi } }]',
      ].join('\n'),
      'suite.yaml',
    );
    expect(suite.prompts).toEqual([
      { id: 'support-answer', reference: { name: 'support-answer', label: 'production', version: null } },
      { id: 'candidate', reference: { name: 'support-answer', label: null, version: 7 } },
      { id: 'footer', reference: { name: 'footer', label: 'production', version: null } },
    ]);
  });

  it('reports bad prompt references with their line and column', () => {
    expect(
      problems(
        [
          'prompts:',
          '  - prompt:support answer',
          '  - { prompt: "x@Staging" }',
          '  - { raw: "hi", prompt: x }',
          'targets: [mock]',
          'tests: []',
        ].join('\n'),
      ),
    ).toEqual([
      'suite.yaml:2:5: prompts[0]: "support answer" is not a prompt reference: use name, name@label (lower case) or name@version',
      'suite.yaml:3:15: prompts[1].prompt: "x@Staging" is not a prompt reference: use name, name@label (lower case) or name@version',
      'suite.yaml:4:5: prompts[2]: give exactly one of `raw`, `messages` or `prompt`',
    ]);
  });

  it('refuses file:// tests in a suite sent to the API', () => {
    expect(() =>
      parseSuiteText('prompts: [hi]\ntargets: [mock]\ntests: file://tests.jsonl\n', 'api.yaml', {
        readFiles: false,
      }),
    ).toThrow(/file:\/\/ tests need a suite file/);
  });
});

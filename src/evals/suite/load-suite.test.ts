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
    expect(suite.prompts[0]?.messages).toEqual([
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
});

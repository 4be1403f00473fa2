/** Templates: syntax errors with their position, variables read from the template, strict rendering. */
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.js';
import { analyzeTemplate, completeDeclarations, renderTemplate, type RenderInput } from './template.js';

function errorOf(work: () => unknown): GatewayError {
  try {
    work();
  } catch (error) {
    if (GatewayError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

const input = (overrides: Partial<RenderInput> = {}): RenderInput => ({
  label: 'greeting v1',
  template: 'Hello {{name}}, you have {{count}} messages.{{#vip}} Thanks for being VIP!{{/vip}}',
  variables: [
    { name: 'name', type: 'string', required: true },
    { name: 'count', type: 'number', required: true },
    { name: 'vip', type: 'boolean', required: false },
  ],
  extraVariables: 'ignore',
  partials: {},
  ...overrides,
});

describe('analyzeTemplate', () => {
  it('reports a syntax error with line and column, per chat message', () => {
    expect(errorOf(() => analyzeTemplate('one\ntwo {{name')).message).toBe(
      'Template syntax error at line 2, column 11: Unclosed tag.',
    );
    const chat = errorOf(() =>
      analyzeTemplate([
        { role: 'system', content: 'fine' },
        { role: 'user', content: '{{/orphan}}' },
      ]),
    );
    expect(chat.param).toBe('template[1].content');
    expect(chat.message).toContain('Unopened section "orphan"');
  });

  it('reads top-level variables, includes and placeholders, and completes the declarations', () => {
    const usage = analyzeTemplate([
      { role: 'system', content: 'Be {{tone}}. {{#docs}}{{title}}{{/docs}} {{user.name}} {{> footer@2}}' },
      { type: 'placeholder', name: 'history' },
    ]);
    expect([...usage.variables]).toEqual([
      ['tone', 'value'],
      ['docs', 'section'],
      ['user', 'section'],
    ]);
    expect(usage.includes).toEqual([
      { text: 'footer@2', reference: { name: 'footer', label: null, version: 2 } },
    ]);
    expect(completeDeclarations([{ name: 'tone', type: 'string', required: false }], usage)).toEqual([
      { name: 'tone', type: 'string', required: false },
      { name: 'docs', type: 'any', required: false },
      { name: 'user', type: 'any', required: false },
      { name: 'history', type: 'messages', required: false },
    ]);
  });
});

describe('renderTemplate', () => {
  it('renders without HTML escaping, a text prompt as one user message', () => {
    expect(renderTemplate(input(), { name: 'Tom & <Jerry>', count: 3, vip: true })).toEqual([
      { role: 'user', content: 'Hello Tom & <Jerry>, you have 3 messages. Thanks for being VIP!' },
    ]);
  });

  it('names a missing required variable and a value of the wrong type', () => {
    const missing = errorOf(() => renderTemplate(input(), { count: 1 }));
    expect(missing.status).toBe(400);
    expect(missing.param).toBe('prompt_variables.name');
    expect(missing.message).toBe("Missing required prompt variable 'name' (greeting v1).");
    const wrongType = errorOf(() => renderTemplate(input(), { name: 'x', count: 'three' }));
    expect(wrongType.param).toBe('prompt_variables.count');
    expect(wrongType.publicCode).toBe('invalid_prompt_variable');
  });

  it('ignores extra variables, or rejects them when the version says so', () => {
    expect(() => renderTemplate(input(), { name: 'x', count: 1, unused: 1 })).not.toThrow();
    const rejected = errorOf(() =>
      renderTemplate(input({ extraVariables: 'reject' }), { name: 'x', count: 1, unused: 1 }),
    );
    expect(rejected.param).toBe('prompt_variables.unused');
  });

  it('fills placeholders with message lists and includes partials', () => {
    const messages = renderTemplate(
      input({
        template: [
          { role: 'system', content: 'Rules: {{> rules}}' },
          { type: 'placeholder', name: 'history' },
        ],
        variables: [{ name: 'history', type: 'messages', required: true }],
        partials: { rules: 'be kind' },
      }),
      { history: [{ role: 'user', content: 'hi' }] },
    );
    expect(messages).toEqual([
      { role: 'system', content: 'Rules: be kind' },
      { role: 'user', content: 'hi' },
    ]);
    const notMessages = errorOf(() =>
      renderTemplate(
        input({
          template: [{ type: 'placeholder', name: 'history' }],
          variables: [{ name: 'history', type: 'messages', required: true }],
        }),
        { history: [{ role: 'robot', content: 'x' }] },
      ),
    );
    expect(notMessages.param).toBe('prompt_variables.history');
  });
});

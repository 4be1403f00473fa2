import { describe, expect, it } from 'vitest';
import { renderTemplate } from './template.js';

describe('renderTemplate', () => {
  it('substitutes vars and dotted paths, without escaping', () => {
    expect(renderTemplate('Hi {{ user.name }} <{{tag}}>', { user: { name: 'Ada' }, tag: 'b&c' })).toBe(
      'Hi Ada <b&c>',
    );
    expect(renderTemplate('{{n}} {{flag}} {{list}} {{missing}}|', { n: 3, flag: true, list: ['a', 1] })).toBe(
      '3 true ["a",1] |',
    );
    expect(renderTemplate('no placeholders', {})).toBe('no placeholders');
  });
});

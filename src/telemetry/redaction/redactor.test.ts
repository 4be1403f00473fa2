import { describe, expect, it } from 'vitest';
import { redactValue, type Redactor } from './redactor.js';

const upperCaseEmails: Redactor = { redact: (text) => text.replace(/\S+@\S+/g, '[EMAIL]') };

describe('redactValue', () => {
  it('redacts every string inside messages, keeping the structure and non-string values', () => {
    expect(
      redactValue({ messages: [{ role: 'user', content: 'I am bob@corp.com' }], n: 1 }, upperCaseEmails),
    ).toEqual({ messages: [{ role: 'user', content: 'I am [EMAIL]' }], n: 1 });
  });
});

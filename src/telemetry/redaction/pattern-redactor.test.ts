import { describe, expect, it } from 'vitest';
import { createPatternRedactor } from './pattern-redactor.js';
import { redactValue } from './redactor.js';

const redactor = createPatternRedactor();

describe('pattern redactor', () => {
  it('replaces e-mail addresses, phone numbers and valid card numbers', () => {
    expect(redactor.redact('Mail jane.doe+shop@example.co.uk or call +1 415-555-0132.')).toBe(
      'Mail [EMAIL] or call [PHONE].',
    );
    expect(redactor.redact('Card 4111 1111 1111 1111 expires 12/29')).toBe('Card [CARD] expires 12/29');
  });

  it('leaves numbers that are not cards or phones alone', () => {
    expect(redactor.redact('Order 1234567890123 (not a Luhn number), 42 items, v2.10.3')).toBe(
      'Order 1234567890123 (not a Luhn number), 42 items, v2.10.3',
    );
  });

  it('redacts every string inside messages, keeping the structure', () => {
    expect(
      redactValue({ messages: [{ role: 'user', content: 'I am bob@corp.com' }], n: 1 }, redactor),
    ).toEqual({ messages: [{ role: 'user', content: 'I am [EMAIL]' }], n: 1 });
  });
});

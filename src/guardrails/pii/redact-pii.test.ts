import { describe, expect, it } from 'vitest';
import { createPiiRedactor } from './redact-pii.js';

const redactor = createPiiRedactor();

describe('PII redaction of stored content', () => {
  it('replaces e-mail addresses, phone numbers and valid card numbers with typed placeholders', () => {
    expect(redactor.redact('Mail jane.doe+shop@example.co.uk or call +1 415-555-0132.')).toBe(
      'Mail [EMAIL] or call [PHONE].',
    );
    expect(redactor.redact('Card 4111 1111 1111 1111 expires soon')).toBe('Card [CREDIT_CARD] expires soon');
  });

  it('leaves numbers that are not cards or phones alone', () => {
    expect(redactor.redact('Order 1234567890123 (not a Luhn number), 42 items, v2.10.3')).toBe(
      'Order 1234567890123 (not a Luhn number), 42 items, v2.10.3',
    );
  });
});

/**
 * A pattern-based `Redactor` for e-mail addresses, phone numbers and payment card numbers (Luhn
 * checked, so order numbers are left alone).
 *
 * MERGE NOTE for the lead: the guardrails feature (src/guardrails) owns PII detection; once it lands,
 * replace this module with a `Redactor` built on its detectors, so stored traces and guardrail masking
 * agree on what counts as PII. The interface (redactor.ts) stays.
 */
import type { Redactor } from './redactor.js';

const emailPattern = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// 13 to 19 digits, optionally grouped by spaces or dashes.
const cardPattern = /\b\d(?:[ -]?\d){12,18}\b/g;
// International (+CC …) or North American style numbers of 9+ digits with separators.
const phonePattern = /(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\)[ .-]?)?\d{2,4}[ .-]\d{3,4}[ .-]?\d{2,4}\b/g;

export function createPatternRedactor(): Redactor {
  return {
    redact(text) {
      if (text.length === 0) return text;
      return text
        .replace(emailPattern, '[EMAIL]')
        .replace(cardPattern, (match) => (luhnValid(match.replace(/\D/g, '')) ? '[CARD]' : match))
        .replace(phonePattern, (match) => (match.replace(/\D/g, '').length >= 9 ? '[PHONE]' : match));
    },
  };
}

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index += 1) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPlausibleSsn, isValidIban, passesLuhn } from './checksums.js';
import { detectPii } from './detect-pii.js';
import { PseudonymVault, StreamRestorer, replaceFindings } from './pseudonymize.js';

const types = (text: string) => detectPii(text).map((finding) => [finding.type, finding.text]);

describe('checksums (reference values)', () => {
  it('Luhn accepts published test card numbers and rejects a changed digit', () => {
    expect(passesLuhn('4111 1111 1111 1111')).toBe(true);
    expect(passesLuhn('5500-0000-0000-0004')).toBe(true);
    expect(passesLuhn('378282246310005')).toBe(true);
    expect(passesLuhn('4111 1111 1111 1112')).toBe(false);
  });
  it('IBAN mod-97 accepts the ISO 13616 examples, rejects wrong length or check digits', () => {
    expect(isValidIban('GB82 WEST 1234 5698 7654 32')).toBe(true);
    expect(isValidIban('DE89370400440532013000')).toBe(true);
    expect(isValidIban('GB83WEST12345698765432')).toBe(false);
    expect(isValidIban('DE8937040044053201300')).toBe(false);
  });
  it('SSN rules reject impossible areas, groups and serials', () => {
    expect(isPlausibleSsn('536-22-1234')).toBe(true);
    for (const bad of [
      '000-12-3456',
      '666-12-3456',
      '912-12-3456',
      '123-00-4567',
      '123-45-0000',
      '078-05-1120',
    ]) {
      expect(isPlausibleSsn(bad)).toBe(false);
    }
  });
});

describe('detectPii', () => {
  it('finds each structured type with its Presidio name', () => {
    expect(types('Mail jane.doe@example.co.uk now')).toEqual([['EMAIL_ADDRESS', 'jane.doe@example.co.uk']]);
    expect(types('Pay with 4111-1111-1111-1111')).toEqual([['CREDIT_CARD', '4111-1111-1111-1111']]);
    expect(types('IBAN GB82 WEST 1234 5698 7654 32 please')).toEqual([
      ['IBAN_CODE', 'GB82 WEST 1234 5698 7654 32'],
    ]);
    expect(types('My SSN is 536-22-1234')).toEqual([['US_SSN', '536-22-1234']]);
    expect(types('server at 10.0.12.7 and fe80::1ff:fe23:4567:890a')).toEqual([
      ['IP_ADDRESS', '10.0.12.7'],
      ['IP_ADDRESS', 'fe80::1ff:fe23:4567:890a'],
    ]);
    expect(types('Call me on +44 20 7946 0958')).toEqual([['PHONE_NUMBER', '+44 20 7946 0958']]);
    expect(types('device 00:1A:2B:3C:4D:5E')).toEqual([['MAC_ADDRESS', '00:1A:2B:3C:4D:5E']]);
    expect(types('send BTC to 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2')).toEqual([
      ['CRYPTO', '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2'],
    ]);
    expect(types('see https://example.com/a?b=1.')).toEqual([['URL', 'https://example.com/a?b=1']]);
  });

  it('uses context: dates only as birth dates, phone-like numbers lowered near "order"', () => {
    expect(types('The meeting is on 2024-03-05.')).toEqual([]);
    expect(types('I was born on 1985-03-05.')).toEqual([['DATE_TIME', '1985-03-05']]);
    expect(types('Order 555 0199 shipped')).toEqual([]);
    expect(types('Phone: 555 0199')).toEqual([['PHONE_NUMBER', '555 0199']]);
  });

  it('rejects numbers that fail their checksum', () => {
    expect(types('card 4111 1111 1111 1112')).toEqual([]);
    expect(types('IBAN GB83WEST12345698765432')).toEqual([]);
  });

  it('never throws and returns ordered, non-overlapping spans inside the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const findings = detectPii(text);
        let end = 0;
        for (const finding of findings) {
          expect(finding.start).toBeGreaterThanOrEqual(end);
          expect(text.slice(finding.start, finding.end)).toBe(finding.text);
          end = finding.end;
        }
      }),
    );
  });
});

describe('pseudonymisation', () => {
  it('gives one value one placeholder and restores them', () => {
    const vault = new PseudonymVault();
    const text = 'a@b.io wrote to c@d.io and a@b.io';
    const masked = replaceFindings(text, detectPii(text), (finding) =>
      vault.placeholderFor('EMAIL', finding.text ?? ''),
    );
    expect(masked).toBe('<EMAIL_1> wrote to <EMAIL_2> and <EMAIL_1>');
    expect(vault.restore(`Reply to <EMAIL_2>, not <EMAIL_9>`)).toBe('Reply to c@d.io, not <EMAIL_9>');
  });

  it('restores a stream whatever the chunk boundaries', () => {
    const vault = new PseudonymVault();
    vault.placeholderFor('EMAIL', 'jane@example.com');
    vault.placeholderFor('PHONE', '+1 555 0100');
    const answer = 'Write <EMAIL_1> or call <PHONE_1> < 5 times, <b>ok</b>';
    const expected = vault.restore(answer);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: answer.length - 1 }), { maxLength: 8 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const restorer = new StreamRestorer(vault);
        let output = '';
        let previous = 0;
        for (const point of [...points, answer.length]) {
          output += restorer.push(answer.slice(previous, point));
          previous = point;
        }
        expect(output + restorer.flush()).toBe(expected);
      }),
    );
  });
});

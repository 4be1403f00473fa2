/**
 * The check digits that separate a real identifier from a random run of digits: Luhn (payment
 * cards), ISO 13616 mod-97 (IBAN), and the SSA's rules for US Social Security numbers.
 */

/** Luhn checksum over the digits of `value` (separators ignored). */
export function passesLuhn(value: string): boolean {
  let sum = 0;
  let double = false;
  let digits = 0;
  for (let index = value.length - 1; index >= 0; index -= 1) {
    const code = value.charCodeAt(index) - 48;
    if (code < 0 || code > 9) continue;
    digits += 1;
    let digit = code;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return digits > 0 && sum % 10 === 0;
}

/** IBAN lengths by country (ISO 13616 registry); an IBAN of another length is not one. */
const ibanLengths: ReadonlyMap<string, number> = new Map(
  (
    'AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DK18 DO28 ' +
    'EE20 EG29 ES24 FI18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 IL23 IQ23 IS26 ' +
    'IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 MC27 MD24 ME22 MK19 MR27 MT31 MU30 NL18 ' +
    'NO15 PK24 PL28 PS29 PT25 QA29 RO24 RS22 SA24 SC31 SE24 SI19 SK24 SM27 ST25 SV28 TL23 TN24 ' +
    'TR26 UA29 VA22 VG24 XK20'
  )
    .split(' ')
    .map((entry): [string, number] => [entry.slice(0, 2), Number(entry.slice(2))]),
);

/** ISO 13616: known country, its length, and the mod-97 remainder of the rearranged number is 1. */
export function isValidIban(value: string): boolean {
  const iban = value.replace(/[\s-]/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban)) return false;
  if (ibanLengths.get(iban.slice(0, 2)) !== iban.length) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const code = char.charCodeAt(0);
    // Letters count as two digits (A = 10 … Z = 35).
    if (code >= 65) remainder = (remainder * 100 + (code - 55)) % 97;
    else remainder = (remainder * 10 + (code - 48)) % 97;
  }
  return remainder === 1;
}

/**
 * US SSN structure: area not 000, 666 or 900–999; group not 00; serial not 0000; and not one of the
 * numbers published in advertising (078-05-1120, 219-09-9999).
 */
export function isPlausibleSsn(value: string): boolean {
  const digits = value.replace(/\D/g, '');
  if (digits.length !== 9) return false;
  const area = Number(digits.slice(0, 3));
  const group = Number(digits.slice(3, 5));
  const serial = Number(digits.slice(5));
  if (area === 0 || area === 666 || area >= 900 || group === 0 || serial === 0) return false;
  if (digits === '078051120' || digits === '219099999') return false;
  // Runs of one digit (111-11-1111) are placeholders, not numbers.
  return !/^(\d)\1{8}$/.test(digits);
}

/**
 * The PII entity types Gatehouse detects, named as Presidio names them, and the short labels their
 * placeholders use (`<EMAIL_1>`), which models read more naturally than `<EMAIL_ADDRESS_1>`.
 */
import { piiEntityNames } from '../../config/guardrails-schema.js';

export const piiEntities = piiEntityNames;

export type PiiEntity = (typeof piiEntities)[number];

export const placeholderLabels: Readonly<Record<PiiEntity, string>> = {
  EMAIL_ADDRESS: 'EMAIL',
  PHONE_NUMBER: 'PHONE',
  CREDIT_CARD: 'CREDIT_CARD',
  IBAN_CODE: 'IBAN',
  US_SSN: 'SSN',
  IP_ADDRESS: 'IP_ADDRESS',
  MAC_ADDRESS: 'MAC_ADDRESS',
  CRYPTO: 'CRYPTO_WALLET',
  URL: 'URL',
  DATE_TIME: 'DATE_OF_BIRTH',
  PERSON: 'PERSON',
};

/** The structured types: those with a format or checksum, where precision can be near perfect. */
export const structuredPiiEntities: readonly PiiEntity[] = [
  'EMAIL_ADDRESS',
  'PHONE_NUMBER',
  'CREDIT_CARD',
  'IBAN_CODE',
  'US_SSN',
  'IP_ADDRESS',
];

/**
 * PII redaction for stored content (`privacy.redact_pii`): the guardrails' own detectors, so stored
 * traces and guardrail masking agree on what counts as PII. Each finding becomes a typed placeholder
 * without a number (`[EMAIL]`, `[CREDIT_CARD]`): stored text is never restored, so nothing needs to
 * tell two e-mail addresses apart.
 */
import { detectPii } from './detect-pii.js';
import { placeholderLabels, type PiiEntity } from './entities.js';
import { replaceFindings } from './pseudonymize.js';

export interface PiiRedactor {
  redact(text: string): string;
}

export function createPiiRedactor(): PiiRedactor {
  return {
    redact(text) {
      if (text.length === 0) return text;
      return replaceFindings(text, detectPii(text), (finding) => {
        const label = placeholderLabels[finding.type as PiiEntity] as string | undefined;
        return `[${label ?? finding.type}]`;
      });
    },
  };
}

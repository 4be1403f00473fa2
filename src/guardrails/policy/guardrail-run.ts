/** What the guardrails did on one request, carried on the request context. Types only. */
import type { PseudonymVault } from '../pii/pseudonymize.js';
import type { Verdict } from '../types.js';

export interface GuardrailRun {
  policy: string;
  verdicts: Verdict[];
  /** Placeholders issued by input masking, restored in the answer. */
  vault: PseudonymVault;
  /** The canary token put in the system prompt, when the policy checks for one. */
  canary: string | null;
}

/**
 * The vocabulary shared by every guardrail check: spans found in text, the verdict a check returns,
 * and the actions a policy takes on it. Types only.
 */

/** A span of text a detector found (PII entity, secret, injection rule hit…). */
export interface Finding {
  /** Entity or rule type, Presidio's names for PII (`EMAIL_ADDRESS`, `CREDIT_CARD`…). */
  type: string;
  /** UTF-16 offsets into the checked text; `end` is exclusive. */
  start: number;
  end: number;
  /** Confidence in 0..1 after context words raised or lowered it. */
  score: number;
  /** The matched text; omitted where repeating it would leak it (secrets). */
  text?: string;
  /** Which text segment of a conversation it is in (input checks see one segment per message text). */
  segment?: number;
}

/** What a detector reports: a score in 0..1 (1 = certainly a violation) and the evidence. */
export interface Detection {
  score: number;
  findings: Finding[];
  /** Detector-specific facts worth recording (rule names, detected language, judge categories…). */
  details?: Record<string, unknown>;
  /** Input checks: the message segment that scored highest. */
  segment?: number;
}

export type GuardAction = 'block' | 'mask' | 'flag' | 'reask' | 'fallback';

/** Which side of the model call a check runs on. */
export type GuardStage = 'input' | 'output';

/** The outcome of one check in one request, as recorded in traces and returned by the API. */
export interface Verdict {
  /** The check's id in its policy (defaults to its type). */
  check: string;
  type: string;
  stage: GuardStage;
  score: number;
  /** Whether the score reached the check's threshold. */
  triggered: boolean;
  /** What the policy did: the configured action when triggered, otherwise `pass` (or `skipped` by a cascade). */
  action: GuardAction | 'pass' | 'skipped';
  latencyMs: number;
  findings: Finding[];
  details?: Record<string, unknown>;
  /** Input checks: the message segment that scored highest (what a reviewer is shown). */
  segment?: number;
}

/** What grading one assertion yields, and what grading a test yields. */

export interface AssertionResult {
  /** As written in the suite (`not-contains`). */
  type: string;
  /** Name scores aggregate under: the assertion's `metric`, else its type. */
  metric: string;
  pass: boolean;
  /** In [0, 1]; 1 for a passed check without a graded score. */
  score: number;
  weight: number;
  reason: string;
  /** The raw measurement where it differs from the score (BLEU 0–100, distance, ms, USD). */
  measured?: number;
  /** Set when the assertion could not be graded (judge gave no usable JSON, bad regex…). */
  error?: string;
  /** USD spent by a judge, when any. */
  cost?: number | null;
  /** The reference texts of a reference metric (`bleu`), for corpus-level scores. */
  references?: string[];
}

export interface TestGrade {
  pass: boolean;
  /** Weighted mean of the assertion scores. */
  score: number;
  assertions: AssertionResult[];
  /** The first assertion error, if any: the item is recorded as an error. */
  error?: string;
}

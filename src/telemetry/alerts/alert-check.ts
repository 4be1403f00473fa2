/**
 * What the alert engine evaluates, types only: a check reports, each round, one outcome per instance
 * it judged (a metric rule has one instance; a drift monitor one per group), and the engine keeps the
 * state (pending, firing, resolved), history and notifications of each instance.
 */
import type { AlertRule } from '../../config/alert-rule.js';

/** A metric rule (`metricRuleCheck`) or a drift monitor (`createDriftCheck`), as the engine runs it. */
export interface AlertCheck {
  name: string;
  kind: string;
  /** What notifications name as the metric. */
  metric: string;
  for: number;
  severity: AlertRule['severity'];
  webhooks: string[];
  repeat_interval?: number | undefined;
  evaluate(at: number): Promise<CheckOutcome[]>;
}

export interface CheckOutcome {
  /** Which instance was judged (`model=support`); null for a check with a single instance. */
  instance: string | null;
  value: number | null;
  threshold: number | null;
  breached: boolean;
  requests: number;
  /** The message of a state change; `resolved` reads "back within" rather than "breaches". */
  describe(state: 'pending' | 'firing' | 'resolved'): string;
  /** Recorded in the history and sent with notifications (a drift report's signals). */
  details: Record<string, unknown>;
}

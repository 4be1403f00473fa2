/**
 * Budget periods in UTC: a day from midnight, an ISO week from Monday, a calendar month, or the
 * lifetime of the key. The period start names the counter, so a new period starts from zero.
 */
import type { BudgetPeriod } from './limit-spec.js';

export interface PeriodWindow {
  /** Epoch ms; 0 for `total`. */
  start: number;
  /** Epoch ms, exclusive; null for `total`. */
  end: number | null;
}

const dayMs = 86_400_000;

export function periodWindow(period: BudgetPeriod, now: number): PeriodWindow {
  const date = new Date(now);
  const midnight = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  switch (period) {
    case 'day':
      return { start: midnight, end: midnight + dayMs };
    case 'week': {
      const daysSinceMonday = (date.getUTCDay() + 6) % 7;
      const start = midnight - daysSinceMonday * dayMs;
      return { start, end: start + 7 * dayMs };
    }
    case 'month':
      return {
        start: Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1),
        end: Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1),
      };
    case 'total':
      return { start: 0, end: null };
  }
}

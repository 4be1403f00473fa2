/**
 * The in-process limit store: the same semantics as the Redis scripts, for one process. JavaScript
 * runs one admission at a time, so check-then-commit is atomic here without locks. Idle counters are
 * swept every minute.
 */
import type {
  AdmissionRequest,
  AdmissionResult,
  LimitStore,
  Settlement,
  WindowState,
} from './limit-store.js';
import { windowSeconds } from './limit-store.js';

interface Window {
  /** Epoch second → units counted in it. */
  buckets: Map<number, number>;
  lastSecond: number;
}

interface Budget {
  spent: number;
  /** Lease id → reserved amount and expiry. */
  reservations: Map<string, { amount: number; expiresAt: number }>;
  periodEnd: number | null;
}

export interface MemoryLimitStoreOptions {
  leaseMs: number;
  now?: () => number;
}

export function createMemoryLimitStore(options: MemoryLimitStoreOptions): LimitStore {
  const now = options.now ?? Date.now;
  const windows = new Map<string, Window>();
  /** Key → lease id → expiry. */
  const slots = new Map<string, Map<string, number>>();
  const budgets = new Map<string, Budget>();

  const sweep = setInterval(() => {
    const second = Math.floor(now() / 1000);
    for (const [key, window] of windows) {
      if (window.lastSecond <= second - windowSeconds) windows.delete(key);
    }
    for (const [key, leases] of slots) {
      expireLeases(leases, now());
      if (leases.size === 0) slots.delete(key);
    }
    for (const [key, budget] of budgets) {
      if (budget.periodEnd !== null && budget.periodEnd + 86_400_000 < now()) budgets.delete(key);
    }
  }, 60_000);
  sweep.unref();

  function windowUsage(key: string, second: number): { window: Window | undefined; used: number } {
    const window = windows.get(key);
    if (window === undefined) return { window, used: 0 };
    let used = 0;
    for (const [bucket, units] of window.buckets) {
      if (bucket <= second - windowSeconds) window.buckets.delete(bucket);
      else used += units;
    }
    return { window, used };
  }

  function budgetOf(key: string, periodEnd: number | null): Budget {
    let budget = budgets.get(key);
    if (budget === undefined) {
      budget = { spent: 0, reservations: new Map(), periodEnd };
      budgets.set(key, budget);
    }
    return budget;
  }

  return {
    admit(request: AdmissionRequest): Promise<AdmissionResult> {
      const nowMs = now();
      const second = Math.floor(nowMs / 1000);
      const used: number[] = [];
      for (const [index, check] of request.windows.entries()) {
        const { window, used: total } = windowUsage(check.key, second);
        if (total + check.cost > check.limit) {
          const retryAfterMs = windowRetryAfter(window, total, check.cost, check.limit, nowMs);
          return Promise.resolve({ admitted: false, kind: 'window', index, retryAfterMs });
        }
        used.push(total);
      }
      for (const [index, check] of request.concurrency.entries()) {
        const leases = slots.get(check.key);
        if (leases !== undefined) expireLeases(leases, nowMs);
        if ((leases?.size ?? 0) >= check.limit) {
          return Promise.resolve({ admitted: false, kind: 'concurrency', index, retryAfterMs: 1000 });
        }
      }
      for (const [index, check] of request.budgets.entries()) {
        const budget = budgets.get(check.key);
        const spent = budget?.spent ?? 0;
        let reserved = 0;
        if (budget !== undefined) {
          for (const [lease, reservation] of budget.reservations) {
            if (reservation.expiresAt <= nowMs) budget.reservations.delete(lease);
            else reserved += reservation.amount;
          }
        }
        const refusal = budgetRefusal(spent, reserved, check.reserve, check.max, check.periodEnd, nowMs);
        if (refusal !== undefined) {
          return Promise.resolve({ admitted: false, kind: 'budget', index, retryAfterMs: refusal });
        }
      }

      const states: WindowState[] = [];
      for (const [index, check] of request.windows.entries()) {
        let window = windows.get(check.key);
        if (window === undefined) {
          window = { buckets: new Map(), lastSecond: second };
          windows.set(check.key, window);
        }
        window.buckets.set(second, (window.buckets.get(second) ?? 0) + check.cost);
        window.lastSecond = second;
        states.push({
          remaining: Math.max(0, check.limit - (used[index] ?? 0) - check.cost),
          resetMs: (second + windowSeconds) * 1000 - nowMs,
        });
      }
      for (const check of request.concurrency) {
        let leases = slots.get(check.key);
        if (leases === undefined) {
          leases = new Map();
          slots.set(check.key, leases);
        }
        leases.set(request.leaseId, nowMs + options.leaseMs);
      }
      for (const check of request.budgets) {
        budgetOf(check.key, check.periodEnd).reservations.set(request.leaseId, {
          amount: check.reserve,
          expiresAt: nowMs + options.leaseMs,
        });
      }
      return Promise.resolve({ admitted: true, second, windows: states });
    },

    settle(settlement: Settlement): Promise<number[]> {
      const second = Math.floor(now() / 1000);
      for (const { key, delta } of settlement.windows) {
        const window = windows.get(key);
        // A bucket that already left the window no longer counts: nothing to correct.
        if (window === undefined || delta === 0 || settlement.second <= second - windowSeconds) continue;
        window.buckets.set(settlement.second, (window.buckets.get(settlement.second) ?? 0) + delta);
      }
      for (const key of settlement.concurrencyKeys) slots.get(key)?.delete(settlement.leaseId);
      const spent = settlement.budgets.map(({ key, spend, periodEnd }) => {
        const budget = budgetOf(key, periodEnd);
        budget.reservations.delete(settlement.leaseId);
        budget.spent += spend;
        return budget.spent;
      });
      return Promise.resolve(spent);
    },

    status: () => ({ store: 'memory', healthy: true }),
    close: () => clearInterval(sweep),
  };
}

function expireLeases(leases: Map<string, number>, nowMs: number): void {
  for (const [lease, expiresAt] of leases) if (expiresAt <= nowMs) leases.delete(lease);
}

/** When enough of the oldest buckets will have left the window for this request to fit. */
function windowRetryAfter(
  window: Window | undefined,
  used: number,
  cost: number,
  limit: number,
  nowMs: number,
): number | null {
  if (cost > limit || window === undefined) return null;
  let remaining = used;
  for (const bucket of [...window.buckets.keys()].sort((a, b) => a - b)) {
    remaining -= window.buckets.get(bucket) ?? 0;
    if (remaining + cost <= limit) return (bucket + windowSeconds) * 1000 - nowMs;
  }
  return windowSeconds * 1000;
}

/**
 * Undefined when the request fits; otherwise how long to wait: until the period resets when spend
 * alone rules it out (null for a lifetime budget), a second when only in-flight reservations do.
 */
export function budgetRefusal(
  spent: number,
  reserved: number,
  reserve: number,
  max: number,
  periodEnd: number | null,
  nowMs: number,
): number | null | undefined {
  if (spent < max && spent + reserved + reserve <= max) return undefined;
  if (spent >= max || spent + reserve > max) return periodEnd === null ? null : periodEnd - nowMs;
  return 1000;
}

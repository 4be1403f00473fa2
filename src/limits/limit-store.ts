/**
 * The contract of a limit store (ARCHITECTURE §1.2: one embedded, one scale-out implementation).
 * One call admits a request against every limit that applies to it — sliding windows (requests and
 * tokens per minute), concurrency slots and budget reservations — all or nothing, atomically, so
 * concurrent requests on any number of replicas can never both take the last unit. A second call
 * settles it: reconciles tokens with real usage, frees the concurrency slot, turns the budget
 * reservation into recorded spend. Types only.
 */

/** Requests or tokens in the last 60 seconds, counted in one-second buckets. */
export interface WindowCheck {
  key: string;
  limit: number;
  /** Units this request takes now (1 request, or its estimated input tokens). */
  cost: number;
}

export interface ConcurrencyCheck {
  key: string;
  limit: number;
}

/** Amounts in nano-USD (integers, so counters add exactly). */
export interface BudgetCheck {
  key: string;
  max: number;
  /** Held for this request until it settles. */
  reserve: number;
  /** Epoch ms when the period ends (the counter is kept a day longer); null for a lifetime budget. */
  periodEnd: number | null;
}

export interface AdmissionRequest {
  /** Unique per request: names its concurrency slot and budget reservation. */
  leaseId: string;
  windows: WindowCheck[];
  concurrency: ConcurrencyCheck[];
  budgets: BudgetCheck[];
}

export interface WindowState {
  remaining: number;
  /** Until the window is back to its full limit. */
  resetMs: number;
}

export type AdmissionResult =
  | {
      admitted: true;
      /** The bucket (epoch second) the request was counted in; settlement corrects that bucket. */
      second: number;
      windows: WindowState[];
    }
  | {
      admitted: false;
      kind: 'window' | 'concurrency' | 'budget';
      /** Index of the refusing check within its list. */
      index: number;
      /** Null when waiting will not help (a lifetime budget spent, a request larger than the limit). */
      retryAfterMs: number | null;
    };

export interface Settlement {
  leaseId: string;
  second: number;
  /** Token windows get `actual - estimate` (may be negative); request windows are not listed. */
  windows: { key: string; delta: number }[];
  concurrencyKeys: string[];
  budgets: { key: string; reserve: number; spend: number; periodEnd: number | null }[];
}

export interface StoreStatus {
  store: 'memory' | 'redis';
  healthy: boolean;
}

export interface LimitStore {
  admit(request: AdmissionRequest): Promise<AdmissionResult>;
  /** Resolves to each budget's spend after this request, in the order given. */
  settle(settlement: Settlement): Promise<number[]>;
  status(): StoreStatus;
  close(): void;
}

/** Thrown by a store that cannot answer (Redis down); the failure policy decides what happens. */
export class LimitStoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LimitStoreUnavailableError';
  }
}

export const windowSeconds = 60;

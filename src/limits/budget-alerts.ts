/**
 * What happens when spend crosses a budget threshold (a soft one, or the hard limit): a log line, an
 * event recorded by the caller's `record` (the audit log), and a JSON POST to
 * `limits.budget_webhook_url`. All off the request path; a failing webhook is logged, never retried
 * in a loop.
 */
import type { BudgetEvent } from './limiter.js';

export interface BudgetAlertOptions {
  webhookUrl: string | undefined;
  record(event: BudgetEvent): Promise<unknown>;
  logger: { warn(obj: object, msg: string): void };
  timeoutMs?: number;
}

export function createBudgetAlerts(options: BudgetAlertOptions): (event: BudgetEvent) => void {
  return function announce(event) {
    const kind = event.threshold >= 1 ? 'budget.exceeded' : 'budget.threshold';
    options.logger.warn(
      { ...event },
      `${kind}: ${event.level} ${event.id} spent $${event.spentUsd.toFixed(4)} of $${event.maxUsd} (${event.period})`,
    );
    options.record(event).catch((error: unknown) => {
      options.logger.warn({ error: String(error) }, 'cannot record a budget event');
    });
    const url = options.webhookUrl;
    if (url === undefined) return;
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: kind,
        at: new Date().toISOString(),
        tenant_id: event.tenantId,
        level: event.level,
        id: event.id,
        period: event.period,
        threshold: event.threshold,
        max_usd: event.maxUsd,
        spent_usd: event.spentUsd,
      }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
    })
      .then(async (response) => {
        await response.body?.cancel();
        if (!response.ok)
          options.logger.warn({ status: response.status, url }, 'budget webhook refused the event');
      })
      .catch((error: unknown) => {
        options.logger.warn({ error: String(error), url }, 'budget webhook failed');
      });
  };
}

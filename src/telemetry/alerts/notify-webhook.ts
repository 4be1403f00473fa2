/**
 * Alert notifications to webhooks: a generic JSON body, or a Slack incoming-webhook message. A failed
 * delivery is retried twice, then logged; it never stops evaluation.
 */
import { request } from 'undici';

export interface WebhookTarget {
  id: string;
  url: string;
  format: 'json' | 'slack';
  headers: Record<string, string>;
}

export interface AlertNotification {
  rule: string;
  /** The instance a check judged (`model=support` for a drift monitor); null for metric rules. */
  instance: string | null;
  state: 'firing' | 'resolved';
  severity: string;
  metric: string;
  value: number | null;
  threshold: number | null;
  /** Epoch ms the alert started firing. */
  startedAt: number;
  /** Epoch ms of this notification. */
  at: number;
  message: string;
  /** What a check found (a drift report's signals); absent for metric rules. */
  details?: Record<string, unknown>;
}

const timeoutMs = 10_000;
const attempts = 3;

export async function sendWebhook(target: WebhookTarget, notification: AlertNotification): Promise<void> {
  const body = JSON.stringify(
    target.format === 'slack' ? slackMessage(notification) : genericBody(notification),
  );
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    try {
      const response = await request(target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...target.headers },
        body,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      await response.body.dump();
      if (response.statusCode < 300) return;
      lastError = new Error(`webhook ${target.id} answered ${response.statusCode}`);
      if (response.statusCode < 500 && response.statusCode !== 429) break;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

function genericBody(notification: AlertNotification): Record<string, unknown> {
  return {
    rule: notification.rule,
    ...(notification.instance === null ? {} : { instance: notification.instance }),
    state: notification.state,
    severity: notification.severity,
    metric: notification.metric,
    value: notification.value,
    threshold: notification.threshold,
    started_at: new Date(notification.startedAt).toISOString(),
    at: new Date(notification.at).toISOString(),
    message: notification.message,
    ...(notification.details === undefined ? {} : { details: notification.details }),
  };
}

/** Slack's incoming-webhook format: a fallback `text` and a coloured attachment with the figures. */
function slackMessage(notification: AlertNotification): Record<string, unknown> {
  const firing = notification.state === 'firing';
  const icon = firing ? ':rotating_light:' : ':white_check_mark:';
  const name =
    notification.instance === null ? notification.rule : `${notification.rule} (${notification.instance})`;
  return {
    text: `${icon} [${notification.state.toUpperCase()}] ${name}: ${notification.message}`,
    attachments: [
      {
        color: firing ? (notification.severity === 'critical' ? '#d00000' : '#e8a317') : '#2eb886',
        fields: [
          { title: 'Metric', value: notification.metric, short: true },
          { title: 'Severity', value: notification.severity, short: true },
          { title: 'Value', value: formatNumber(notification.value), short: true },
          { title: 'Threshold', value: formatNumber(notification.threshold), short: true },
        ],
        ts: Math.floor(notification.at / 1000),
      },
    ],
  };
}

function formatNumber(value: number | null): string {
  return value === null ? 'n/a' : String(Number(value.toPrecision(4)));
}

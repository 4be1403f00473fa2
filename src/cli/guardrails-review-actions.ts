/** The bodies of `gatehouse guardrails review …` (loaded when one runs). */
import { writeFileSync } from 'node:fs';
import type { ReviewItem } from '../storage/guardrail-review-repository.js';
import { adminRequest, adminRequestText, connectionOf, type ConnectionOptions } from './admin-client.js';
import type { ReviewFilterOptions, ReviewListOptions } from './guardrails-command.js';

async function report(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    process.stderr.write(`gatehouse: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}

function queryOf(values: Record<string, string | number | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) if (value !== undefined) query.set(name, String(value));
  const text = query.toString();
  return text === '' ? '' : `?${text}`;
}

function filters(options: ReviewFilterOptions): Record<string, string | undefined> {
  return { check: options.check, policy: options.policy, from: options.from, to: options.to };
}

/** One line per item: id, time, policy, check, action, score, label, the text on one line. */
export function listReviewItems(options: ReviewListOptions): Promise<void> {
  return report(async () => {
    const page = await adminRequest<{ data: ReviewItem[]; next_cursor: string | null }>(
      connectionOf(options),
      'GET',
      `/api/guardrails/review${queryOf({ ...filters(options), status: options.status, limit: options.limit, cursor: options.cursor })}`,
    );
    const lines = page.data.map((item) =>
      [
        item.id,
        new Date(item.createdAt).toISOString(),
        item.policy,
        item.check,
        item.action,
        item.score,
        item.label ?? '-',
        item.text.replace(/\s+/g, ' ').slice(0, 120),
      ].join('\t'),
    );
    if (page.next_cursor !== null) lines.push(`next page: --cursor ${page.next_cursor}`);
    process.stdout.write(lines.length === 0 ? 'no review items\n' : `${lines.join('\n')}\n`);
  });
}

export function labelReviewItem(
  id: string,
  label: 'correct' | 'false_positive',
  options: ConnectionOptions & { note?: string },
): Promise<void> {
  return report(async () => {
    const item = await adminRequest<ReviewItem>(
      connectionOf(options),
      'POST',
      `/api/guardrails/review/${encodeURIComponent(id)}/label`,
      { label, ...(options.note === undefined ? {} : { note: options.note }) },
    );
    process.stdout.write(`${item.id}: ${item.label ?? ''} (by ${item.labelledBy ?? ''})\n`);
  });
}

export function exportReviewItems(options: ReviewFilterOptions & { output?: string }): Promise<void> {
  return report(async () => {
    const text = await adminRequestText(
      connectionOf(options),
      'GET',
      `/api/guardrails/review/export${queryOf(filters(options))}`,
    );
    if (options.output === undefined) process.stdout.write(text);
    else {
      writeFileSync(options.output, text);
      const count = text.split('\n').filter((line) => line !== '').length;
      process.stderr.write(`wrote ${count} labelled items to ${options.output}\n`);
    }
  });
}

/**
 * `gatehouse guardrails review list|label|export`: the guardrails' human review queue through a
 * running gateway's API (`--url`, `--api-key`). The bodies (guardrails-review-actions.ts) load only
 * when a command runs.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { withConnection, type ConnectionOptions } from './admin-client.js';

export interface ReviewFilterOptions extends ConnectionOptions {
  check?: string;
  policy?: string;
  from?: string;
  to?: string;
}

export interface ReviewListOptions extends ReviewFilterOptions {
  status?: 'unlabelled' | 'labelled';
  limit?: number;
  cursor?: string;
}

const actions = () => import('./guardrails-review-actions.js');

function withFilters(command: Command): Command {
  return withConnection(command)
    .option('--check <id>', 'only this check')
    .option('--policy <name>', 'only this policy')
    .option('--from <time>', 'created at or after (ISO-8601 or epoch ms)')
    .option('--to <time>', 'created before (ISO-8601 or epoch ms)');
}

function status(value: string): 'unlabelled' | 'labelled' {
  if (value !== 'unlabelled' && value !== 'labelled')
    throw new InvalidArgumentError('status is unlabelled or labelled');
  return value;
}

function label(value: string): 'correct' | 'false_positive' {
  if (value !== 'correct' && value !== 'false_positive')
    throw new InvalidArgumentError('label is correct or false_positive');
  return value;
}

function positive(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError('a positive integer');
  return number;
}

export function registerGuardrailsCommand(program: Command): void {
  const review = program
    .command('guardrails')
    .description('Guardrails tools')
    .command('review')
    .description('The human review queue: list flagged items, label them, export training data');

  withFilters(review.command('list').description('List review items, newest first'))
    .option('--status <status>', 'unlabelled or labelled', status)
    .option('--limit <n>', 'items per page (default 50)', positive)
    .option('--cursor <cursor>', 'the next page, from a previous list')
    .action(async (options: ReviewListOptions) => (await actions()).listReviewItems(options));

  withConnection(
    review
      .command('label')
      .description('Label a review item')
      .argument('<id>', 'review item id')
      .argument('<label>', 'correct or false_positive', label),
  )
    .option('--note <text>', 'why')
    .action(
      async (
        id: string,
        value: 'correct' | 'false_positive',
        options: ConnectionOptions & { note?: string },
      ) => (await actions()).labelReviewItem(id, value, options),
    );

  withFilters(
    review
      .command('export')
      .description('Labelled items as JSONL training data (npm run train:injection -- --extra FILE)'),
  )
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action(async (options: ReviewFilterOptions & { output?: string }) =>
      (await actions()).exportReviewItems(options),
    );
}

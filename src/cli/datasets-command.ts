/**
 * `gatehouse datasets …`: list, show, import (JSONL/CSV, each import a new version), export, create
 * items from traces (by id or filter, so a production failure becomes a regression case in one
 * command), and delete. The bodies (datasets-actions.ts) load only when a command runs.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { DatasetFormat } from '../evals/datasets/dataset-files.js';
import type { StoreOptions } from './eval-environment.js';
import { runCommand } from './run-command.js';

export interface FromTracesOptions extends StoreOptions {
  trace?: string[];
  model?: string;
  status?: 'ok' | 'error' | 'cancelled';
  user?: string;
  from?: string;
  to?: string;
  limit: number;
  note?: string;
}

export function registerDatasetsCommand(program: Command): void {
  const datasets = program
    .command('datasets')
    .description('Versioned eval datasets: import, export, create from traces');
  const store = (command: Command): Command =>
    command.option('--gateway-config <file>', 'gatehouse.yaml whose database to use');

  store(datasets.command('list').description('List datasets with their latest version')).action(
    (options: StoreOptions) =>
      runCommand(async () => (await import('./datasets-actions.js')).listDatasets(options)),
  );

  store(
    datasets
      .command('show')
      .description('Print the versions of a dataset and the items of one version as JSONL')
      .argument('<name>', 'dataset name')
      .option('--version <n>', 'version (default the latest)', version),
  ).action((name: string, options: StoreOptions & { version?: number }) =>
    runCommand(async () => (await import('./datasets-actions.js')).showDataset(name, options)),
  );

  store(
    datasets
      .command('import')
      .description('Add the items of a JSONL or CSV file as a new version (creating the dataset)')
      .argument('<name>', 'dataset name')
      .argument('<file>', '.jsonl or .csv')
      .option('--replace', 'the new version holds only the file’s items')
      .option('--description <text>', 'dataset description')
      .option('--note <text>', 'note on the new version'),
  ).action(
    (
      name: string,
      file: string,
      options: StoreOptions & { replace?: boolean; description?: string; note?: string },
    ) => runCommand(async () => (await import('./datasets-actions.js')).importDataset(name, file, options)),
  );

  store(
    datasets
      .command('export')
      .description('Write a version of a dataset as JSONL or CSV')
      .argument('<name>', 'dataset name')
      .option('--version <n>', 'version (default the latest)', version)
      .option('-f, --format <format>', 'jsonl or csv (default from --out, else jsonl)', format)
      .option('--out <file>', 'file to write (default stdout)'),
  ).action(
    (name: string, options: StoreOptions & { version?: number; format?: DatasetFormat; out?: string }) =>
      runCommand(async () => (await import('./datasets-actions.js')).exportDataset(name, options)),
  );

  store(
    datasets
      .command('from-traces')
      .description('Add traces (by id, or the newest matching a filter) as items of a new version')
      .argument('<name>', 'dataset name')
      .option('--trace <id...>', 'trace ids')
      .option('--model <model>', 'filter: model')
      .option('--status <status>', 'filter: ok, error or cancelled', status)
      .option('--user <user>', 'filter: end user')
      .option('--from <time>', 'filter: start time from (ISO-8601)')
      .option('--to <time>', 'filter: start time before (ISO-8601)')
      .option('--limit <n>', 'most traces to take with a filter (1-100, default 20)', version, 20)
      .option('--note <text>', 'note on the new version'),
  ).action((name: string, options: FromTracesOptions) =>
    runCommand(async () => (await import('./datasets-actions.js')).datasetFromTraces(name, options)),
  );

  store(
    datasets
      .command('delete')
      .description('Delete a dataset and all its versions')
      .argument('<name>', 'dataset name'),
  ).action((name: string, options: StoreOptions) =>
    runCommand(async () => (await import('./datasets-actions.js')).deleteDataset(name, options)),
  );
}

function version(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('expected a positive integer');
  return parsed;
}

function format(value: string): DatasetFormat {
  if (value !== 'jsonl' && value !== 'csv') throw new InvalidArgumentError('use jsonl or csv');
  return value;
}

function status(value: string): 'ok' | 'error' | 'cancelled' {
  if (value !== 'ok' && value !== 'error' && value !== 'cancelled')
    throw new InvalidArgumentError('use ok, error or cancelled');
  return value;
}

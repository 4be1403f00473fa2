/**
 * `gatehouse datasets …`: list, show, import (JSONL/CSV, each import a new version), export, create
 * items from traces (by id or filter, so a production failure becomes a regression case in one
 * command), and delete.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import {
  DatasetFileError,
  formatDatasetFile,
  formatFromPath,
  parseDatasetFile,
  type DatasetFormat,
} from '../evals/datasets/dataset-files.js';
import { traceToDatasetItem } from '../evals/datasets/trace-content.js';
import { SuiteError } from '../evals/suite/load-suite.js';
import type { TraceRecord } from '../telemetry/model.js';
import { openEvalStores, type EvalStores, type StoreOptions } from './eval-environment.js';
import { runCommand } from './run-command.js';

interface FromTracesOptions extends StoreOptions {
  trace?: string[];
  model?: string;
  status?: 'ok' | 'error' | 'cancelled';
  user?: string;
  from?: string;
  to?: string;
  limit: number;
  note?: string;
}

async function withStores(
  options: StoreOptions,
  body: (stores: EvalStores) => Promise<number>,
): Promise<number> {
  const stores = await openEvalStores(options);
  try {
    return await body(stores);
  } finally {
    await stores.close();
  }
}

export function registerDatasetsCommand(program: Command): void {
  const datasets = program
    .command('datasets')
    .description('Versioned eval datasets: import, export, create from traces');
  const store = (command: Command): Command =>
    command.option('--gateway-config <file>', 'gatehouse.yaml whose database to use');

  store(datasets.command('list').description('List datasets with their latest version')).action(
    (options: StoreOptions) =>
      runCommand(() =>
        withStores(options, async (stores) => {
          for (const dataset of await stores.datasets.listDatasets()) {
            process.stdout.write(
              `${dataset.name}  v${dataset.latestVersion}  ${dataset.itemCount} items${dataset.description === null ? '' : `  ${dataset.description}`}\n`,
            );
          }
          return 0;
        }),
      ),
  );

  store(
    datasets
      .command('show')
      .description('Print the versions of a dataset and the items of one version as JSONL')
      .argument('<name>', 'dataset name')
      .option('--version <n>', 'version (default the latest)', version),
  ).action((name: string, options: StoreOptions & { version?: number }) =>
    runCommand(() =>
      withStores(options, async (stores) => {
        const found = await stores.datasets.getItems(name, options.version);
        if (found === null)
          throw new SuiteError(
            `no dataset ${name}${options.version === undefined ? '' : ` version ${options.version}`}`,
          );
        for (const entry of await stores.datasets.listVersions(name)) {
          process.stderr.write(
            `v${entry.version}  ${entry.itemCount} items  ${new Date(entry.createdAt).toISOString()}${entry.note === null ? '' : `  ${entry.note}`}\n`,
          );
        }
        process.stdout.write(formatDatasetFile(found.items, 'jsonl'));
        return 0;
      }),
    ),
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
    ) =>
      runCommand(() =>
        withStores(options, async (stores) => {
          const items = parseDatasetFile(readText(file), formatFromPath(file));
          const created = await stores.datasets.addItems(name, items, {
            replace: options.replace === true,
            ...(options.description === undefined ? {} : { description: options.description }),
            note: options.note ?? `import ${file}`,
          });
          process.stdout.write(
            `${name} v${created.version}: ${created.itemCount} items (${items.length} imported)\n`,
          );
          return 0;
        }),
      ),
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
      runCommand(() =>
        withStores(options, async (stores) => {
          const found = await stores.datasets.getItems(name, options.version);
          if (found === null)
            throw new SuiteError(
              `no dataset ${name}${options.version === undefined ? '' : ` version ${options.version}`}`,
            );
          const chosen =
            options.format ?? (options.out === undefined ? 'jsonl' : formatFromPath(options.out));
          const text = formatDatasetFile(found.items, chosen);
          if (options.out === undefined) process.stdout.write(text);
          else writeFileSync(options.out, text);
          return 0;
        }),
      ),
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
    runCommand(() =>
      withStores(options, async (stores) => {
        const traces = await findTraces(stores, options);
        if (traces.length === 0) throw new SuiteError('no trace matched');
        const created = await stores.datasets.addItems(name, traces.map(traceToDatasetItem), {
          note: options.note ?? `from ${traces.length} trace(s)`,
        });
        process.stdout.write(
          `${name} v${created.version}: ${created.itemCount} items (${traces.length} from traces)\n`,
        );
        return 0;
      }),
    ),
  );

  store(
    datasets
      .command('delete')
      .description('Delete a dataset and all its versions')
      .argument('<name>', 'dataset name'),
  ).action((name: string, options: StoreOptions) =>
    runCommand(() =>
      withStores(options, async (stores) => {
        if (!(await stores.datasets.deleteDataset(name))) throw new SuiteError(`no dataset ${name}`);
        process.stdout.write(`deleted ${name}\n`);
        return 0;
      }),
    ),
  );
}

async function findTraces(stores: EvalStores, options: FromTracesOptions): Promise<TraceRecord[]> {
  if (options.trace !== undefined) {
    const found: TraceRecord[] = [];
    for (const id of options.trace) {
      const detail = await stores.traces.getTrace(id);
      if (detail === null) throw new SuiteError(`no trace ${id}`);
      found.push(detail.trace);
    }
    return found;
  }
  const page = await stores.traces.listTraces({
    limit: Math.min(options.limit, 100),
    ...(options.model === undefined ? {} : { model: options.model }),
    ...(options.status === undefined ? {} : { status: options.status }),
    ...(options.user === undefined ? {} : { user: options.user }),
    ...(options.from === undefined ? {} : { from: instant(options.from) }),
    ...(options.to === undefined ? {} : { to: instant(options.to) }),
  });
  return page.data;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new DatasetFileError(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function instant(value: string): number {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new SuiteError(`${value}: expected an ISO-8601 date`);
  return time;
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

/** The bodies of the `gatehouse datasets` commands (see datasets-command.ts); each resolves to an exit code. */
import { readFileSync, writeFileSync } from 'node:fs';
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
import type { FromTracesOptions } from './datasets-command.js';
import { openEvalStores, type EvalStores, type StoreOptions } from './eval-environment.js';

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

export function listDatasets(options: StoreOptions): Promise<number> {
  return withStores(options, async (stores) => {
    for (const dataset of await stores.datasets.listDatasets()) {
      process.stdout.write(
        `${dataset.name}  v${dataset.latestVersion}  ${dataset.itemCount} items${dataset.description === null ? '' : `  ${dataset.description}`}\n`,
      );
    }
    return 0;
  });
}

export function showDataset(name: string, options: StoreOptions & { version?: number }): Promise<number> {
  return withStores(options, async (stores) => {
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
  });
}

export function importDataset(
  name: string,
  file: string,
  options: StoreOptions & { replace?: boolean; description?: string; note?: string },
): Promise<number> {
  return withStores(options, async (stores) => {
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
  });
}

export function exportDataset(
  name: string,
  options: StoreOptions & { version?: number; format?: DatasetFormat; out?: string },
): Promise<number> {
  return withStores(options, async (stores) => {
    const found = await stores.datasets.getItems(name, options.version);
    if (found === null)
      throw new SuiteError(
        `no dataset ${name}${options.version === undefined ? '' : ` version ${options.version}`}`,
      );
    const chosen = options.format ?? (options.out === undefined ? 'jsonl' : formatFromPath(options.out));
    const text = formatDatasetFile(found.items, chosen);
    if (options.out === undefined) process.stdout.write(text);
    else writeFileSync(options.out, text);
    return 0;
  });
}

export function datasetFromTraces(name: string, options: FromTracesOptions): Promise<number> {
  return withStores(options, async (stores) => {
    const traces = await findTraces(stores, options);
    if (traces.length === 0) throw new SuiteError('no trace matched');
    const created = await stores.datasets.addItems(name, traces.map(traceToDatasetItem), {
      note: options.note ?? `from ${traces.length} trace(s)`,
    });
    process.stdout.write(
      `${name} v${created.version}: ${created.itemCount} items (${traces.length} from traces)\n`,
    );
    return 0;
  });
}

export function deleteDataset(name: string, options: StoreOptions): Promise<number> {
  return withStores(options, async (stores) => {
    if (!(await stores.datasets.deleteDataset(name))) throw new SuiteError(`no dataset ${name}`);
    process.stdout.write(`deleted ${name}\n`);
    return 0;
  });
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

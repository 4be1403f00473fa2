/**
 * Versioned datasets: a dataset has immutable versions; adding or replacing items writes a new version
 * (copying the items that stay), so a run names exactly the items it tested (`name@version`).
 */
import { randomBytes } from 'node:crypto';
import type { DatasetItem } from '../evals/datasets/dataset-item.js';
import {
  defaultEvalScope,
  type DatasetSummary,
  type DatasetVersion,
  type EvalScope,
  type StoredDatasetItem,
} from '../evals/records.js';
import type { Database } from './database.js';
import type { EvalDatasetItemsTable } from './eval-schema.js';
import { fromJsonText, storableText, toJsonText } from './json-text.js';

export interface DatasetRepository {
  listDatasets: () => Promise<DatasetSummary[]>;
  getDataset: (name: string) => Promise<DatasetSummary | null>;
  listVersions: (name: string) => Promise<DatasetVersion[]>;
  /**
   * Writes a new version: the latest items plus `items` (or only `items` with `replace`). Creates the
   * dataset when it does not exist. Returns the new version.
   */
  addItems: (
    name: string,
    items: readonly DatasetItem[],
    options?: { description?: string; note?: string; replace?: boolean },
  ) => Promise<DatasetVersion>;
  /** The items of a version (default the latest), or null for an unknown dataset or version. */
  getItems: (
    name: string,
    version?: number,
  ) => Promise<{ version: number; items: StoredDatasetItem[] } | null>;
  deleteDataset: (name: string) => Promise<boolean>;
}

const insertChunk = 500;

/** Datasets of one tenant and project (default: the `default` ones, as the CLI uses). */
export function createDatasetRepository(
  database: Database,
  scope: EvalScope = defaultEvalScope,
): DatasetRepository {
  const { db } = database;

  async function summaries(name?: string): Promise<DatasetSummary[]> {
    let query = db
      .selectFrom('eval_datasets')
      .innerJoin('eval_dataset_versions', (join) =>
        join
          .onRef('eval_dataset_versions.dataset_id', '=', 'eval_datasets.id')
          .onRef('eval_dataset_versions.version', '=', 'eval_datasets.latest_version'),
      )
      .select([
        'eval_datasets.name',
        'eval_datasets.description',
        'eval_datasets.latest_version',
        'eval_datasets.created_at',
        'eval_dataset_versions.item_count',
      ])
      .where('eval_datasets.tenant_id', '=', scope.tenantId)
      .where('eval_datasets.project_id', '=', scope.projectId);
    if (name !== undefined) query = query.where('eval_datasets.name', '=', name);
    const rows = await query.orderBy('eval_datasets.name').execute();
    return rows.map((row) => ({
      name: row.name,
      description: row.description,
      latestVersion: row.latest_version,
      itemCount: row.item_count,
      createdAt: row.created_at,
    }));
  }

  async function readItems(datasetId: string, version: number): Promise<StoredDatasetItem[]> {
    const rows = await db
      .selectFrom('eval_dataset_items')
      .selectAll()
      .where('dataset_id', '=', datasetId)
      .where('version', '=', version)
      .orderBy('position')
      .execute();
    return rows.map(rowToItem);
  }

  return {
    listDatasets: () => summaries(),
    getDataset: async (name) => (await summaries(name))[0] ?? null,

    async listVersions(name) {
      const rows = await db
        .selectFrom('eval_dataset_versions')
        .innerJoin('eval_datasets', 'eval_datasets.id', 'eval_dataset_versions.dataset_id')
        .select(['version', 'item_count', 'note', 'eval_dataset_versions.created_at'])
        .where('eval_datasets.tenant_id', '=', scope.tenantId)
        .where('eval_datasets.project_id', '=', scope.projectId)
        .where('eval_datasets.name', '=', name)
        .orderBy('version', 'desc')
        .execute();
      return rows.map((row) => ({
        version: row.version,
        itemCount: row.item_count,
        note: row.note,
        createdAt: row.created_at,
      }));
    },

    addItems(name, items, options = {}) {
      return db.transaction().execute(async (transaction) => {
        const now = Date.now();
        let dataset = await transaction
          .selectFrom('eval_datasets')
          .selectAll()
          .where('tenant_id', '=', scope.tenantId)
          .where('project_id', '=', scope.projectId)
          .where('name', '=', name)
          .executeTakeFirst();
        if (dataset === undefined) {
          dataset = {
            id: `ds_${randomBytes(8).toString('hex')}`,
            tenant_id: scope.tenantId,
            project_id: scope.projectId,
            name,
            description: options.description ?? null,
            latest_version: 0,
            created_at: now,
          };
          await transaction.insertInto('eval_datasets').values(dataset).execute();
        }
        const kept =
          options.replace === true || dataset.latest_version === 0
            ? []
            : (
                await transaction
                  .selectFrom('eval_dataset_items')
                  .selectAll()
                  .where('dataset_id', '=', dataset.id)
                  .where('version', '=', dataset.latest_version)
                  .orderBy('position')
                  .execute()
              ).map(rowToItem);
        const version = dataset.latest_version + 1;
        const all: StoredDatasetItem[] = [
          ...kept,
          ...items.map((item) => ({ ...item, id: item.id ?? newItemId() })),
        ];
        const rows = all.map((item, position) => itemToRow(dataset.id, version, position, item));
        for (let start = 0; start < rows.length; start += insertChunk) {
          await transaction
            .insertInto('eval_dataset_items')
            .values(rows.slice(start, start + insertChunk))
            .execute();
        }
        await transaction
          .insertInto('eval_dataset_versions')
          .values({
            dataset_id: dataset.id,
            version,
            item_count: all.length,
            note: options.note ?? null,
            created_at: now,
          })
          .execute();
        await transaction
          .updateTable('eval_datasets')
          .set({
            latest_version: version,
            ...(options.description === undefined ? {} : { description: options.description }),
          })
          .where('id', '=', dataset.id)
          .execute();
        return { version, itemCount: all.length, note: options.note ?? null, createdAt: now };
      });
    },

    async getItems(name, version) {
      const dataset = await db
        .selectFrom('eval_datasets')
        .selectAll()
        .where('tenant_id', '=', scope.tenantId)
        .where('project_id', '=', scope.projectId)
        .where('name', '=', name)
        .executeTakeFirst();
      if (dataset === undefined) return null;
      const wanted = version ?? dataset.latest_version;
      if (wanted < 1 || wanted > dataset.latest_version) return null;
      return { version: wanted, items: await readItems(dataset.id, wanted) };
    },

    async deleteDataset(name) {
      return db.transaction().execute(async (transaction) => {
        const dataset = await transaction
          .selectFrom('eval_datasets')
          .select('id')
          .where('tenant_id', '=', scope.tenantId)
          .where('project_id', '=', scope.projectId)
          .where('name', '=', name)
          .executeTakeFirst();
        if (dataset === undefined) return false;
        await transaction.deleteFrom('eval_dataset_items').where('dataset_id', '=', dataset.id).execute();
        await transaction.deleteFrom('eval_dataset_versions').where('dataset_id', '=', dataset.id).execute();
        await transaction.deleteFrom('eval_datasets').where('id', '=', dataset.id).execute();
        return true;
      });
    },
  };
}

function newItemId(): string {
  return `item_${randomBytes(6).toString('hex')}`;
}

function itemToRow(
  datasetId: string,
  version: number,
  position: number,
  item: StoredDatasetItem,
): EvalDatasetItemsTable {
  return {
    dataset_id: datasetId,
    version,
    position,
    item_id: item.id,
    input: toJsonText(item.input),
    expected: item.expected === undefined ? null : storableText(item.expected),
    context: item.context === undefined ? null : toJsonText(item.context),
    metadata: item.metadata === undefined ? null : toJsonText(item.metadata),
  };
}

function rowToItem(row: EvalDatasetItemsTable): StoredDatasetItem {
  const item: StoredDatasetItem = { id: row.item_id, input: fromJsonText(row.input) };
  if (row.expected !== null) item.expected = row.expected;
  if (row.context !== null) item.context = fromJsonText(row.context);
  if (row.metadata !== null) item.metadata = fromJsonText(row.metadata);
  return item;
}

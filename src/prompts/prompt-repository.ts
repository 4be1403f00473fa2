/**
 * The prompt registry's rows: prompts, immutable versions, labels and their audited moves, and
 * experiments. Every query is scoped: a prompt is found by (tenant, project, name) first, and
 * everything else by that prompt's id, so one tenant never reaches another's rows. The same queries
 * run on SQLite and PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type {
  Experiment,
  ExperimentSegment,
  ExperimentStatus,
  ExperimentVariant,
  LabelAction,
  LabelMove,
  PromptDefinition,
  PromptScope,
  PromptSummary,
  PromptType,
  PromptVersion,
} from './types.js';
import type { Database } from '../storage/database.js';
import type {
  PromptExperimentsTable,
  PromptLabelEventsTable,
  PromptVersionsTable,
  Schema,
} from '../storage/schema.js';

export interface StoredPrompt {
  id: string;
  name: string;
  type: PromptType;
  createdAt: number;
}

export interface PushResult {
  version: PromptVersion;
  /** False when the content equals the latest version's: no new version was made. */
  created: boolean;
  /** The `latest` move a new version made (null when none was made). */
  move: LabelMove | null;
}

export interface LabelChange {
  label: string;
  toVersion: number | null;
  action: LabelAction;
  actor: string;
  reason: string | null;
}

export interface NewExperiment {
  label: string;
  variants: ExperimentVariant[];
  segment: ExperimentSegment | null;
  createdBy: string;
}

export interface ExperimentTraceRow {
  id: string;
  variant: string;
  status: string;
  durationMs: number;
  cost: number | null;
}

export interface ExperimentScoreRow {
  traceId: string;
  variant: string;
  name: string;
  source: string;
  value: number;
}

export type PromptRepository = ReturnType<typeof createPromptRepository>;

/**
 * @example
 * const prompts = createPromptRepository(database);
 * const stored = await prompts.findPrompt({ tenantId: 'default', projectId: 'default' }, 'support-answer');
 */
export function createPromptRepository(database: Database) {
  const { db } = database;

  async function findPrompt(scope: PromptScope, name: string): Promise<StoredPrompt | null> {
    const row = await db
      .selectFrom('prompts')
      .selectAll()
      .where('tenant_id', '=', scope.tenantId)
      .where('project_id', '=', scope.projectId)
      .where('name', '=', name)
      .executeTakeFirst();
    return row === undefined
      ? null
      : { id: row.id, name: row.name, type: row.type as PromptType, createdAt: row.created_at };
  }

  async function listPrompts(scope: PromptScope): Promise<PromptSummary[]> {
    const prompts = await db
      .selectFrom('prompts')
      .selectAll()
      .where('tenant_id', '=', scope.tenantId)
      .where('project_id', '=', scope.projectId)
      .orderBy('name')
      .execute();
    if (prompts.length === 0) return [];
    const ids = prompts.map((prompt) => prompt.id);
    const labels = await db.selectFrom('prompt_labels').selectAll().where('prompt_id', 'in', ids).execute();
    const latest = await db
      .selectFrom('prompt_versions as v')
      .select(['v.prompt_id', 'v.version', 'v.tags'])
      .where('v.prompt_id', 'in', ids)
      .where((eb) =>
        eb(
          'v.version',
          '=',
          eb
            .selectFrom('prompt_versions as w')
            .select((inner) => inner.fn.max('w.version').as('max'))
            .whereRef('w.prompt_id', '=', 'v.prompt_id'),
        ),
      )
      .execute();
    return prompts.map((prompt) => {
      const newest = latest.find((row) => row.prompt_id === prompt.id);
      return {
        name: prompt.name,
        type: prompt.type as PromptType,
        latestVersion: newest?.version ?? 0,
        labels: Object.fromEntries(
          labels
            .filter((label) => label.prompt_id === prompt.id)
            .map((label) => [label.label, label.version]),
        ),
        tags: newest === undefined ? [] : (JSON.parse(newest.tags) as string[]),
        createdAt: prompt.created_at,
      };
    });
  }

  /**
   * Stores a new version when the content differs from the latest one, and moves `latest` to it, in
   * one transaction. The prompt is created by its first push.
   */
  async function pushVersion(
    scope: PromptScope,
    definition: PromptDefinition,
    contentHash: string,
    actor: string,
  ): Promise<PushResult> {
    return db.transaction().execute(async (transaction) => {
      const now = Date.now();
      let prompt = await transaction
        .selectFrom('prompts')
        .select(['id', 'type'])
        .where('tenant_id', '=', scope.tenantId)
        .where('project_id', '=', scope.projectId)
        .where('name', '=', definition.name)
        .executeTakeFirst();
      if (prompt === undefined) {
        prompt = { id: randomUUID(), type: definition.type };
        await transaction
          .insertInto('prompts')
          .values({
            id: prompt.id,
            tenant_id: scope.tenantId,
            project_id: scope.projectId,
            name: definition.name,
            type: definition.type,
            created_at: now,
          })
          .execute();
      } else if (prompt.type !== definition.type) {
        throw new PromptTypeMismatchError(definition.name, prompt.type, definition.type);
      }
      const newest = await transaction
        .selectFrom('prompt_versions')
        .selectAll()
        .where('prompt_id', '=', prompt.id)
        .orderBy('version', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (newest !== undefined && newest.content_hash === contentHash) {
        return {
          version: rowToVersion(definition.name, definition.type, newest),
          created: false,
          move: null,
        };
      }
      const row: PromptVersionsTable = {
        prompt_id: prompt.id,
        version: (newest?.version ?? 0) + 1,
        template: JSON.stringify(definition.template),
        config: JSON.stringify(definition.config),
        variables: JSON.stringify(definition.variables),
        tags: JSON.stringify(definition.tags),
        extra_variables: definition.extraVariables,
        commit_message: definition.commitMessage,
        content_hash: contentHash,
        created_by: actor,
        created_at: now,
      };
      await transaction.insertInto('prompt_versions').values(row).execute();
      const move = await moveLabelIn(transaction, prompt.id, definition.name, {
        label: 'latest',
        toVersion: row.version,
        action: 'push',
        actor,
        reason: definition.commitMessage,
      });
      return { version: rowToVersion(definition.name, definition.type, row), created: true, move };
    });
  }

  async function getVersion(prompt: StoredPrompt, version: number): Promise<PromptVersion | null> {
    const row = await db
      .selectFrom('prompt_versions')
      .selectAll()
      .where('prompt_id', '=', prompt.id)
      .where('version', '=', version)
      .executeTakeFirst();
    return row === undefined ? null : rowToVersion(prompt.name, prompt.type, row);
  }

  async function listVersions(prompt: StoredPrompt): Promise<PromptVersion[]> {
    const rows = await db
      .selectFrom('prompt_versions')
      .selectAll()
      .where('prompt_id', '=', prompt.id)
      .orderBy('version', 'desc')
      .execute();
    return rows.map((row) => rowToVersion(prompt.name, prompt.type, row));
  }

  async function getLabels(prompt: StoredPrompt): Promise<Record<string, number>> {
    const rows = await db
      .selectFrom('prompt_labels')
      .select(['label', 'version'])
      .where('prompt_id', '=', prompt.id)
      .execute();
    return Object.fromEntries(rows.map((row) => [row.label, row.version]));
  }

  /** Moves (or with `toVersion: null` removes) a label and audits the move, in one transaction. */
  function moveLabel(prompt: StoredPrompt, change: LabelChange): Promise<LabelMove> {
    return db
      .transaction()
      .execute((transaction) => moveLabelIn(transaction, prompt.id, prompt.name, change));
  }

  async function listLabelMoves(
    prompt: StoredPrompt,
    filter: { label?: string; limit: number },
  ): Promise<LabelMove[]> {
    let select = db.selectFrom('prompt_label_events').selectAll().where('prompt_id', '=', prompt.id);
    if (filter.label !== undefined) select = select.where('label', '=', filter.label);
    const rows = await select
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit)
      .execute();
    return rows.map((row) => rowToMove(prompt.name, row));
  }

  async function createExperiment(prompt: StoredPrompt, experiment: NewExperiment): Promise<Experiment> {
    const row: PromptExperimentsTable = {
      id: `exp_${randomUUID().replaceAll('-', '')}`,
      prompt_id: prompt.id,
      label: experiment.label,
      status: 'running',
      variants: JSON.stringify(experiment.variants),
      segment: experiment.segment === null ? null : JSON.stringify(experiment.segment),
      shipped_variant: null,
      created_by: experiment.createdBy,
      created_at: Date.now(),
      ended_at: null,
    };
    await db.insertInto('prompt_experiments').values(row).execute();
    return rowToExperiment(prompt.name, row);
  }

  async function listExperiments(
    prompt: StoredPrompt,
    filter: { status?: ExperimentStatus } = {},
  ): Promise<Experiment[]> {
    let select = db.selectFrom('prompt_experiments').selectAll().where('prompt_id', '=', prompt.id);
    if (filter.status !== undefined) select = select.where('status', '=', filter.status);
    const rows = await select.orderBy('created_at', 'desc').execute();
    return rows.map((row) => rowToExperiment(prompt.name, row));
  }

  async function getExperiment(prompt: StoredPrompt, id: string): Promise<Experiment | null> {
    const row = await db
      .selectFrom('prompt_experiments')
      .selectAll()
      .where('prompt_id', '=', prompt.id)
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? null : rowToExperiment(prompt.name, row);
  }

  /** Ends a running experiment; false when it was not running any more. */
  async function endExperiment(
    prompt: StoredPrompt,
    id: string,
    status: Exclude<ExperimentStatus, 'running'>,
    shippedVariant: string | null,
  ): Promise<boolean> {
    const result = await db
      .updateTable('prompt_experiments')
      .set({ status, shipped_variant: shippedVariant, ended_at: Date.now() })
      .where('prompt_id', '=', prompt.id)
      .where('id', '=', id)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async function experimentTraces(experimentId: string): Promise<ExperimentTraceRow[]> {
    const rows = await db
      .selectFrom('traces')
      .select(['id', 'experiment_variant', 'status', 'duration_ms', 'cost'])
      .where('experiment_id', '=', experimentId)
      .execute();
    return rows.map((row) => ({
      id: row.id,
      variant: row.experiment_variant ?? '',
      status: row.status,
      durationMs: row.duration_ms,
      cost: row.cost,
    }));
  }

  /** Numeric and boolean scores of the experiment's traces (booleans as 0/1). */
  async function experimentScores(scope: PromptScope, experimentId: string): Promise<ExperimentScoreRow[]> {
    const rows = await db
      .selectFrom('scores')
      .innerJoin('traces', 'traces.id', 'scores.trace_id')
      .select([
        'scores.trace_id',
        'traces.experiment_variant',
        'scores.name',
        'scores.source',
        'scores.numeric_value',
      ])
      .where('traces.experiment_id', '=', experimentId)
      .where('scores.tenant_id', '=', scope.tenantId)
      .where('scores.project_id', '=', scope.projectId)
      .where('scores.numeric_value', 'is not', null)
      .execute();
    return rows.map((row) => ({
      traceId: row.trace_id,
      variant: row.experiment_variant ?? '',
      name: row.name,
      source: row.source,
      value: row.numeric_value ?? 0,
    }));
  }

  return {
    findPrompt,
    listPrompts,
    pushVersion,
    getVersion,
    listVersions,
    getLabels,
    moveLabel,
    listLabelMoves,
    createExperiment,
    listExperiments,
    getExperiment,
    endExperiment,
    experimentTraces,
    experimentScores,
  };
}

/** A push whose type differs from the prompt's: a prompt stays text or chat for life. */
export class PromptTypeMismatchError extends Error {
  constructor(
    readonly promptName: string,
    readonly storedType: string,
    readonly pushedType: string,
  ) {
    super(`prompt ${promptName} is a ${storedType} prompt; a ${pushedType} version cannot be pushed to it`);
    this.name = 'PromptTypeMismatchError';
  }
}

async function moveLabelIn(
  transaction: Transaction<Schema> | Kysely<Schema>,
  promptId: string,
  promptName: string,
  change: LabelChange,
): Promise<LabelMove> {
  const now = Date.now();
  const current = await transaction
    .selectFrom('prompt_labels')
    .select('version')
    .where('prompt_id', '=', promptId)
    .where('label', '=', change.label)
    .executeTakeFirst();
  if (change.toVersion === null) {
    await transaction
      .deleteFrom('prompt_labels')
      .where('prompt_id', '=', promptId)
      .where('label', '=', change.label)
      .execute();
  } else if (current === undefined) {
    await transaction
      .insertInto('prompt_labels')
      .values({ prompt_id: promptId, label: change.label, version: change.toVersion, updated_at: now })
      .execute();
  } else {
    await transaction
      .updateTable('prompt_labels')
      .set({ version: change.toVersion, updated_at: now })
      .where('prompt_id', '=', promptId)
      .where('label', '=', change.label)
      .execute();
  }
  const event: PromptLabelEventsTable = {
    // Time-ordered, so events of the same millisecond still list in the order they happened.
    id: `${now.toString(16).padStart(12, '0')}${randomUUID().replaceAll('-', '').slice(0, 20)}`,
    prompt_id: promptId,
    label: change.label,
    from_version: current?.version ?? null,
    to_version: change.toVersion,
    action: change.action,
    actor: change.actor,
    reason: change.reason,
    created_at: now,
  };
  await transaction.insertInto('prompt_label_events').values(event).execute();
  return rowToMove(promptName, event);
}

function rowToVersion(name: string, type: PromptType, row: PromptVersionsTable): PromptVersion {
  return {
    name,
    type,
    version: row.version,
    template: JSON.parse(row.template) as PromptVersion['template'],
    config: JSON.parse(row.config) as PromptVersion['config'],
    variables: JSON.parse(row.variables) as PromptVersion['variables'],
    tags: JSON.parse(row.tags) as string[],
    extraVariables: row.extra_variables === 'reject' ? 'reject' : 'ignore',
    commitMessage: row.commit_message,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

function rowToMove(name: string, row: PromptLabelEventsTable): LabelMove {
  return {
    id: row.id,
    name,
    label: row.label,
    fromVersion: row.from_version,
    toVersion: row.to_version,
    action: row.action as LabelAction,
    actor: row.actor,
    reason: row.reason,
    createdAt: row.created_at,
  };
}

function rowToExperiment(promptName: string, row: PromptExperimentsTable): Experiment {
  return {
    id: row.id,
    promptName,
    label: row.label,
    status: row.status as ExperimentStatus,
    variants: JSON.parse(row.variants) as ExperimentVariant[],
    segment: row.segment === null ? null : (JSON.parse(row.segment) as ExperimentSegment),
    shippedVariant: row.shipped_variant,
    createdBy: row.created_by,
    createdAt: row.created_at,
    endedAt: row.ended_at,
  };
}

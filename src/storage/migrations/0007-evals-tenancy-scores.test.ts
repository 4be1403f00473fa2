/**
 * Migration 0007 on a database that has evaluation data from 0005, on SQLite and PostgreSQL: datasets,
 * runs and labels go to the default tenant and project, and online scores move into `scores` under
 * their trace's tenant and project (grading errors are not scores and are dropped).
 */
import { Migrator, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../database.js';
import { createDatasetRepository } from '../dataset-repository.js';
import { createEvalRunRepository } from '../eval-run-repository.js';
import { migrateToLatest } from '../migrate.js';
import { createPostgresTestDatabase, postgresAvailable } from '../testing/postgres-test-database.js';
import { makeTrace } from '../testing/trace-fixtures.js';
import { traceToRow } from '../trace-rows.js';
import { createScoreRepository } from '../../telemetry/score-repository.js';
import { migrations } from './index.js';

const backends = [
  {
    name: 'SQLite',
    available: true,
    open: () => Promise.resolve({ url: ':memory:', drop: () => Promise.resolve() }),
  },
  {
    name: 'PostgreSQL',
    available: await postgresAvailable(),
    open: async () => {
      const created = await createPostgresTestDatabase();
      if (created === null) throw new Error('PostgreSQL is unreachable');
      return { url: created.url, drop: () => created.drop() };
    },
  },
];

for (const backend of backends) {
  describe.skipIf(!backend.available)(`migration 0007 on ${backend.name}`, () => {
    let database: Database;
    let drop: () => Promise<void>;

    afterEach(async () => {
      await database.close();
      await drop();
    });

    it('scopes existing eval data to the default tenant and moves online scores into scores', async () => {
      const opened = await backend.open();
      drop = opened.drop;
      database = await openDatabase(opened.url);
      const migrator = new Migrator({
        db: database.db,
        provider: {
          getMigrations: () =>
            Promise.resolve(
              Object.fromEntries(
                Object.entries(migrations).map(([name, migration]) => [
                  name,
                  { up: (db: Parameters<typeof migration.up>[0]) => migration.up(db, database.dialect) },
                ]),
              ),
            ),
        },
      });
      expect((await migrator.migrateTo('0006-pending-scores')).error).toBeUndefined();

      const trace = makeTrace({ tenantId: 'acme', projectId: 'web' });
      await database.db.insertInto('traces').values(traceToRow(trace)).execute();
      await sql`insert into eval_datasets (id, name, description, latest_version, created_at) values ('ds_1', 'golden', null, 1, 1)`.execute(
        database.db,
      );
      await sql`insert into eval_dataset_versions (dataset_id, version, item_count, note, created_at) values ('ds_1', 1, 0, null, 1)`.execute(
        database.db,
      );
      await sql`insert into eval_runs (id, suite, description, dataset, status, started_at, finished_at, item_count, config, summary) values ('run_1', 's', null, null, 'completed', 1, 2, 0, '{}', null)`.execute(
        database.db,
      );
      await sql`insert into eval_run_labels (suite, label, run_id, updated_at) values ('s', 'production', 'run_1', 1)`.execute(
        database.db,
      );
      await sql`insert into eval_online_scores (trace_id, evaluator_id, metric, score, pass, reason, error, created_at) values
        (${trace.id}, 'oe_1', 'faithfulness', 0.5, 0, 'half grounded', null, 7),
        (${trace.id}, 'oe_1', 'rubric', 0, 0, null, 'judge gave no JSON', 7)`.execute(database.db);

      expect((await migrateToLatest(database))[0]).toBe('0007-evals-tenancy-scores');

      expect((await createDatasetRepository(database).getDataset('golden'))?.latestVersion).toBe(1);
      const runs = createEvalRunRepository(database);
      expect((await runs.getRun('run_1'))?.labels).toEqual(['production']);
      expect(await runs.resolveLabel('s', 'production')).toBe('run_1');
      expect(
        await createScoreRepository(database).listScores({ tenantId: 'acme', projectId: 'web' }, trace.id),
      ).toMatchObject([
        { name: 'faithfulness', value: 0.5, source: 'eval', comment: 'half grounded', createdAt: 7 },
      ]);
    });
  });
}

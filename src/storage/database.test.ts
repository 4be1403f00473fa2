/**
 * Opening databases: the SQLite file settings the telemetry throughput depends on, the default path,
 * and PostgreSQL numbers coming back as JS numbers.
 */
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from './database.js';
import { migrateToLatest } from './migrate.js';
import { openSqliteConnection } from './sqlite-connection.js';
// Every migration runs on a fresh database, in the listed order.
import { migrations } from './migrations/index.js';
import { createPostgresTestDatabase, postgresAvailable } from './testing/postgres-test-database.js';

const temporaryDirectory = mkdtempSync(join(tmpdir(), 'gatehouse-database-'));
afterAll(() => rmSync(temporaryDirectory, { recursive: true, force: true }));

async function pragma(database: Awaited<ReturnType<typeof openDatabase>>, name: string): Promise<unknown> {
  const result = await sql<Record<string, unknown>>`select * from ${sql.raw(`pragma_${name}`)}`.execute(
    database.db,
  );
  return Object.values(result.rows[0] ?? {})[0];
}

describe('openDatabase with SQLite', () => {
  it('creates the default file under sqliteDir, with 16 KB pages, WAL and foreign keys', async () => {
    const directory = join(temporaryDirectory, 'nested', '.gatehouse');
    const database = await openDatabase(undefined, { sqliteDir: directory });
    try {
      expect(database.dialect).toBe('sqlite');
      await migrateToLatest(database);
      await database.ping();
      expect(existsSync(join(directory, 'gatehouse.db'))).toBe(true);
      expect(await pragma(database, 'page_size')).toBe(16_384);
      expect(await pragma(database, 'journal_mode')).toBe('wal');
      // NORMAL is 1.
      expect(await pragma(database, 'synchronous')).toBe(1);
      expect(await pragma(database, 'foreign_keys')).toBe(1);
      expect(await pragma(database, 'busy_timeout')).toBe(5_000);
    } finally {
      await database.close();
    }
  });

  it('treats any other URL as a file path and keeps data across reopening', async () => {
    const path = join(temporaryDirectory, 'other', 'traces.db');
    const first = await openDatabase(path);
    expect(await migrateToLatest(first)).toEqual(Object.keys(migrations));
    await first.close();
    const second = await openDatabase(path);
    expect(await migrateToLatest(second)).toEqual([]);
    await second.close();
  });

  it('commits a transaction that read before writing while another connection writes the file', async () => {
    const path = join(temporaryDirectory, 'concurrent', 'gatehouse.db');
    const database = await openDatabase(path);
    // Another connection to the same file, as the telemetry worker holds; it gives up at once when locked.
    const other = openSqliteConnection(path);
    other.pragma('busy_timeout = 0');
    try {
      await sql`create table counters (name text primary key, value integer not null)`.execute(database.db);
      await sql`insert into counters values ('pushes', 0)`.execute(database.db);
      let otherWrite: unknown = null;
      await database.db.transaction().execute(async (transaction) => {
        const { rows } = await sql<{ value: number }>`select value from counters`.execute(transaction);
        try {
          other.prepare(`insert into counters values ('traces', 1)`).run();
        } catch (error) {
          otherWrite = error;
        }
        await sql`update counters set value = ${(rows[0]?.value ?? 0) + 1} where name = 'pushes'`.execute(
          transaction,
        );
      });
      // The transaction held the write lock from its start: the other writer waited (here: gave up),
      // instead of committing in between and making the transaction's own write fail.
      expect((otherWrite as { code?: string } | null)?.code).toBe('SQLITE_BUSY');
      const { rows } = await sql<{ value: number }>`select value from counters where name = 'pushes'`.execute(
        database.db,
      );
      expect(rows[0]?.value).toBe(1);
    } finally {
      other.close();
      await database.close();
    }
  });
});

describe.skipIf(!(await postgresAvailable()))('openDatabase with PostgreSQL', () => {
  it('reads bigint and numeric results as JS numbers', async () => {
    const testDatabase = await createPostgresTestDatabase();
    if (testDatabase === null) throw new Error('PostgreSQL became unavailable');
    const database = await openDatabase(testDatabase.url.replace(/^postgres:/, 'postgresql:'));
    try {
      expect(database.dialect).toBe('postgres');
      await database.ping();
      const { rows } = await sql<{ big: unknown; exact: unknown; count: unknown }>`
        select 1750000000123::bigint as big, 12.5::numeric as exact, count(*) as count from (values (1), (2)) as v(x)
      `.execute(database.db);
      expect(rows[0]).toEqual({ big: 1_750_000_000_123, exact: 12.5, count: 2 });
    } finally {
      await database.close();
      await testDatabase.drop();
    }
  });
});

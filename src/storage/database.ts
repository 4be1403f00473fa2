/**
 * Opens the one database Gatehouse stores everything in: SQLite (embedded default, a file under
 * `.gatehouse/`) or PostgreSQL (`postgres://…`), behind one Kysely instance (ARCHITECTURE §5).
 * Choosing between them is configuration only: `storage.database_url` / `DATABASE_URL`.
 */
import { join, resolve } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  sql,
  type DatabaseConnection,
  type Driver,
  type SqliteDialectConfig,
} from 'kysely';
import pg from 'pg';
import type { Schema } from './schema.js';
import { inMemoryPath, openSqliteConnection } from './sqlite-connection.js';
import { createSqliteTelemetryThread, type SqliteTelemetryThread } from './sqlite-telemetry-thread.js';

export type DatabaseDialect = 'sqlite' | 'postgres';

export interface Database {
  db: Kysely<Schema>;
  dialect: DatabaseDialect;
  /**
   * The better-sqlite3 connection behind `db`, set only for the sqlite dialect. It is for hot paths
   * that run statements prepared once rather than compiling a Kysely query per call (trace inserts
   * into an in-memory database). Use it only inside `db.connection().execute(…)`: that holds Kysely's
   * lock on this single connection, so a raw statement never lands inside a Kysely transaction left
   * open across an await.
   */
  sqlite?: BetterSqlite3.Database;
  /**
   * Set only for a SQLite file: the worker thread that stores telemetry through a connection of its
   * own, off the event loop (sqlite-telemetry-thread.ts). Started by its first write.
   */
  telemetryThread?: SqliteTelemetryThread;
  /**
   * Ends the telemetry thread once it has answered the batches sent to it, then closes the SQLite file
   * or ends the PostgreSQL pool; the instance is unusable afterwards.
   */
  close(): Promise<void>;
  /** Resolves when a trivial query succeeds (readiness checks); rejects otherwise. */
  ping(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** Directory of the default SQLite file when no URL is given (default `.gatehouse`). */
  sqliteDir?: string;
  /** Receives errors of idle PostgreSQL connections, which would otherwise crash the process. */
  logger?: { error(obj: object, msg: string): void };
}

const defaultSqliteDir = '.gatehouse';
const defaultSqliteFile = 'gatehouse.db';
// Without it, pg waits forever for a connection while the server is down, and the bulk writer's
// single in-flight write would hang instead of failing and retrying.
const postgresConnectTimeoutMs = 5_000;
const postgresPoolSize = 10;
const int8Oid = 20;
const numericOid = 1700;

/**
 * Opens a database from a URL: `postgres://` or `postgresql://` selects PostgreSQL, anything else is a
 * SQLite file path (`:memory:` for tests). Run `migrateToLatest` before using it.
 *
 * @example
 * const database = await openDatabase(process.env.DATABASE_URL);
 * await migrateToLatest(database);
 */
export function openDatabase(url: string | undefined, options: OpenDatabaseOptions = {}): Promise<Database> {
  if (url !== undefined && /^postgres(ql)?:\/\//i.test(url)) {
    return Promise.resolve(openPostgres(url, options));
  }
  const path =
    url === undefined || url === '' ? join(options.sqliteDir ?? defaultSqliteDir, defaultSqliteFile) : url;
  return Promise.resolve(openSqlite(path));
}

/**
 * SQLite transactions that take the write lock when they begin (`BEGIN IMMEDIATE`). Kysely's plain
 * `BEGIN` defers it to the first write, and a transaction that read first cannot take it once another
 * connection (the telemetry worker) has committed since: SQLite answers SQLITE_BUSY at once, without
 * waiting out busy_timeout. Every transaction here writes, so waiting for the lock up front is right.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

function openSqlite(path: string): Database {
  const connection = openSqliteConnection(path);
  const db = new Kysely<Schema>({ dialect: new ImmediateSqliteDialect({ database: connection }) });
  const database = { ...wrap(db, 'sqlite'), sqlite: connection };
  // No other connection, let alone another thread, can open an in-memory database.
  if (path === inMemoryPath) return database;
  const telemetryThread = createSqliteTelemetryThread(resolve(path));
  return {
    ...database,
    telemetryThread,
    close: async () => {
      try {
        await telemetryThread.close();
      } finally {
        await db.destroy();
      }
    },
  };
}

function openPostgres(url: string, options: OpenDatabaseOptions): Database {
  // Per-pool overrides rather than pg.types.setTypeParser, which would change every pg user in the process.
  // Counts, sums and epoch milliseconds stay far below 2^53, so JS numbers are exact for them.
  const types = new pg.TypeOverrides();
  types.setTypeParser(int8Oid, 'text', Number);
  types.setTypeParser(numericOid, 'text', Number);
  const pool = new pg.Pool({
    connectionString: url,
    types,
    max: postgresPoolSize,
    connectionTimeoutMillis: postgresConnectTimeoutMs,
    keepAlive: true,
  });
  pool.on('error', (error) => {
    options.logger?.error({ err: error }, 'idle PostgreSQL connection failed');
  });
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return wrap(db, 'postgres');
}

function wrap(db: Kysely<Schema>, dialect: DatabaseDialect): Database {
  return {
    db,
    dialect,
    close: () => db.destroy(),
    ping: async () => {
      await sql`select 1`.execute(db);
    },
  };
}

/**
 * A throwaway PostgreSQL database per test run, on the machine's real server (ARCHITECTURE §8):
 * `gatehouse_test_<random>`, created empty and dropped at the end. Shared by the storage tests and
 * the end-to-end suite. Free of vitest imports so any runner can use it.
 *
 * Unreachable server: in CI (`CI=true`) that is a failure, because CI must exercise the PostgreSQL
 * paths; on a developer machine it is a loud warning and the PostgreSQL tests are skipped.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Admin connection used to create and drop test databases (override with GATEHOUSE_TEST_POSTGRES_URL). */
export const postgresAdminUrl =
  process.env.GATEHOUSE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface PostgresTestDatabase {
  /** Connection URL of the new, empty database. */
  url: string;
  name: string;
  /** Terminates the database's remaining connections and drops it. Safe to call twice. */
  drop(): Promise<void>;
}

const connectTimeoutMs = 3_000;
let availability: Promise<boolean> | undefined;

/**
 * True when the admin URL accepts connections (checked once per process). When it does not: throws if
 * `CI=true`, otherwise warns on the console and returns false.
 *
 * @example
 * const available = await postgresAvailable();
 * describe.skipIf(!available)('on PostgreSQL', () => { … });
 */
export function postgresAvailable(): Promise<boolean> {
  availability ??= probe();
  return availability;
}

/**
 * Creates a fresh database, or returns null when PostgreSQL is unavailable outside CI (see
 * `postgresAvailable`). Run migrations on it yourself; call `drop()` when done.
 */
export async function createPostgresTestDatabase(): Promise<PostgresTestDatabase | null> {
  if (!(await postgresAvailable())) return null;
  const name = `gatehouse_test_${randomBytes(6).toString('hex')}`;
  await withAdminClient((client) => client.query(`create database ${name}`));
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await withAdminClient(async (client) => {
        // Pools the test forgot to close would otherwise make DROP DATABASE fail.
        await client.query(
          'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
          [name],
        );
        await client.query(`drop database if exists ${name}`);
      });
    },
  };
}

async function probe(): Promise<boolean> {
  try {
    await withAdminClient((client) => client.query('select 1'));
    return true;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const message = `PostgreSQL is not reachable at ${redact(postgresAdminUrl)} (${reason})`;
    if (process.env.CI === 'true') {
      throw new Error(`${message}; CI must run the PostgreSQL tests`, { cause: error });
    }
    console.warn(
      `\n!!! ${message}: SKIPPING the PostgreSQL tests. Start PostgreSQL or set GATEHOUSE_TEST_POSTGRES_URL.\n`,
    );
    return false;
  }
}

async function withAdminClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({
    connectionString: postgresAdminUrl,
    connectionTimeoutMillis: connectTimeoutMs,
  });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  return parsed.toString();
}

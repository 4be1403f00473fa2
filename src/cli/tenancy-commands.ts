/**
 * `gatehouse tenants|projects|keys create|list|revoke`: the admin API from a terminal. Connects to
 * `--url` (env GATEHOUSE_URL, default http://127.0.0.1:4000) with `--api-key` (env GATEHOUSE_API_KEY,
 * else GATEHOUSE_MASTER_KEY). `create` prints the created object as JSON (a key's secret is in it,
 * shown this once); `list` prints one line per object; `revoke` prints what it revoked.
 */
import { InvalidArgumentError, type Command } from 'commander';
import {
  adminRequest,
  connectionOf,
  withConnection,
  type AdminConnection,
  type ConnectionOptions,
} from './admin-client.js';

interface LimitOptions {
  rpm?: number;
  tpm?: number;
  maxConcurrent?: number;
  budget?: { period: string; max_usd: number };
}

type Row = Record<string, unknown> & { id: string };

export function registerTenancyCommands(program: Command): void {
  const tenants = program.command('tenants').description('Create, list and revoke tenants (organisations)');
  withConnection(withLimits(tenants.command('create').description('create a tenant')))
    .requiredOption('--name <name>', 'display name')
    .action((options: ConnectionOptions & LimitOptions & { name: string }) =>
      run(options, (connection) =>
        adminRequest(connection, 'POST', '/api/tenants', { name: options.name, ...governed(options) }),
      ),
    );
  withConnection(tenants.command('list').description('list tenants')).action((options: ConnectionOptions) =>
    list(options, '/api/tenants', ['id', 'name', 'revoked_at']),
  );
  withConnection(
    tenants.command('revoke').description('revoke a tenant and every key in it').argument('<id>'),
  ).action((id: string, options: ConnectionOptions) =>
    run(options, (connection) =>
      adminRequest(connection, 'DELETE', `/api/tenants/${encodeURIComponent(id)}`),
    ),
  );

  const projects = program.command('projects').description('Create, list and revoke projects of a tenant');
  withConnection(withLimits(projects.command('create').description('create a project')))
    .requiredOption('--tenant <id>', 'the tenant it belongs to')
    .requiredOption('--name <name>', 'display name')
    .action((options: ConnectionOptions & LimitOptions & { tenant: string; name: string }) =>
      run(options, (connection) =>
        adminRequest(connection, 'POST', '/api/projects', {
          tenant_id: options.tenant,
          name: options.name,
          ...governed(options),
        }),
      ),
    );
  withConnection(projects.command('list').description('list projects'))
    .option('--tenant <id>', 'only this tenant')
    .action((options: ConnectionOptions & { tenant?: string }) =>
      list(
        options,
        `/api/projects${options.tenant === undefined ? '' : `?tenant_id=${encodeURIComponent(options.tenant)}`}`,
        ['id', 'tenant_id', 'name', 'revoked_at'],
      ),
    );
  withConnection(
    projects.command('revoke').description('revoke a project and its keys').argument('<id>'),
  ).action((id: string, options: ConnectionOptions) =>
    run(options, (connection) =>
      adminRequest(connection, 'DELETE', `/api/projects/${encodeURIComponent(id)}`),
    ),
  );

  const keys = program.command('keys').description('Create, list and revoke virtual keys and admin keys');
  withConnection(
    withLimits(
      keys
        .command('create')
        .description('create a virtual key (--project) or an admin key (--tenant --role)'),
    ),
  )
    .option('--project <id>', 'virtual key: the project it calls models for')
    .option('--tenant <id>', 'admin key: the tenant it manages')
    .option('--role <role>', 'admin key: admin, member or viewer')
    .option('--name <name>', 'display name')
    .option('--expires-at <time>', 'ISO-8601 date or epoch ms after which the key stops working')
    .option(
      '--models <list>',
      'comma-separated models the key may use (a trailing * matches any suffix)',
      commaList,
    )
    .option('--metadata <key=value>', 'metadata (repeatable)', keyValue, {})
    .action(
      (
        options: ConnectionOptions &
          LimitOptions & {
            project?: string;
            tenant?: string;
            role?: string;
            name?: string;
            expiresAt?: string;
            models?: string[];
            metadata: Record<string, string>;
          },
      ) =>
        run(options, (connection) => {
          const expires = options.expiresAt === undefined ? {} : { expires_at: options.expiresAt };
          const name = options.name === undefined ? {} : { name: options.name };
          if (options.role !== undefined || options.tenant !== undefined) {
            if (options.project !== undefined)
              throw new InvalidArgumentError('use --project, or --tenant with --role, not both');
            return adminRequest(connection, 'POST', '/api/admin-keys', {
              tenant_id: options.tenant,
              role: options.role,
              ...name,
              ...expires,
            });
          }
          if (options.project === undefined) {
            throw new InvalidArgumentError(
              '--project <id> is required (or --tenant and --role for an admin key)',
            );
          }
          return adminRequest(connection, 'POST', '/api/keys', {
            project_id: options.project,
            ...name,
            ...expires,
            ...(options.models === undefined ? {} : { allowed_models: options.models }),
            ...governed(options),
            ...(Object.keys(options.metadata).length === 0 ? {} : { metadata: options.metadata }),
          });
        }),
    );
  withConnection(keys.command('list').description('list keys (never their secrets)'))
    .option('--project <id>', 'only this project')
    .option('--tenant <id>', 'only this tenant')
    .action((options: ConnectionOptions & { project?: string; tenant?: string }) => {
      const query = new URLSearchParams();
      if (options.project !== undefined) query.set('project_id', options.project);
      if (options.tenant !== undefined) query.set('tenant_id', options.tenant);
      const suffix = query.size === 0 ? '' : `?${query.toString()}`;
      return list(options, `/api/keys${suffix}`, [
        'id',
        'prefix',
        'object',
        'role',
        'project_id',
        'name',
        'revoked_at',
      ]);
    });
  withConnection(
    keys
      .command('revoke')
      .description('revoke a key (effective on every replica within a second)')
      .argument('<id>'),
  ).action((id: string, options: ConnectionOptions) =>
    run(options, (connection) => adminRequest(connection, 'DELETE', `/api/keys/${encodeURIComponent(id)}`)),
  );
}

function withLimits(command: Command): Command {
  return command
    .option('--rpm <n>', 'requests per minute', positiveInteger)
    .option('--tpm <n>', 'tokens per minute', positiveInteger)
    .option('--max-concurrent <n>', 'requests in flight at once', positiveInteger)
    .option('--budget <usd[:period]>', 'USD budget per day, week, month or total (default month)', budget);
}

function governed(options: LimitOptions): Record<string, unknown> {
  const limits = {
    ...(options.rpm === undefined ? {} : { rpm: options.rpm }),
    ...(options.tpm === undefined ? {} : { tpm: options.tpm }),
    ...(options.maxConcurrent === undefined ? {} : { max_concurrent: options.maxConcurrent }),
  };
  return {
    ...(Object.keys(limits).length === 0 ? {} : { limits }),
    ...(options.budget === undefined ? {} : { budgets: [options.budget] }),
  };
}

async function run(
  options: ConnectionOptions,
  action: (connection: AdminConnection) => Promise<unknown>,
): Promise<void> {
  try {
    const result = await action(connectionOf(options));
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } catch (error) {
    process.stderr.write(`gatehouse: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}

async function list(options: ConnectionOptions, path: string, columns: string[]): Promise<void> {
  try {
    const { data } = await adminRequest<{ data: Row[] }>(connectionOf(options), 'GET', path);
    const lines = [
      columns.join('\t'),
      ...data.map((row) => columns.map((column) => cell(row[column])).join('\t')),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } catch (error) {
    process.stderr.write(`gatehouse: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '-';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) throw new InvalidArgumentError('expected an integer above 0');
  return number;
}

function budget(value: string): { period: string; max_usd: number } {
  const [amount = '', period = 'month'] = value.split(':');
  const usd = Number(amount);
  if (!Number.isFinite(usd) || usd <= 0)
    throw new InvalidArgumentError('expected USD above 0, like 25 or 25:day');
  if (!['day', 'week', 'month', 'total'].includes(period))
    throw new InvalidArgumentError('period is day, week, month or total');
  return { period, max_usd: usd };
}

function commaList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function keyValue(value: string, previous: Record<string, string>): Record<string, string> {
  const index = value.indexOf('=');
  if (index <= 0) throw new InvalidArgumentError('expected key=value');
  return { ...previous, [value.slice(0, index)]: value.slice(index + 1) };
}

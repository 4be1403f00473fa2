/**
 * `gatehouse prompts …`: the registry from a terminal or CI, through a running gateway's API.
 * `push DIR` (GitOps: files become versions only when changed), `list`, `show`, `diff A B`,
 * `promote`, `rollback`. Server and key from `--url`/`--key` or GATEHOUSE_URL/GATEHOUSE_MASTER_KEY.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { request } from 'undici';
import { readPromptFiles } from '../prompts/prompt-files.js';
import type { LabelMove, PromptSummary, PromptVersion } from '../prompts/types.js';
import { lineDiff } from './line-diff.js';

interface ConnectionOptions {
  url: string;
  key?: string;
  actor?: string;
}

class ApiError extends Error {}

export function registerPromptsCommand(program: Command): void {
  const prompts = program
    .command('prompts')
    .description('Manage the prompt registry of a running gateway (versions, labels, rollback)')
    .option(
      '--url <url>',
      'gateway URL (env GATEHOUSE_URL)',
      process.env.GATEHOUSE_URL ?? 'http://127.0.0.1:4000',
    )
    .option('--key <key>', 'master key (env GATEHOUSE_MASTER_KEY)', process.env.GATEHOUSE_MASTER_KEY)
    .option('--actor <name>', 'who to record in the audit log (env USER)', process.env.USER);

  const connection = (): ConnectionOptions => prompts.opts<ConnectionOptions>();

  prompts
    .command('push <dir>')
    .description('Push every prompt file (*.yaml, *.yml, *.md) of DIR; unchanged files make no new version')
    .option('-l, --label <label...>', 'also move these labels to each pushed version')
    .action((dir: string, options: { label?: string[] }) =>
      run(async () => {
        for (const file of readPromptFiles(dir)) {
          const body = options.label === undefined ? file.body : { ...file.body, labels: options.label };
          const result = await call<{ created: boolean; version: PromptVersion; moves: LabelMove[] }>(
            connection(),
            'POST',
            '/api/prompts',
            body,
          ).catch((error: unknown) => {
            throw new ApiError(`${file.path}: ${error instanceof Error ? error.message : String(error)}`);
          });
          const labels = result.moves.map((move) => move.label).join(', ');
          print(
            `${result.version.name}: ${result.created ? `v${result.version.version} created` : `unchanged (v${result.version.version})`}${labels === '' ? '' : `; labels ${labels}`}`,
          );
        }
      }),
    );

  prompts
    .command('list')
    .description('List prompts with their latest version and labels')
    .action(() =>
      run(async () => {
        const { data } = await call<{ data: PromptSummary[] }>(connection(), 'GET', '/api/prompts');
        for (const prompt of data) {
          const labels = Object.entries(prompt.labels)
            .map(([label, version]) => `${label}=v${version}`)
            .join(' ');
          print(`${prompt.name}\t${prompt.type}\tv${prompt.latestVersion}\t${labels}`);
        }
      }),
    );

  prompts
    .command('show <name>')
    .description('Show a version of a prompt (default: what production serves)')
    .option('-v, --version <n>', 'a version number', parseVersion)
    .option('-l, --label <label>', 'a label', 'production')
    .action((name: string, options: { version?: number; label: string }) =>
      run(async () => {
        print(
          JSON.stringify(await fetchVersion(connection(), name, options.version ?? options.label), null, 2),
        );
      }),
    );

  prompts
    .command('diff <name> <a> <b>')
    .description('Line diff of two versions (numbers or labels) of a prompt: template and config')
    .action((name: string, a: string, b: string) =>
      run(async () => {
        const [before, after] = await Promise.all([
          fetchVersion(connection(), name, a),
          fetchVersion(connection(), name, b),
        ]);
        print(`--- ${name} v${before.version}\n+++ ${name} v${after.version}`);
        for (const line of lineDiff(describe(before), describe(after))) print(line);
      }),
    );

  prompts
    .command('promote <name> <version>')
    .description('Move a label (default production) to a version')
    .option('-l, --label <label>', 'the label to move', 'production')
    .option('-m, --reason <text>', 'why, for the audit log')
    .action((name: string, version: string, options: { label: string; reason?: string }) =>
      run(async () => {
        const move = await call<LabelMove>(
          connection(),
          'PUT',
          `/api/prompts/${encodeURIComponent(name)}/labels/${encodeURIComponent(options.label)}`,
          {
            version: parseVersion(version),
            ...(options.reason === undefined ? {} : { reason: options.reason }),
          },
        );
        print(describeMove(move));
      }),
    );

  prompts
    .command('rollback <name>')
    .description('Move a label (default production) back to the version it held before')
    .option('-l, --label <label>', 'the label to move back', 'production')
    .option('--to <version>', 'a specific version instead of the previous one', parseVersion)
    .action((name: string, options: { label: string; to?: number }) =>
      run(async () => {
        const move = await call<LabelMove>(
          connection(),
          'POST',
          `/api/prompts/${encodeURIComponent(name)}/labels/${encodeURIComponent(options.label)}/rollback`,
          options.to === undefined ? {} : { to_version: options.to },
        );
        print(describeMove(move));
      }),
    );
}

function fetchVersion(
  connection: ConnectionOptions,
  name: string,
  selector: string | number,
): Promise<PromptVersion> {
  const path = /^\d+$/.test(String(selector))
    ? `versions/${selector}`
    : `labels/${encodeURIComponent(String(selector))}`;
  return call<PromptVersion>(connection, 'GET', `/api/prompts/${encodeURIComponent(name)}/${path}`);
}

function describe(version: PromptVersion): string {
  const template =
    typeof version.template === 'string'
      ? version.template
      : version.template
          .map((message) =>
            'type' in message ? `[placeholder ${message.name}]` : `[${message.role}]\n${message.content}`,
          )
          .join('\n');
  return `${template}\n\nconfig: ${JSON.stringify(version.config)}\nvariables: ${JSON.stringify(version.variables)}`;
}

function describeMove(move: LabelMove): string {
  return `${move.name}: ${move.label} v${move.fromVersion ?? '-'} → v${move.toVersion ?? '-'} (${move.action})`;
}

async function call<T>(
  connection: ConnectionOptions,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = {};
  if (connection.key !== undefined && connection.key !== '')
    headers.authorization = `Bearer ${connection.key}`;
  if (connection.actor !== undefined && /^[\w.:-]{1,128}$/.test(connection.actor))
    headers['x-gatehouse-actor'] = connection.actor;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await request(new URL(path, connection.url), {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  }).catch((error: unknown) => {
    throw new ApiError(
      `cannot reach ${connection.url}: ${error instanceof Error ? error.message : String(error)}`,
    );
  });
  const payload = (await response.body.json()) as T & { error?: { message: string } };
  if (response.statusCode >= 400) throw new ApiError(payload.error?.message ?? `HTTP ${response.statusCode}`);
  return payload;
}

async function run(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    process.stderr.write(`gatehouse prompts: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

function parseVersion(value: string): number {
  const version = Number(value);
  if (!Number.isInteger(version) || version < 1)
    throw new InvalidArgumentError('expected a version number ≥ 1');
  return version;
}

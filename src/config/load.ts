/**
 * Loads the configuration: a YAML file (from `--config`, `GATEHOUSE_CONFIG`, or `./gatehouse.yaml` when
 * present) with `${ENV}` interpolation, or the detected defaults; environment overrides for deployment;
 * then one zod validation whose errors name the path at fault.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { configSchema } from './schema.js';
import type { GatehouseConfig } from './schema.js';
import { ConfigError } from './config-error.js';
import { formatPath, interpolateEnv } from './interpolate.js';
import { detectDefaultConfig } from './defaults.js';

export interface LoadedConfig {
  config: GatehouseConfig;
  /** The file read, or null when running on detected defaults. */
  source: string | null;
}

export interface LoadOptions {
  /** Explicit config file path (`--config`). */
  path?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.path ?? env.GATEHOUSE_CONFIG;
  const implicit = resolve(cwd, 'gatehouse.yaml');
  const source =
    explicit !== undefined && explicit !== ''
      ? resolve(cwd, explicit)
      : existsSync(implicit)
        ? implicit
        : null;

  let raw: unknown;
  if (source === null) {
    raw = detectDefaultConfig(env);
  } else {
    if (!existsSync(source)) throw new ConfigError(`config file not found: ${source}`);
    try {
      raw = parseYaml(readFileSync(source, 'utf8')) ?? {};
    } catch (error) {
      throw new ConfigError(
        `${source}: not valid YAML: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    raw = interpolateEnv(raw, env);
  }
  const config = parseConfig(applyEnvOverrides(raw, env), source ?? 'default configuration');
  return { config, source };
}

/** Validates an already-parsed config object (also used by tests and embedders). */
export function parseConfig(raw: unknown, origin = 'configuration'): GatehouseConfig {
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(`${origin} is invalid:\n${formatIssues(result.error.issues)}`);
  return result.data;
}

function formatIssues(issues: z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const keys = issue.code === 'unrecognized_keys' ? ` (unknown: ${issue.keys.join(', ')})` : '';
      return `  - ${formatPath(issue.path)}: ${issue.message}${keys}`;
    })
    .join('\n');
}

/** `PORT`, `GATEHOUSE_HOST`, `DATABASE_URL`, `REDIS_URL`, `GATEHOUSE_MASTER_KEY` win over the file, for containers and PaaS. */
function applyEnvOverrides(raw: unknown, env: NodeJS.ProcessEnv): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const config = { ...(raw as Record<string, unknown>) };
  const section = (name: string): Record<string, unknown> => {
    const current = config[name];
    const copy =
      typeof current === 'object' && current !== null ? { ...(current as Record<string, unknown>) } : {};
    config[name] = copy;
    return copy;
  };
  if (env.PORT !== undefined && env.PORT !== '') section('server').port = parsePort(env.PORT);
  if (env.GATEHOUSE_HOST !== undefined && env.GATEHOUSE_HOST !== '')
    section('server').host = env.GATEHOUSE_HOST;
  if (env.DATABASE_URL !== undefined && env.DATABASE_URL !== '')
    section('storage').database_url = env.DATABASE_URL;
  if (env.REDIS_URL !== undefined && env.REDIS_URL !== '') section('storage').redis_url = env.REDIS_URL;
  if (env.GATEHOUSE_MASTER_KEY !== undefined && env.GATEHOUSE_MASTER_KEY !== '') {
    section('auth').master_key = env.GATEHOUSE_MASTER_KEY;
  }
  return config;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`PORT must be 0-65535, got "${value}"`);
  return port;
}

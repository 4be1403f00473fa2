/**
 * What the `eval` and `datasets` commands work with: the database named by the config (the same one
 * `serve` uses), and for commands that call models a gateway — this config's gateway started
 * in-process on an ephemeral loopback port, or a running one given with `--gateway URL`. Registry
 * prompts (`prompt:name@label` in a suite) come from the in-process registry, or from the running
 * gateway's REST API with `--api-key` (whose tenant and project they belong to).
 */
import pino from 'pino';
import { loadConfig } from '../config/load.js';
import type { GatehouseConfig } from '../config/schema.js';
import { registryPromptSource, type PromptVersionSource } from '../evals/prompts/pin-prompts.js';
import { restPromptSource } from '../evals/prompts/rest-prompt-source.js';
import { defaultEvalScope } from '../evals/records.js';
import { createGatewayClient, type GatewayClient } from '../evals/runner/gateway-client.js';
import { createGatehouse, type Gatehouse } from '../gatehouse.js';
import { openDatabase, type Database } from '../storage/database.js';
import { createDatasetRepository, type DatasetRepository } from '../storage/dataset-repository.js';
import { createEvalRunRepository, type EvalRunRepository } from '../storage/eval-run-repository.js';
import { migrateToLatest } from '../storage/migrate.js';
import { createTraceRepository, type TraceRepository } from '../storage/trace-repository.js';
import { createPriceCatalog } from '../usage/price-catalog.js';

export interface StoreOptions {
  /** gatehouse.yaml (default env GATEHOUSE_CONFIG, else ./gatehouse.yaml if present). */
  gatewayConfig?: string;
}

export interface GatewayOptions extends StoreOptions {
  /** A running gateway's base URL; without it this config's gateway runs in-process. */
  gateway?: string;
  /** Key for `--gateway` (default env GATEHOUSE_API_KEY). */
  apiKey?: string;
}

export interface EvalStores {
  config: GatehouseConfig;
  database: Database;
  runs: EvalRunRepository;
  datasets: DatasetRepository;
  traces: TraceRepository;
  close(): Promise<void>;
}

export interface EvalEnvironment extends EvalStores {
  client: GatewayClient;
  gatewayUrl: string;
  /** Registry prompts of suites: the running gateway's REST API, or the in-process registry. */
  prompts: PromptVersionSource;
}

function readConfig(options: StoreOptions): GatehouseConfig {
  return loadConfig(options.gatewayConfig === undefined ? {} : { path: options.gatewayConfig }).config;
}

function repositories(database: Database): Pick<EvalStores, 'runs' | 'datasets' | 'traces'> {
  return {
    runs: createEvalRunRepository(database),
    datasets: createDatasetRepository(database),
    traces: createTraceRepository(database),
  };
}

export async function openEvalStores(options: StoreOptions): Promise<EvalStores> {
  const config = readConfig(options);
  const database = await openDatabase(config.storage.database_url);
  try {
    await migrateToLatest(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  return { config, database, ...repositories(database), close: () => database.close() };
}

export async function openEvalEnvironment(options: GatewayOptions): Promise<EvalEnvironment> {
  const config = readConfig(options);
  const prices = createPriceCatalog({ enabled: config.pricing.enabled, overrides: config.pricing.models });
  if (options.gateway !== undefined) {
    const stores = await openEvalStores(options);
    const apiKey = options.apiKey ?? process.env.GATEHOUSE_API_KEY;
    const client = createGatewayClient({
      baseUrl: options.gateway,
      prices,
      ...(apiKey === undefined ? {} : { apiKey }),
    });
    return {
      ...stores,
      client,
      gatewayUrl: options.gateway,
      prompts: restPromptSource({ baseUrl: options.gateway, apiKey }),
      close: async () => {
        await client.close();
        await stores.close();
      },
    };
  }
  // The in-process gateway logs only errors, to stderr: stdout carries the report.
  const gatehouse: Gatehouse = await createGatehouse({
    // Loopback on a free port, and no online evaluation: this gateway lives only for the command.
    config: {
      ...config,
      server: { ...config.server, host: '127.0.0.1', port: 0 },
      evals: { ...config.evals, online: { ...config.evals.online, enabled: false } },
    },
    logger: pino({ level: 'error' }, pino.destination(2)),
  });
  const gatewayUrl = await gatehouse.listen();
  const masterKey = config.auth.master_key;
  const client = createGatewayClient({
    baseUrl: gatewayUrl,
    prices,
    ...(masterKey === undefined ? {} : { apiKey: masterKey }),
  });
  return {
    config,
    database: gatehouse.database,
    ...repositories(gatehouse.database),
    client,
    gatewayUrl,
    prompts: registryPromptSource(gatehouse.prompts, defaultEvalScope),
    close: async () => {
      await client.close();
      await gatehouse.close();
    },
  };
}

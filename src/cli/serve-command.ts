/** `gatehouse serve`: run the gateway until SIGTERM/SIGINT, then shut down gracefully. */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { Gatehouse } from '../gatehouse.js';

interface ServeOptions {
  config?: string;
  port?: number;
  host?: string;
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Start the gateway (default 127.0.0.1:4000, SQLite under .gatehouse/)')
    .option(
      '-c, --config <file>',
      'gatehouse.yaml to load (env GATEHOUSE_CONFIG; default ./gatehouse.yaml if present)',
    )
    .option('-p, --port <n>', 'port to listen on (env PORT; default 4000)', parsePort)
    .option('-H, --host <host>', 'interface to bind (default 127.0.0.1; others need GATEHOUSE_MASTER_KEY)')
    .action(async (options: ServeOptions) => {
      await serve(options);
    });
}

async function serve(options: ServeOptions): Promise<void> {
  // Loaded here, not at the top: `gatehouse --help` and the other commands need none of the server.
  const [{ loadConfig }, { ConfigError }, { createGatehouse }] = await Promise.all([
    import('../config/load.js'),
    import('../config/config-error.js'),
    import('../gatehouse.js'),
  ]);
  let gatehouse: Gatehouse;
  try {
    const { config, source } = loadConfig(options.config === undefined ? {} : { path: options.config });
    if (options.port !== undefined) config.server.port = options.port;
    if (options.host !== undefined) config.server.host = options.host;
    gatehouse = await createGatehouse({ config, configSource: source });
    const url = await gatehouse.listen();
    gatehouse.app.log.info(
      {
        url,
        config: source ?? 'defaults (no gatehouse.yaml)',
        models: config.models.map((model) => model.name),
      },
      'gatehouse is listening',
    );
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`gatehouse: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }

  let signals = 0;
  const stop = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals > 1) {
      process.stderr.write(`gatehouse: second ${signal}, exiting now\n`);
      process.exit(1);
    }
    gatehouse.app.log.info({ signal }, 'shutting down: draining in-flight requests and telemetry');
    gatehouse.close().then(
      () => process.exit(0),
      (error: unknown) => {
        gatehouse.app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidArgumentError('expected a port 0-65535');
  return port;
}

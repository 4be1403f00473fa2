#!/usr/bin/env node
/** The `gatehouse` command. */
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { registerServeCommand } from './serve-command.js';
import { registerMockUpstreamCommand } from './mock-upstream-command.js';
import { registerTenancyCommands } from './tenancy-commands.js';
import { registerPromptsCommand } from './prompts-command.js';
import { registerEvalCommand } from './eval-command.js';
import { registerDatasetsCommand } from './datasets-command.js';
import { registerGuardrailsCommand } from './guardrails-command.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const program = new Command('gatehouse')
  .description(
    'Gatehouse: an OpenAI-compatible AI gateway in front of any model provider, recording every call',
  )
  .version(version, '-v, --version')
  .showHelpAfterError();

registerServeCommand(program);
registerMockUpstreamCommand(program);
registerTenancyCommands(program);
registerPromptsCommand(program);
registerEvalCommand(program);
registerDatasetsCommand(program);
registerGuardrailsCommand(program);

await program.parseAsync(process.argv);

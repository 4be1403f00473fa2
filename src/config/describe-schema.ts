/**
 * Renders the config schema as a Markdown reference (docs/configuration.md), from the same zod schema
 * that validates the file, so the documentation cannot drift from what is accepted.
 */
import { z } from 'zod';
import { configSchema } from './schema.js';

interface JsonSchemaNode {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  properties?: Record<string, JsonSchemaNode>;
  items?: JsonSchemaNode;
  additionalProperties?: JsonSchemaNode | boolean;
  anyOf?: JsonSchemaNode[];
  required?: string[];
}

export function renderConfigReference(): string {
  const root = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaNode;
  const lines = [
    '# Configuration reference',
    '',
    'Generated from `src/config/schema.ts` by `npm run docs:config`; a test fails when it is stale.',
    'Every string may use `${ENV_VAR}` or `${ENV_VAR:-default}`. Unknown keys are rejected.',
    '',
    '| key | type | default | description |',
    '|---|---|---|---|',
  ];
  walk(root, '', lines);
  return `${lines.join('\n')}\n`;
}

function walk(node: JsonSchemaNode, path: string, lines: string[]): void {
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const childPath = path === '' ? key : `${path}.${key}`;
    lines.push(
      `| \`${childPath}\` | ${typeOf(child)} | ${defaultOf(child)} | ${(child.description ?? '').replaceAll('|', '\\|')} |`,
    );
    walk(child, childPath, lines);
    if (child.items) walk(child.items, `${childPath}[]`, lines);
    if (typeof child.additionalProperties === 'object')
      walk(child.additionalProperties, `${childPath}.<name>`, lines);
  }
}

function typeOf(node: JsonSchemaNode): string {
  if (node.enum) return node.enum.map((value) => `\`${String(value)}\``).join(' \\| ');
  if (node.anyOf) return node.anyOf.map(typeOf).join(' \\| ');
  if (node.type === 'array') return `list of ${node.items ? typeOf(node.items) : 'any'}`;
  if (node.type === 'object' && typeof node.additionalProperties === 'object') return 'map';
  return Array.isArray(node.type) ? node.type.join(' \\| ') : (node.type ?? 'any');
}

function defaultOf(node: JsonSchemaNode): string {
  if (node.default === undefined || (typeof node.default === 'object' && node.default !== null)) return '';
  return `\`${JSON.stringify(node.default)}\``;
}

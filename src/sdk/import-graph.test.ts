/**
 * `gatehouse/sdk` runs inside apps: what it loads must not drag in the server (better-sqlite3's
 * native module, Fastify, the database drivers). Follows the SDK's runtime imports (not `import type`,
 * which compile away) through the source tree and lists the packages they reach.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const importPattern = /^\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;

function runtimeImports(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const [, typeOnly, specifier] of readFileSync(file, 'utf8').matchAll(importPattern)) {
      if (typeOnly !== undefined || specifier === undefined) continue;
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else
        packages.add(
          specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!,
        );
    }
  };
  visit(entry);
  return { files, packages };
}

describe('gatehouse/sdk imports', () => {
  it('reach only the template renderer, mustache and OpenTelemetry', () => {
    const entry = resolve(dirname(fileURLToPath(import.meta.url)), 'index.ts');
    const { files, packages } = runtimeImports(entry);
    expect([...packages].sort()).toEqual([
      '@opentelemetry/api',
      '@opentelemetry/context-async-hooks',
      '@opentelemetry/core',
      '@opentelemetry/exporter-trace-otlp-proto',
      '@opentelemetry/resources',
      '@opentelemetry/sdk-trace-base',
      'mustache',
    ]);
    const outside = [...files]
      .map((file) => file.slice(resolve(entry, '../..').length + 1))
      .filter((file) => !file.startsWith('sdk/'))
      .sort();
    expect(outside).toEqual([
      'errors/gateway-error.ts',
      'prompts/includes.ts',
      'prompts/reference.ts',
      'prompts/template.ts',
    ]);
  });
});

/**
 * `gatehouse prompts` against a running gateway: GitOps push of YAML and Markdown files (a second
 * push of unchanged files makes no version), list, show, diff, promote and rollback.
 */
import { Command } from 'commander';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerPromptsCommand } from '../src/cli/prompts-command.js';
import { masterKey, startStack, type Stack } from './helpers/stack.js';

/** Runs `gatehouse prompts …` in-process (spawning tsx per command costs seconds on a busy machine). */
async function cli(
  stack: Stack,
  args: string[],
): Promise<{ status: number; stdout: string; stderr: string }> {
  const program = new Command('gatehouse').exitOverride();
  registerPromptsCommand(program);
  let stdout = '';
  let stderr = '';
  const out = vi
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi
    .spyOn(process.stderr, 'write')
    .mockImplementation((chunk) => ((stderr += String(chunk)), true));
  process.exitCode = undefined;
  try {
    await program.parseAsync(['prompts', '--url', stack.url, '--key', masterKey, '--actor', 'ci', ...args], {
      from: 'user',
    });
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  const status = process.exitCode ?? 0;
  process.exitCode = undefined;
  return { status: Number(status), stdout, stderr };
}

describe('gatehouse prompts', () => {
  let stack: Stack;
  const directory = mkdtempSync(join(tmpdir(), 'gatehouse-prompts-'));

  beforeAll(async () => {
    stack = await startStack();
    writeFileSync(
      join(directory, 'summarize.yaml'),
      [
        'template: "Summarize in {{words}} words:\\n{{text}}"',
        'config: { model: gpt-4o-mini, temperature: 0 }',
        'tags: [docs]',
      ].join('\n'),
    );
    writeFileSync(
      join(directory, 'triage.md'),
      [
        '---',
        'type: chat',
        'config: { model: gpt-4o-mini }',
        '---',
        '## system',
        'You triage tickets for {{team}}.',
        '## placeholder: history',
        '## user',
        '{{ticket}}',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('pushes files as versions only when they change, then lists, diffs, promotes and rolls back', async () => {
    const first = await cli(stack, ['push', directory, '--label', 'production']);
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain('summarize: v1 created; labels latest, production');
    expect(first.stdout).toContain('triage: v1 created');

    const unchanged = await cli(stack, ['push', directory]);
    expect(unchanged.stdout).toContain('summarize: unchanged (v1)');
    expect(unchanged.stdout).toContain('triage: unchanged (v1)');

    writeFileSync(
      join(directory, 'summarize.yaml'),
      [
        'template: "Summarize in at most {{words}} words:\\n{{text}}"',
        'config: { model: gpt-4o-mini, temperature: 0 }',
      ].join('\n'),
    );
    expect((await cli(stack, ['push', directory])).stdout).toContain('summarize: v2 created');

    const reply = await fetch(`${stack.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'prompt:triage',
        prompt_variables: { team: 'billing', ticket: 'I was charged twice' },
      }),
    });
    expect(reply.status).toBe(200);
    expect((stack.mock.requests.at(-1)?.body as { messages: unknown }).messages).toEqual([
      { role: 'system', content: 'You triage tickets for billing.' },
      { role: 'user', content: 'I was charged twice' },
    ]);

    const list = await cli(stack, ['list']);
    expect(list.stdout).toMatch(/summarize\ttext\tv2\t.*latest=v2/);
    expect(list.stdout).toMatch(/summarize.*production=v1/);

    const diff = await cli(stack, ['diff', 'summarize', 'production', '2']);
    expect(diff.stdout).toContain('- Summarize in {{words}} words:');
    expect(diff.stdout).toContain('+ Summarize in at most {{words}} words:');

    expect((await cli(stack, ['promote', 'summarize', '2'])).stdout).toContain(
      'summarize: production v1 → v2 (promote)',
    );
    expect((await cli(stack, ['show', 'summarize'])).stdout).toContain('"version": 2');
    expect((await cli(stack, ['rollback', 'summarize'])).stdout).toContain(
      'summarize: production v2 → v1 (rollback)',
    );

    const missing = await cli(stack, ['rollback', 'nope']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('Prompt nope does not exist');
  });
});

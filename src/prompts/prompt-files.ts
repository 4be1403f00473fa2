/**
 * Prompt files for GitOps (`gatehouse prompts push DIR`): every `*.yaml`/`*.yml` and `*.md` file of a
 * directory (recursively) is one prompt, in the body shape of `POST /api/prompts`; the server turns a
 * file into a new version only when its content changed.
 *
 * - YAML: the push fields (`template`, `config`, `variables`, `tags`, …); `name` defaults to the file name.
 * - Markdown: YAML front matter with the same fields, and the template as the body. A chat prompt
 *   (`type: chat`) splits its body into messages at `## system`, `## user`, `## assistant` or
 *   `## developer` headings; `## placeholder: history` inserts a message-list variable.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';

export interface PromptFile {
  path: string;
  /** The push body (validated by the server). */
  body: Record<string, unknown>;
}

const frontMatter = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/;
const messageHeading = /^##\s+(system|user|assistant|developer|placeholder:\s*(\w+))\s*$/;

export function readPromptFiles(directory: string): PromptFile[] {
  return listFiles(directory)
    .sort()
    .map((path) => ({ path: relative(directory, path), body: readPromptFile(path) }));
}

function listFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return entry.name.startsWith('.') ? [] : listFiles(path);
    return ['.yaml', '.yml', '.md'].includes(extname(entry.name)) ? [path] : [];
  });
}

export function readPromptFile(path: string): Record<string, unknown> {
  const text = readFileSync(path, 'utf8');
  const name = basename(path, extname(path));
  if (extname(path) !== '.md') return { name, ...asObject(parseYaml(text), path) };
  const match = frontMatter.exec(text);
  const fields = match === null ? {} : asObject(parseYaml(match[1] ?? ''), path);
  const content = (match === null ? text : (match[2] ?? '')).trim();
  return { name, ...fields, template: fields.type === 'chat' ? chatMessages(content) : content };
}

function chatMessages(body: string): Record<string, string>[] {
  const messages: Record<string, string>[] = [];
  let current: { role: string; lines: string[] } | null = null;
  const close = () => {
    if (current !== null) messages.push({ role: current.role, content: current.lines.join('\n').trim() });
    current = null;
  };
  for (const line of body.split(/\r?\n/)) {
    const heading = messageHeading.exec(line);
    if (heading === null) {
      current?.lines.push(line);
      continue;
    }
    close();
    if (heading[2] !== undefined) messages.push({ type: 'placeholder', name: heading[2] });
    else current = { role: heading[1] ?? 'user', lines: [] };
  }
  close();
  return messages;
}

function asObject(value: unknown, path: string): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value))
    return value as Record<string, unknown>;
  throw new Error(`${path}: expected a YAML mapping of prompt fields`);
}

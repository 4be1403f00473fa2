/**
 * Reads a suite file: YAML parsed with positions, validated with the suite schema, and every problem
 * reported as `file:line:column: path: message`, so an editor can jump to it. Tests from `file://`
 * are read relative to the suite.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { parsePromptReference, promptModelPrefix } from '../../prompts/reference.js';
import { formatFromPath, parseDatasetFile } from '../datasets/dataset-files.js';
import type { DatasetItem } from '../datasets/dataset-item.js';
import {
  suiteSchema,
  type AssertionSpec,
  type JudgeSpec,
  type SuiteFile,
  type TestSpec,
} from './suite-schema.js';
import type { SuitePrompt, Target, TestCase } from './test-case.js';

export class SuiteError extends Error {
  override name = 'SuiteError';
  constructor(
    message: string,
    /** Every problem found, each `file:line:column: path: message`. */
    readonly problems: string[] = [message],
  ) {
    super(message);
  }
}

export interface Suite {
  name: string;
  description?: string;
  /** Absolute path of the suite file, or null for a suite given as an object. */
  path: string | null;
  /** Inline prompts, and registry prompts that a run pins to exact versions. */
  prompts: SuitePrompt[];
  targets: Target[];
  /** Inline or file tests; null when the suite names a dataset instead. */
  tests: TestCase[] | null;
  /** `name` or `name@version` of a stored dataset. */
  dataset: string | null;
  /** Merged into dataset items (inline tests have it merged already). */
  defaultTest: Partial<TestSpec>;
  judge: JudgeSpec | null;
  embedderModel: string | null;
  concurrency?: number;
  timeoutMs?: number;
}

export function loadSuiteFile(path: string): Suite {
  const absolute = resolve(path);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    throw new SuiteError(
      `${path}: cannot read the suite (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  return parseSuiteText(text, absolute);
}

/**
 * `path` names the suite in problems and is where `file://` tests are read from; `readFiles: false`
 * (a suite sent to the API) refuses `file://` tests instead.
 */
export function parseSuiteText(text: string, path: string, options: { readFiles?: boolean } = {}): Suite {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const where = (offset: number): string => {
    const position = lineCounter.linePos(offset);
    return `${path}:${position.line}:${position.col}`;
  };
  if (document.errors.length > 0) {
    const problems = document.errors.map(
      (error) => `${where(error.pos[0])}: ${error.message.split('\n')[0] ?? ''}`,
    );
    throw new SuiteError(problems.join('\n'), problems);
  }
  const parsed = suiteSchema.safeParse(document.toJS());
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const pathText = formatPath(issue.path);
      return `${where(offsetOf(document, issue.path))}: ${pathText === '' ? '' : `${pathText}: `}${issue.message}`;
    });
    throw new SuiteError(problems.join('\n'), problems);
  }
  return resolveSuite(parsed.data, options.readFiles === false ? null : path, basename(path, extname(path)));
}

/**
 * A suite given as a JSON object (the API), checked like a file; problems name the path
 * (`tests[0].assert[1].type: …`).
 */
export function parseSuiteObject(value: unknown, name: string): Suite {
  const parsed = suiteSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const pathText = formatPath(issue.path);
      return `${pathText === '' ? '' : `${pathText}: `}${issue.message}`;
    });
    throw new SuiteError(problems.join('\n'), problems);
  }
  return resolveSuite(parsed.data, null, name);
}

/** The offset of the deepest node of `path` that exists (the key itself when the value is missing). */
function offsetOf(document: Document, path: readonly PropertyKey[]): number {
  for (let length = path.length; length >= 0; length -= 1) {
    const node = document.getIn(path.slice(0, length) as unknown[], true);
    if (isNode(node) && node.range !== undefined && node.range !== null) return node.range[0];
  }
  return 0;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}

/** `path` is null for a suite that is not a file: it cannot read tests from `file://`. */
function resolveSuite(file: SuiteFile, path: string | null, defaultName: string): Suite {
  const defaultTest = file.defaultTest ?? {};
  let tests: TestCase[] | null = null;
  if (Array.isArray(file.tests)) {
    tests = file.tests.map((test, index) => toTestCase(test, index, defaultTest));
  } else if (typeof file.tests === 'string') {
    if (path === null) throw new SuiteError('tests: file:// tests need a suite file; give the tests inline');
    const testsPath = resolve(dirname(path), file.tests.slice('file://'.length));
    let items: DatasetItem[];
    try {
      items = parseDatasetFile(readFileSync(testsPath, 'utf8'), formatFromPath(testsPath));
    } catch (error) {
      throw new SuiteError(`${testsPath}: ${(error as Error).message}`);
    }
    tests = items.map((item, index) => itemToTestCase(item, index, defaultTest));
  }
  return {
    name: file.name ?? defaultName,
    ...(file.description === undefined ? {} : { description: file.description }),
    path,
    prompts: file.prompts.map((prompt, index) => toSuitePrompt(prompt, index)),
    targets: (file.targets ?? file.providers ?? []).map((target) =>
      typeof target === 'string'
        ? { model: target, label: target, config: {} }
        : { model: target.model, label: target.label ?? target.model, config: target.config ?? {} },
    ),
    tests,
    dataset: file.dataset ?? null,
    defaultTest,
    judge: file.judge ?? null,
    embedderModel: file.embedder?.model ?? null,
    ...(file.evaluate?.concurrency === undefined ? {} : { concurrency: file.evaluate.concurrency }),
    ...(file.evaluate?.timeout_ms === undefined ? {} : { timeoutMs: file.evaluate.timeout_ms }),
  };
}

/**
 * A registry prompt's default id is its name (not the label or version), so runs of the same suite at
 * two versions pair up item by item.
 */
function toSuitePrompt(prompt: SuiteFile['prompts'][number], index: number): SuitePrompt {
  const fallbackId = `prompt-${index + 1}`;
  if (typeof prompt === 'string') {
    if (!prompt.startsWith(promptModelPrefix))
      return { id: fallbackId, messages: [{ role: 'user', content: prompt }] };
    const reference = parseValidReference(prompt.slice(promptModelPrefix.length));
    return { id: reference.name, reference };
  }
  if (prompt.prompt !== undefined) {
    const reference = parseValidReference(prompt.prompt);
    return { id: prompt.id ?? reference.name, reference };
  }
  return {
    id: prompt.id ?? fallbackId,
    messages: prompt.messages ?? [{ role: 'user' as const, content: prompt.raw ?? '' }],
  };
}

/** The schema checked the reference already. */
function parseValidReference(text: string): NonNullable<ReturnType<typeof parsePromptReference>> {
  const reference = parsePromptReference(text);
  if (reference === null) throw new SuiteError(`"${text}" is not a prompt reference`);
  return reference;
}

function toTestCase(test: TestSpec, index: number, defaults: Partial<TestSpec>): TestCase {
  const context = test.context ?? defaults.context;
  const assertions: AssertionSpec[] = [...(defaults.assert ?? []), ...test.assert];
  const testCase: TestCase = {
    key: test.id ?? String(index + 1),
    vars: { ...defaults.vars, ...test.vars },
    assert: assertions,
  };
  const description = test.description ?? defaults.description;
  if (description !== undefined) testCase.description = description;
  const expected = test.expected ?? defaults.expected;
  if (expected !== undefined) testCase.expected = expected;
  if (context !== undefined) testCase.context = typeof context === 'string' ? [context] : context;
  const threshold = test.threshold ?? defaults.threshold;
  if (threshold !== undefined) testCase.threshold = threshold;
  const metadata = test.metadata ?? defaults.metadata;
  if (metadata !== undefined) testCase.metadata = metadata;
  return testCase;
}

/** A dataset item as a test: its input is the vars, the suite's `defaultTest` supplies the asserts. */
export function itemToTestCase(item: DatasetItem, index: number, defaults: Partial<TestSpec>): TestCase {
  return toTestCase(
    {
      ...(item.id === undefined ? {} : { id: item.id }),
      vars: item.input,
      ...(item.expected === undefined ? {} : { expected: item.expected }),
      ...(item.context === undefined ? {} : { context: item.context }),
      ...(item.metadata === undefined ? {} : { metadata: item.metadata }),
      assert: [],
    },
    index,
    defaults,
  );
}

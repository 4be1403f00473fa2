/**
 * Custom JavaScript assertions (Promptfoo's `javascript`): an expression (`output.length < 100`) or a
 * function body with `return`, given `output` and `context` ({ vars, expected, test context }). It may
 * return a boolean, a number (a score: passes from `threshold`, else when above 0) or
 * `{ pass, score?, reason? }`. Code runs in a fresh `node:vm` context with a 1 s limit: a runaway loop
 * fails the assertion, not the run. The vm is not a security boundary: suites are trusted code, like a
 * test file.
 */
import { Script, createContext } from 'node:vm';
import type { GradingContext } from './grading-context.js';
import type { RawVerdict } from './deterministic-assertions.js';

const timeoutMs = 1_000;
const compiled = new Map<string, Script>();

function compile(code: string): Script {
  let script = compiled.get(code);
  if (script === undefined) {
    const body = /\breturn\b/.test(code) ? code : `return (${code});`;
    script = new Script(`(function (output, context) { ${body} })(output, context)`, {
      filename: 'assertion.js',
    });
    compiled.set(code, script);
  }
  return script;
}

export function runJavascriptAssertion(
  code: string,
  context: GradingContext,
  threshold: number | undefined,
): RawVerdict {
  const sandbox = createContext({
    output: context.output,
    context: {
      vars: context.test.vars,
      expected: context.test.expected,
      context: context.test.context,
      latencyMs: context.latencyMs,
      cost: context.cost,
    },
  });
  const result: unknown = compile(code).runInContext(sandbox, { timeout: timeoutMs });
  if (typeof result === 'boolean')
    return { pass: result, score: result ? 1 : 0, reason: `returned ${result}` };
  if (typeof result === 'number') {
    const pass = threshold === undefined ? result > 0 : result >= threshold;
    return { pass, score: Math.min(1, Math.max(0, result)), reason: `returned ${result}`, measured: result };
  }
  if (
    typeof result === 'object' &&
    result !== null &&
    typeof (result as { pass?: unknown }).pass === 'boolean'
  ) {
    const verdict = result as { pass: boolean; score?: unknown; reason?: unknown };
    const score = typeof verdict.score === 'number' ? verdict.score : verdict.pass ? 1 : 0;
    return {
      pass: verdict.pass,
      score,
      reason: typeof verdict.reason === 'string' ? verdict.reason : `returned pass ${verdict.pass}`,
    };
  }
  throw new TypeError(
    'the javascript assertion must return a boolean, a number or { pass, score?, reason? }',
  );
}

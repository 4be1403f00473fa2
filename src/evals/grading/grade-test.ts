/**
 * Grades one output against a test's assertions: values rendered with the test's vars, `not-`
 * negation, weights, and the test verdict (every assertion passes, or the weighted mean score reaches
 * the test's `threshold`). An assertion that cannot be graded records an error instead of throwing.
 */
import { renderTemplate } from '../template.js';
import { parseAssertionType } from '../suite/assertion-types.js';
import type { AssertionSpec } from '../suite/suite-schema.js';
import type { AssertionResult, TestGrade } from './assertion-result.js';
import { gradeDeterministic } from './deterministic-assertions.js';
import type { GradingContext } from './grading-context.js';
import { gradeWithModel } from './model-graded-assertions.js';

export async function gradeTest(context: GradingContext): Promise<TestGrade> {
  const assertions: AssertionResult[] = [];
  for (const spec of context.test.assert) assertions.push(await gradeAssertion(spec, context));
  const totalWeight = assertions.reduce((sum, result) => sum + result.weight, 0);
  const score =
    totalWeight === 0
      ? assertions.every((result) => result.pass)
        ? 1
        : 0
      : assertions.reduce((sum, result) => sum + result.score * result.weight, 0) / totalWeight;
  const error = assertions.find((result) => result.error !== undefined)?.error;
  const pass =
    error === undefined &&
    (context.test.threshold === undefined
      ? assertions.every((result) => result.pass)
      : score >= context.test.threshold);
  return { pass, score, assertions, ...(error === undefined ? {} : { error }) };
}

export async function gradeAssertion(spec: AssertionSpec, context: GradingContext): Promise<AssertionResult> {
  const base = { type: spec.type, metric: spec.metric ?? spec.type, weight: spec.weight };
  const parsed = parseAssertionType(spec.type);
  if (parsed === undefined)
    return { ...base, pass: false, score: 0, reason: '', error: `unknown assertion type ${spec.type}` };
  const value = renderValue(spec.value, context.test.vars);
  try {
    const verdict =
      gradeDeterministic(parsed.type, spec, value, context) ??
      (await gradeWithModel(parsed.type, spec, value, context));
    if (verdict === undefined) throw new Error(`no grader for ${parsed.type}`);
    const result: AssertionResult = {
      ...base,
      pass: parsed.negated ? !verdict.pass : verdict.pass,
      score: parsed.negated ? 1 - verdict.score : verdict.score,
      reason: parsed.negated ? `NOT: ${verdict.reason}` : verdict.reason,
    };
    if (verdict.measured !== undefined) result.measured = verdict.measured;
    if (verdict.cost !== undefined) result.cost = verdict.cost;
    if (verdict.references !== undefined) result.references = verdict.references;
    return result;
  } catch (error) {
    if (context.signal.aborted) throw error;
    return { ...base, pass: false, score: 0, reason: '', error: `${spec.type}: ${(error as Error).message}` };
  }
}

/** Strings (and strings inside lists) are templates over the test's vars. */
function renderValue(value: unknown, vars: Readonly<Record<string, unknown>>): unknown {
  if (typeof value === 'string') return renderTemplate(value, vars);
  if (Array.isArray(value)) {
    return (value as unknown[]).map((entry) =>
      typeof entry === 'string' ? renderTemplate(entry, vars) : entry,
    );
  }
  return value;
}

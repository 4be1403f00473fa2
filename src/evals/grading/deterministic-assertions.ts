/**
 * Assertions graded without a model: string and JSON checks, reference metrics (BLEU, ROUGE,
 * Levenshtein), latency and cost bounds, refusal detection and custom JavaScript. Each returns a raw
 * verdict before negation and weighting (grade-test.ts applies those).
 */
import { sentenceBleu } from '../metrics/bleu.js';
import { parseJsonOutput, validateJsonSchema } from '../metrics/json-checks.js';
import { levenshtein, levenshteinSimilarity } from '../metrics/levenshtein.js';
import { isRefusal } from '../../guardrails/output/refusal.js';
import { rouge, type RougeType } from '../metrics/rouge.js';
import {
  containsAll,
  containsAny,
  contains,
  equals,
  matchesPattern,
  startsWith,
  withinLength,
} from '../metrics/text-checks.js';
import type { AssertionType } from '../suite/assertion-types.js';
import type { AssertionSpec } from '../suite/suite-schema.js';
import { runJavascriptAssertion } from './javascript-assertion.js';
import type { GradingContext } from './grading-context.js';

export interface RawVerdict {
  pass: boolean;
  score: number;
  reason: string;
  measured?: number;
  cost?: number | null;
  references?: string[];
}

export class AssertionConfigError extends Error {
  override name = 'AssertionConfigError';
}

const rougeTypes: Partial<Record<AssertionType, RougeType>> = {
  'rouge-1': 'rouge1',
  'rouge-2': 'rouge2',
  'rouge-l': 'rougeL',
  'rouge-lsum': 'rougeLsum',
};

function check(pass: boolean, reason: string): RawVerdict {
  return { pass, score: pass ? 1 : 0, reason };
}

function text(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new AssertionConfigError(`${what} needs a text \`value\``);
}

function list(value: unknown, what: string): string[] {
  if (Array.isArray(value)) return value.map((entry) => text(entry, what));
  if (typeof value === 'string') return value.split(',').map((entry) => entry.trim());
  throw new AssertionConfigError(`${what} needs a list \`value\``);
}

/** Reference texts: the assertion's value (text or list), else the test's `expected`. */
function references(spec: AssertionSpec, value: unknown, context: GradingContext): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return list(value, spec.type);
  if (context.test.expected !== undefined) return [context.test.expected];
  throw new AssertionConfigError(`${spec.type} needs a \`value\` or the test's \`expected\``);
}

export function gradeDeterministic(
  type: AssertionType,
  spec: AssertionSpec,
  value: unknown,
  context: GradingContext,
): RawVerdict | undefined {
  const { output } = context;
  switch (type) {
    case 'equals': {
      const expected = value === undefined ? (references(spec, value, context)[0] ?? '') : value;
      const pass = typeof expected === 'string' ? equals(output, expected) : jsonEquals(output, expected);
      return check(
        pass,
        pass ? 'output equals the expected value' : 'output differs from the expected value',
      );
    }
    case 'contains':
    case 'icontains': {
      const needle = text(value, type);
      const pass = contains(output, needle, type === 'icontains');
      return check(pass, `output ${pass ? 'contains' : 'does not contain'} "${needle}"`);
    }
    case 'contains-any':
    case 'icontains-any': {
      const needles = list(value, type);
      return check(
        containsAny(output, needles, type === 'icontains-any'),
        `looked for any of ${JSON.stringify(needles)}`,
      );
    }
    case 'contains-all':
    case 'icontains-all': {
      const needles = list(value, type);
      return check(
        containsAll(output, needles, type === 'icontains-all'),
        `looked for all of ${JSON.stringify(needles)}`,
      );
    }
    case 'regex': {
      const pattern = text(value, type);
      let pass: boolean;
      try {
        pass = matchesPattern(output, pattern);
      } catch (error) {
        throw new AssertionConfigError((error as Error).message);
      }
      return check(pass, `output ${pass ? 'matches' : 'does not match'} ${pattern}`);
    }
    case 'starts-with': {
      const prefix = text(value, type);
      return check(startsWith(output, prefix), `expected the output to start with "${prefix}"`);
    }
    case 'is-json': {
      const parsed = parseJsonOutput(output);
      if (!parsed.ok) return check(false, `output is not JSON: ${parsed.error}`);
      if (value === undefined) return check(true, 'output is JSON');
      if (typeof value !== 'object' || value === null)
        throw new AssertionConfigError('is-json `value` must be a JSON Schema object');
      const result = validateJsonSchema(parsed.value, value);
      return check(
        result.valid,
        result.valid ? 'output matches the schema' : `schema: ${result.errors.join('; ')}`,
      );
    }
    case 'length': {
      const bounds = (value ?? {}) as { min?: unknown; max?: unknown };
      if (
        typeof bounds !== 'object' ||
        (bounds.min !== undefined && typeof bounds.min !== 'number') ||
        (bounds.max !== undefined && typeof bounds.max !== 'number')
      ) {
        throw new AssertionConfigError('length `value` must be { min?: number, max?: number }');
      }
      const length = [...output].length;
      return {
        ...check(
          withinLength(output, bounds as { min?: number; max?: number }),
          `output has ${length} characters`,
        ),
        measured: length,
      };
    }
    case 'levenshtein': {
      const reference = references(spec, value, context)[0] ?? '';
      const distance = levenshtein(output, reference);
      const limit = spec.threshold ?? 5;
      return {
        pass: distance <= limit,
        score: levenshteinSimilarity(output, reference),
        reason: `edit distance ${distance} (max ${limit})`,
        measured: distance,
      };
    }
    case 'bleu': {
      const bleuReferences = references(spec, value, context);
      const bleu = sentenceBleu(output, bleuReferences);
      const score = bleu.score / 100;
      const limit = spec.threshold ?? 0.5;
      return {
        pass: score >= limit,
        score,
        reason: `BLEU ${bleu.score.toFixed(2)} (pass from ${(limit * 100).toFixed(0)})`,
        measured: bleu.score,
        // Kept with the result: the run summary computes corpus BLEU from them.
        references: bleuReferences,
      };
    }
    case 'rouge-1':
    case 'rouge-2':
    case 'rouge-l':
    case 'rouge-lsum': {
      const rougeType = rougeTypes[type] ?? 'rouge1';
      const result = rouge(rougeType, references(spec, value, context), output, {
        stemming: spec.config?.stemming === true,
      });
      const limit = spec.threshold ?? 0.75;
      return {
        pass: result.fmeasure >= limit,
        score: result.fmeasure,
        reason: `${rougeType} F ${result.fmeasure.toFixed(4)} (P ${result.precision.toFixed(3)}, R ${result.recall.toFixed(3)})`,
      };
    }
    case 'latency': {
      const limit = spec.threshold ?? (typeof value === 'number' ? value : undefined);
      if (limit === undefined) throw new AssertionConfigError('latency needs a `threshold` in milliseconds');
      return {
        ...check(context.latencyMs <= limit, `latency ${Math.round(context.latencyMs)} ms (max ${limit})`),
        measured: context.latencyMs,
      };
    }
    case 'cost': {
      const limit = spec.threshold ?? (typeof value === 'number' ? value : undefined);
      if (limit === undefined) throw new AssertionConfigError('cost needs a `threshold` in USD');
      if (context.cost === null) return check(false, 'the cost is unknown (no price for this model)');
      return {
        ...check(context.cost <= limit, `cost $${context.cost.toFixed(6)} (max $${limit})`),
        measured: context.cost,
      };
    }
    case 'is-refusal': {
      const pass = isRefusal(output);
      return check(pass, pass ? 'the output refuses' : 'the output does not refuse');
    }
    case 'javascript':
      return runJavascriptAssertion(text(value, type), context, spec.threshold);
    default:
      return undefined;
  }
}

function jsonEquals(output: string, expected: unknown): boolean {
  const parsed = parseJsonOutput(output);
  return parsed.ok && JSON.stringify(parsed.value) === JSON.stringify(expected);
}

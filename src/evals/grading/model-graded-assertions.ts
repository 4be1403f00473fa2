/** Assertions graded with a judge model or an embedder: rubric, G-Eval, factuality, pairwise, similarity, RAG. */
import { cosineSimilarity } from '../metrics/cosine.js';
import type { Judge } from '../judges/ask-judge.js';
import { gradeFactuality } from '../judges/factuality.js';
import { gradeGEval } from '../judges/g-eval.js';
import { judgePairwise } from '../judges/pairwise.js';
import { gradeRubric } from '../judges/rubric.js';
import {
  judgeAnswerRelevancy,
  judgeContextPrecision,
  judgeContextRecall,
  judgeFaithfulness,
} from '../rag/rag-judges.js';
import type { AssertionType } from '../suite/assertion-types.js';
import type { AssertionSpec } from '../suite/suite-schema.js';
import { AssertionConfigError, type RawVerdict } from './deterministic-assertions.js';
import type { GradingContext } from './grading-context.js';

const defaultRagThreshold = 0.7;

function requireJudge(spec: AssertionSpec, context: GradingContext): Judge {
  const judge = context.judgeFor(spec.judge);
  if (judge === null)
    throw new AssertionConfigError(
      `${spec.type} needs a judge: set \`judge.model\` in the suite or the assertion`,
    );
  return judge;
}

function requireText(value: unknown, what: string): string {
  if (typeof value === 'string' && value !== '') return value;
  throw new AssertionConfigError(`${what} needs a text \`value\``);
}

function requireReference(value: unknown, context: GradingContext, what: string): string {
  const reference = typeof value === 'string' && value !== '' ? value : context.test.expected;
  if (reference === undefined)
    throw new AssertionConfigError(`${what} needs a \`value\` or the test's \`expected\``);
  return reference;
}

function requireContext(context: GradingContext, what: string): string[] {
  const chunks = context.test.context ?? contextFromVars(context.test.vars.context);
  if (chunks === undefined)
    throw new AssertionConfigError(`${what} needs the test's \`context\` (or a \`context\` var)`);
  return chunks;
}

function contextFromVars(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value))
    return value.map((chunk) => (typeof chunk === 'string' ? chunk : JSON.stringify(chunk)));
  return undefined;
}

function scored(score: number, threshold: number, reason: string, cost: number | null): RawVerdict {
  return { pass: score >= threshold, score, reason, cost };
}

export async function gradeWithModel(
  type: AssertionType,
  spec: AssertionSpec,
  value: unknown,
  context: GradingContext,
): Promise<RawVerdict | undefined> {
  const { output, question, signal } = context;
  switch (type) {
    case 'llm-rubric': {
      const answer = await gradeRubric(
        requireJudge(spec, context),
        { rubric: requireText(value, type), output, question },
        signal,
      );
      const pass =
        answer.value.pass && (spec.threshold === undefined || answer.value.score >= spec.threshold);
      return { pass, score: answer.value.score, reason: answer.value.reason, cost: answer.cost };
    }
    case 'g-eval': {
      const answer = await gradeGEval(
        requireJudge(spec, context),
        { criteria: requireText(value, type), output, question },
        signal,
      );
      return scored(answer.value.score, spec.threshold ?? 0.7, answer.value.reason, answer.cost);
    }
    case 'factuality': {
      const answer = await gradeFactuality(
        requireJudge(spec, context),
        { question, reference: requireReference(value, context, type), output },
        signal,
      );
      const pass = answer.value.choice !== 'D';
      return {
        pass,
        score: pass ? 1 : 0,
        reason: `(${answer.value.choice}) ${answer.value.reason}`,
        cost: answer.cost,
      };
    }
    case 'pairwise': {
      const other = requireText(value, type);
      const criteria = typeof spec.config?.criteria === 'string' ? spec.config.criteria : undefined;
      const answer = await judgePairwise(
        requireJudge(spec, context),
        { question, output, other, ...(criteria === undefined ? {} : { criteria }) },
        signal,
      );
      return scored(answer.value.score, spec.threshold ?? 0.5, answer.value.reasons.join(' / '), answer.cost);
    }
    case 'similar': {
      if (context.embedder === null)
        throw new AssertionConfigError('similar needs an embedder: set `embedder.model` in the suite');
      const reference = requireReference(value, context, type);
      const [a, b] = await context.embedder.embed([output, reference], signal);
      const similarity = cosineSimilarity(a ?? [], b ?? []);
      // Scores live in [0, 1]; an opposite direction is as dissimilar as it gets.
      return {
        ...scored(
          Math.max(0, similarity),
          spec.threshold ?? 0.75,
          `cosine similarity ${similarity.toFixed(4)}`,
          null,
        ),
        measured: similarity,
      };
    }
    case 'faithfulness': {
      const answer = await judgeFaithfulness(
        requireJudge(spec, context),
        { question, answer: output, context: requireContext(context, type) },
        signal,
      );
      return scored(
        answer.value.score,
        spec.threshold ?? defaultRagThreshold,
        answer.value.reason,
        answer.cost,
      );
    }
    case 'answer-relevancy': {
      if (context.embedder === null)
        throw new AssertionConfigError(
          'answer-relevancy needs an embedder: set `embedder.model` in the suite',
        );
      const answer = await judgeAnswerRelevancy(
        requireJudge(spec, context),
        context.embedder,
        { question, answer: output },
        signal,
      );
      return scored(
        answer.value.score,
        spec.threshold ?? defaultRagThreshold,
        answer.value.reason,
        answer.cost,
      );
    }
    case 'context-precision': {
      const answer = await judgeContextPrecision(
        requireJudge(spec, context),
        {
          question,
          reference: requireReference(value, context, type),
          context: requireContext(context, type),
        },
        signal,
      );
      return scored(
        answer.value.score,
        spec.threshold ?? defaultRagThreshold,
        answer.value.reason,
        answer.cost,
      );
    }
    case 'context-recall': {
      const answer = await judgeContextRecall(
        requireJudge(spec, context),
        {
          question,
          reference: requireReference(value, context, type),
          context: requireContext(context, type),
        },
        signal,
      );
      return scored(
        answer.value.score,
        spec.threshold ?? defaultRagThreshold,
        answer.value.reason,
        answer.cost,
      );
    }
    default:
      return undefined;
  }
}

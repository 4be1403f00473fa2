/**
 * BLEU as sacreBLEU computes it (Post, 2018): 13a tokenisation, clipped n-gram counts against the
 * maximum count over references, the closest reference length (ties to the shorter), brevity penalty,
 * and the `exp` smoothing of mteval-v13a for orders with no match. Scores are 0–100 like sacreBLEU's.
 * Corpus BLEU sums statistics over all segments; sentence BLEU uses the effective order, as sacreBLEU's
 * `sentence_bleu` does.
 */
import { tokenize13a } from './tokenize-13a.js';

const maxOrder = 4;

export interface BleuScore {
  /** 0–100. */
  score: number;
  /** Modified n-gram precisions (0–100), orders 1 to 4. */
  precisions: number[];
  brevityPenalty: number;
  hypothesisLength: number;
  referenceLength: number;
}

interface BleuStatistics {
  correct: number[];
  total: number[];
  hypothesisLength: number;
  referenceLength: number;
}

export interface BleuOptions {
  /** Use only the n-gram orders the hypothesis has (sacreBLEU's `effective_order`); default false. */
  effectiveOrder?: boolean;
  /** Skip 13a tokenisation when the text is tokenized already. */
  tokenize?: boolean;
}

/**
 * Corpus BLEU: `references[r][i]` is the r-th reference of segment i (sacreBLEU's layout).
 *
 * @example corpusBleu(['The dog bit the man.'], [['The dog bit the man.']]).score // → 100
 */
export function corpusBleu(
  hypotheses: readonly string[],
  references: readonly (readonly string[])[],
  options: BleuOptions = {},
): BleuScore {
  for (const stream of references) {
    if (stream.length !== hypotheses.length) {
      throw new RangeError(
        `every reference stream needs ${hypotheses.length} segments, one got ${stream.length}`,
      );
    }
  }
  return segmentsBleu(
    hypotheses.map((hypothesis, index) => ({
      hypothesis,
      references: references.map((stream) => stream[index] ?? ''),
    })),
    options,
  );
}

/**
 * Corpus BLEU over segments that each carry their own references (any number per segment): what an
 * eval run has, where every item names its own reference answers.
 *
 * @example segmentsBleu([{ hypothesis: 'The dog bit the man.', references: ['The dog bit the man.'] }]).score // → 100
 */
export function segmentsBleu(
  segments: readonly { hypothesis: string; references: readonly string[] }[],
  options: BleuOptions = {},
): BleuScore {
  const totals: BleuStatistics = {
    correct: new Array<number>(maxOrder).fill(0),
    total: new Array<number>(maxOrder).fill(0),
    hypothesisLength: 0,
    referenceLength: 0,
  };
  for (const { hypothesis, references } of segments) {
    const segment = segmentStatistics(hypothesis, references, options.tokenize ?? true);
    for (let order = 0; order < maxOrder; order += 1) {
      totals.correct[order] = (totals.correct[order] ?? 0) + (segment.correct[order] ?? 0);
      totals.total[order] = (totals.total[order] ?? 0) + (segment.total[order] ?? 0);
    }
    totals.hypothesisLength += segment.hypothesisLength;
    totals.referenceLength += segment.referenceLength;
  }
  return computeBleu(totals, options.effectiveOrder ?? false);
}

/**
 * Sentence BLEU of one hypothesis against its references, with effective order (sacreBLEU's
 * `sentence_bleu`).
 */
export function sentenceBleu(
  hypothesis: string,
  references: readonly string[],
  options: Omit<BleuOptions, 'effectiveOrder'> = {},
): BleuScore {
  return computeBleu(segmentStatistics(hypothesis, references, options.tokenize ?? true), true);
}

function segmentStatistics(
  hypothesis: string,
  references: readonly string[],
  tokenize: boolean,
): BleuStatistics {
  const split = (text: string): string[] => {
    const normalized = tokenize ? tokenize13a(text) : text.trim();
    return normalized === '' ? [] : normalized.split(' ');
  };
  const hypothesisTokens = split(hypothesis);
  const maxReferenceCounts = new Map<string, number>();
  let referenceLength = 0;
  let closestDifference = Number.POSITIVE_INFINITY;
  for (const reference of references) {
    const tokens = split(reference);
    const difference = Math.abs(hypothesisTokens.length - tokens.length);
    if (
      difference < closestDifference ||
      (difference === closestDifference && tokens.length < referenceLength)
    ) {
      closestDifference = difference;
      referenceLength = tokens.length;
    }
    for (const [ngram, count] of countNgrams(tokens)) {
      if (count > (maxReferenceCounts.get(ngram) ?? 0)) maxReferenceCounts.set(ngram, count);
    }
  }
  const correct = new Array<number>(maxOrder).fill(0);
  const total = new Array<number>(maxOrder).fill(0);
  for (const [ngram, count] of countNgrams(hypothesisTokens)) {
    const order = ngramOrder(ngram) - 1;
    total[order] = (total[order] ?? 0) + count;
    correct[order] = (correct[order] ?? 0) + Math.min(count, maxReferenceCounts.get(ngram) ?? 0);
  }
  return { correct, total, hypothesisLength: hypothesisTokens.length, referenceLength };
}

// N-grams are keyed by their tokens joined with a separator that 13a output never contains.
const separator = '\u0001';

function countNgrams(tokens: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (let order = 1; order <= maxOrder; order += 1) {
    for (let start = 0; start + order <= tokens.length; start += 1) {
      const ngram = tokens.slice(start, start + order).join(separator);
      counts.set(ngram, (counts.get(ngram) ?? 0) + 1);
    }
  }
  return counts;
}

function ngramOrder(ngram: string): number {
  let order = 1;
  for (const character of ngram) if (character === separator) order += 1;
  return order;
}

/** sacreBLEU's `compute_bleu` with `smooth_method='exp'`. */
function computeBleu(statistics: BleuStatistics, effectiveOrder: boolean): BleuScore {
  const { correct, total, hypothesisLength, referenceLength } = statistics;
  const brevityPenalty =
    hypothesisLength < referenceLength
      ? hypothesisLength > 0
        ? Math.exp(1 - referenceLength / hypothesisLength)
        : 0
      : 1;
  const precisions = new Array<number>(maxOrder).fill(0);
  const result = { precisions, brevityPenalty, hypothesisLength, referenceLength };
  if ((total[0] ?? 0) === 0) return { score: 0, ...result };
  let order = maxOrder;
  let smoothing = 1;
  for (let n = 1; n <= maxOrder; n += 1) {
    const totalN = total[n - 1] ?? 0;
    const correctN = correct[n - 1] ?? 0;
    if (totalN === 0) break;
    if (effectiveOrder) order = n;
    if (correctN === 0) {
      smoothing *= 2;
      precisions[n - 1] = 100 / (smoothing * totalN);
    } else {
      precisions[n - 1] = (100 * correctN) / totalN;
    }
  }
  const logSum = precisions
    .slice(0, order)
    .reduce((sum, precision) => sum + (precision === 0 ? -9_999_999_999 : Math.log(precision)), 0);
  return { score: brevityPenalty * Math.exp(logSum / order), ...result };
}

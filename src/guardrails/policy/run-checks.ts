/**
 * Runs a stage's checks in order and decides. Each check yields a verdict; `when` cascades skip a
 * check unless an earlier one scored inside its band; `mask` rewrites the text the later checks (and
 * the model) see; the first `block`, `fallback` or `reask` ends the stage and becomes the decision.
 * A check that throws (a judge model that is down) is recorded and passes: guardrails degrade, the
 * data plane keeps serving.
 */
import { placeholderLabels } from '../pii/entities.js';
import type { PiiEntity } from '../pii/entities.js';
import { replaceFindings } from '../pii/pseudonymize.js';
import type { PseudonymVault } from '../pii/pseudonymize.js';
import type { Detection, Finding, Verdict } from '../types.js';
import type {
  AnyCheck,
  CheckEnvironment,
  InputCheck,
  InputSubject,
  OutputCheck,
  OutputSubject,
} from './check.js';
import type { TextSegment } from './segments.js';

export interface Decision<Check extends AnyCheck> {
  check: Check;
  verdict: Verdict;
  detection: Detection;
}

export interface StageResult<Check extends AnyCheck> {
  verdicts: Verdict[];
  /** The check whose block/fallback/reask ended the stage, if any. */
  decision: Decision<Check> | null;
}

function inBand(check: AnyCheck, scores: ReadonlyMap<string, number>): boolean {
  if (check.when === undefined) return true;
  const score = scores.get(check.when.check);
  return score !== undefined && score >= check.when.min && score < check.when.max;
}

async function evaluate<Subject>(
  check: AnyCheck & { run(subject: Subject, environment: CheckEnvironment): Detection | Promise<Detection> },
  subject: Subject,
  environment: CheckEnvironment,
): Promise<{ detection: Detection; verdict: Verdict }> {
  const started = performance.now();
  let detection: Detection;
  try {
    const result = check.run(subject, environment);
    detection = result instanceof Promise ? await result : result;
  } catch (error) {
    detection = {
      score: 0,
      findings: [],
      details: { error: error instanceof Error ? error.message : String(error) },
    };
  }
  const triggered = detection.score >= check.threshold;
  const verdict: Verdict = {
    check: check.id,
    type: check.type,
    stage: check.stage,
    score: Number(detection.score.toFixed(4)),
    triggered,
    action: triggered ? check.action : 'pass',
    latencyMs: performance.now() - started,
    findings: detection.findings,
    ...(detection.details === undefined ? {} : { details: detection.details }),
    ...(detection.segment === undefined ? {} : { segment: detection.segment }),
  };
  return { detection, verdict };
}

function skipped(check: AnyCheck): Verdict {
  return {
    check: check.id,
    type: check.type,
    stage: check.stage,
    score: 0,
    triggered: false,
    action: 'skipped',
    latencyMs: 0,
    findings: [],
  };
}

/** `<EMAIL_1>` (pseudonymised, restorable) or `<EMAIL>` (masked for good). */
export function placeholderFor(finding: Finding, vault: PseudonymVault | null): string {
  const label = placeholderLabels[finding.type as PiiEntity] ?? finding.type;
  return vault === null ? `<${label}>` : vault.placeholderFor(label, finding.text ?? '');
}

export async function runInputChecks(
  checks: readonly InputCheck[],
  subject: InputSubject,
  environment: CheckEnvironment,
  vault: PseudonymVault,
): Promise<StageResult<InputCheck> & { masked: Map<TextSegment, string> }> {
  const verdicts: Verdict[] = [];
  const scores = new Map<string, number>();
  const masked = new Map<TextSegment, string>();
  for (const check of checks) {
    if (!inBand(check, scores)) {
      verdicts.push(skipped(check));
      continue;
    }
    const { detection, verdict } = await evaluate(check, subject, environment);
    verdicts.push(verdict);
    scores.set(check.id, detection.score);
    if (!verdict.triggered) continue;
    if (check.action === 'mask') {
      maskSegments(subject, detection.findings, check.pseudonymize ? vault : null, masked);
    } else if (check.action !== 'flag') {
      return { verdicts, decision: { check, verdict, detection }, masked };
    }
  }
  return { verdicts, decision: null, masked };
}

function maskSegments(
  subject: InputSubject,
  findings: readonly Finding[],
  vault: PseudonymVault | null,
  masked: Map<TextSegment, string>,
): void {
  const bySegment = new Map<number, Finding[]>();
  for (const finding of findings) {
    if (finding.segment === undefined) continue;
    const list = bySegment.get(finding.segment) ?? [];
    list.push(finding);
    bySegment.set(finding.segment, list);
  }
  for (const [index, segmentFindings] of bySegment) {
    const segment = subject.segments[index];
    if (segment === undefined) continue;
    // Secrets carry no text; the span is read here so pseudonyms map back to the right value.
    const withText = segmentFindings.map((finding) => ({
      ...finding,
      text: segment.text.slice(finding.start, finding.end),
    }));
    segment.text = replaceFindings(segment.text, withText, (finding) => placeholderFor(finding, vault));
    masked.set(segment, segment.text);
  }
}

/**
 * `deferMask` (streams): a `mask` leaves the text as it is and returns the spans to mask instead, in
 * the coordinates of the text given, so the caller can mask chunks it has not released yet.
 */
export async function runOutputChecks(
  checks: readonly OutputCheck[],
  subject: OutputSubject,
  environment: CheckEnvironment,
  options: { windowOnly?: boolean; deferMask?: boolean } = {},
): Promise<StageResult<OutputCheck> & { text: string; masks: Finding[] }> {
  const verdicts: Verdict[] = [];
  const scores = new Map<string, number>();
  const masks: Finding[] = [];
  let text = subject.text;
  for (const check of checks) {
    if (options.windowOnly === true && !check.windowed) continue;
    if (!inBand(check, scores)) {
      verdicts.push(skipped(check));
      continue;
    }
    const { detection, verdict } = await evaluate(check, { ...subject, text }, environment);
    verdicts.push(verdict);
    scores.set(check.id, detection.score);
    if (!verdict.triggered) continue;
    if (check.action === 'mask') {
      if (options.deferMask === true) masks.push(...detection.findings);
      else text = replaceFindings(text, detection.findings, (finding) => placeholderFor(finding, null));
    } else if (check.action !== 'flag') {
      return { verdicts, decision: { check, verdict, detection }, text, masks };
    }
  }
  return { verdicts, decision: null, text, masks };
}

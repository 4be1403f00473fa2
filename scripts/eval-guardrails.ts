/**
 * `npm run eval:guardrails`: the guardrails' quality report on the held-out part of the development
 * sets (the part the classifier never trained on): per PII entity precision/recall/F1, injection
 * detection per tier with its false-positive rate on benign prompts (XSTest safe prompts listed
 * separately), and latency p50/p99 per check.
 */
import { detectPii } from '../src/guardrails/pii/detect-pii.js';
import { structuredPiiEntities } from '../src/guardrails/pii/entities.js';
import { scoreInjectionClassifier } from '../src/guardrails/injection/injection-classifier.js';
import { scoreInjectionRules } from '../src/guardrails/injection/injection-rules.js';
import { detectSecrets } from '../src/guardrails/secrets/detect-secrets.js';
import { isHeldOut, loadInjectionPrompts, loadPresidio, loadXsTest } from './guardrails/datasets.js';

interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

const percent = (value: number): string => (value * 100).toFixed(1).padStart(5) + '%';
const fixed = (value: number): string => value.toFixed(3);

function f1(counts: Counts): { precision: number; recall: number; f1: number } {
  const precision = counts.tp / (counts.tp + counts.fp || 1);
  const recall = counts.tp / (counts.tp + counts.fn || 1);
  return { precision, recall, f1: (2 * precision * recall) / (precision + recall || 1) };
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

function evaluatePii(): void {
  const examples = loadPresidio().filter((example) => isHeldOut(example.text));
  const counts = new Map<string, Counts>();
  const of = (type: string): Counts => {
    let entry = counts.get(type);
    if (entry === undefined) counts.set(type, (entry = { tp: 0, fp: 0, fn: 0 }));
    return entry;
  };
  const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }): boolean =>
    a.start < b.end && b.start < a.end;
  for (const example of examples) {
    const found = detectPii(example.text);
    for (const finding of found) {
      const hit = example.spans.some((span) => span.type === finding.type && overlaps(span, finding));
      of(finding.type)[hit ? 'tp' : 'fp'] += 1;
    }
    for (const span of example.spans) {
      if (!found.some((finding) => finding.type === span.type && overlaps(span, finding)))
        of(span.type).fn += 1;
    }
  }
  console.log(
    `\nPII — Presidio synthetic set, held-out ${examples.length} sentences (span overlap, same type)`,
  );
  console.log('entity              support  precision  recall     F1');
  const structured = { tp: 0, fp: 0, fn: 0 };
  const detectable = new Set([
    'EMAIL_ADDRESS',
    'PHONE_NUMBER',
    'CREDIT_CARD',
    'IBAN_CODE',
    'US_SSN',
    'IP_ADDRESS',
    'URL',
    'DATE_TIME',
    'PERSON',
    'MAC_ADDRESS',
    'CRYPTO',
  ]);
  for (const [type, entry] of [...counts].sort()) {
    if (!detectable.has(type)) continue;
    const score = f1(entry);
    const mark = structuredPiiEntities.includes(type as never) ? '*' : ' ';
    console.log(
      `${mark}${type.padEnd(18)} ${String(entry.tp + entry.fn).padStart(7)}  ${fixed(score.precision).padStart(9)}  ${fixed(score.recall).padStart(6)}  ${fixed(score.f1).padStart(6)}`,
    );
    if (mark === '*') for (const key of ['tp', 'fp', 'fn'] as const) structured[key] += entry[key];
  }
  const total = f1(structured);
  console.log(
    `* structured types together: precision ${fixed(total.precision)}, recall ${fixed(total.recall)}, F1 ${fixed(total.f1)} (target ≥ 0.90)`,
  );
  console.log(
    '  (DATE_TIME counts only dates of birth by design; PERSON only names in context: their recall is low on purpose.)',
  );
}

function evaluateInjection(): void {
  const prompts = loadInjectionPrompts().filter((prompt) => isHeldOut(prompt.text));
  const scored = prompts.map((prompt) => {
    const rules = scoreInjectionRules(prompt.text).score;
    const classifier = scoreInjectionClassifier(prompt.text).score;
    return { ...prompt, rules, classifier, combined: Math.max(rules, classifier) };
  });
  const attacks = scored.filter((item) => item.label === 1);
  const benign = scored.filter((item) => item.label === 0);
  console.log(
    `\nPrompt injection / jailbreak — held-out ${attacks.length} attacks, ${benign.length} benign prompts (score ≥ 0.5 flags)`,
  );
  console.log('tier                     recall  benign FP  precision     F1   XSTest-safe FP');
  const xsSafe = benign.filter((item) => item.source === 'xstest-safe');
  for (const tier of ['rules', 'classifier', 'combined'] as const) {
    const counts = {
      tp: attacks.filter((item) => item[tier] >= 0.5).length,
      fn: attacks.filter((item) => item[tier] < 0.5).length,
      fp: benign.filter((item) => item[tier] >= 0.5).length,
    };
    const score = f1(counts);
    const xsFlagged = xsSafe.filter((item) => item[tier] >= 0.5).length;
    console.log(
      `${tier.padEnd(22)} ${percent(score.recall)}     ${percent(counts.fp / benign.length)}     ${fixed(score.precision)}  ${fixed(score.f1)}   ${xsFlagged}/${xsSafe.length}`,
    );
  }
  console.log('recall of the combined tiers by source:');
  for (const source of [...new Set(attacks.map((item) => item.source))]) {
    const group = attacks.filter((item) => item.source === source);
    console.log(
      `  ${source.padEnd(28)} ${percent(group.filter((item) => item.combined >= 0.5).length / group.length)} of ${group.length}`,
    );
  }
  console.log('false positives of the combined tiers by benign source:');
  for (const source of [...new Set(benign.map((item) => item.source))]) {
    const group = benign.filter((item) => item.source === source);
    console.log(
      `  ${source.padEnd(28)} ${percent(group.filter((item) => item.combined >= 0.5).length / group.length)} of ${group.length}`,
    );
  }
  const xsAll = loadXsTest().filter((row) => row.label === 'safe');
  const flagged = xsAll.filter(
    (row) =>
      Math.max(scoreInjectionRules(row.prompt).score, scoreInjectionClassifier(row.prompt).score) >= 0.5,
  );
  console.log(`XSTest safe prompts flagged (all ${xsAll.length}, training part included): ${flagged.length}`);
}

/**
 * Steady-state latency: every held-out prompt and PII sentence through each check, three passes, the
 * first discarded (JIT warm-up). Prompts include multi-kilobyte jailbreaks.
 */
function measureLatency(): void {
  const prompts = loadInjectionPrompts()
    .filter((prompt) => isHeldOut(prompt.text))
    .map((prompt) => prompt.text);
  const sentences = loadPresidio()
    .filter((example) => isHeldOut(example.text))
    .map((example) => example.text);
  const checks: [string, readonly string[], (text: string) => unknown][] = [
    ['pii', sentences, (text) => detectPii(text)],
    ['secrets', sentences, (text) => detectSecrets(text)],
    ['injection rules (tier 1)', prompts, (text) => scoreInjectionRules(text)],
    ['injection classifier (tier 2)', prompts, (text) => scoreInjectionClassifier(text)],
    [
      'tier 1 + tier 2 per prompt',
      prompts,
      (text) => [scoreInjectionRules(text), scoreInjectionClassifier(text)],
    ],
  ];
  console.log('\nLatency per check (ms per text, steady state; Node 20, one thread)');
  console.log('check                              p50      p99      max');
  for (const [name, texts, run] of checks) {
    const samples: number[] = [];
    for (let pass = 0; pass < 3; pass += 1) {
      for (const text of texts) {
        const started = performance.now();
        run(text);
        if (pass > 0) samples.push(performance.now() - started);
      }
    }
    samples.sort((a, b) => a - b);
    console.log(
      `${name.padEnd(32)} ${fixed(quantile(samples, 0.5)).padStart(7)}  ${fixed(quantile(samples, 0.99)).padStart(7)}  ${fixed(samples.at(-1) ?? 0).padStart(7)}`,
    );
  }
}

evaluatePii();
evaluateInjection();
measureLatency();

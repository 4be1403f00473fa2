/**
 * Builds the input checks of a policy from config: each binds a detector to its options once, at
 * start-up, and scores a conversation as the highest score of the message segments it looks at.
 */
import type { InputCheckConfig } from '../../config/guardrails-schema.js';
import { countRequestTokens } from '../../usage/count-tokens.js';
import { scoreInjectionClassifier } from '../injection/injection-classifier.js';
import { scoreInjectionRules } from '../injection/injection-rules.js';
import { detectLanguage } from '../input/language.js';
import { createTopicDetector, createTopicMatcher } from '../input/topic.js';
import { runJudge } from '../judge/llm-judge.js';
import { detectPii } from '../pii/detect-pii.js';
import { detectSecrets } from '../secrets/detect-secrets.js';
import type { Detection, Finding } from '../types.js';
import type { CheckEnvironment, InputCheck, InputSubject } from './check.js';
import type { Embedder } from '../../embeddings/spec.js';
import { judgeOptions, judgeTurns } from './judge-options.js';
import type { TextSegment } from './segments.js';

const defaultRoles: Readonly<Record<string, readonly string[]>> = {
  pii: ['system', 'developer', 'user', 'assistant', 'tool'],
  secrets: ['system', 'developer', 'user', 'assistant', 'tool'],
  injection: ['user', 'tool'],
  llm_judge: ['user'],
  topic: ['user'],
  language: ['user'],
};

const defaultThresholds: Readonly<Record<string, number>> = {
  pii: 0.5,
  secrets: 0.5,
  injection: 0.5,
  llm_judge: 0.5,
  topic: 0.5,
  language: 0.5,
  max_tokens: 0.5,
};

/**
 * Scores each segment of the chosen roles (one batch call, so a detector that embeds can send them
 * together); the conversation's score is the highest, and `segment` says which one it was.
 */
function perSegments(
  roles: readonly string[],
  detectAll: (texts: string[], signal: AbortSignal) => Detection[] | Promise<Detection[]>,
) {
  const wanted = new Set(roles);
  const combine = (indexes: number[], detections: Detection[]): Detection => {
    let best: { detection: Detection; segment: number } | undefined;
    const findings: Finding[] = [];
    detections.forEach((detection, position) => {
      const segment = indexes[position] as number;
      for (const finding of detection.findings) findings.push({ ...finding, segment });
      if (best === undefined || detection.score > best.detection.score) best = { detection, segment };
    });
    if (best === undefined) return { score: 0, findings };
    const details = best.detection.details;
    return {
      score: best.detection.score,
      findings,
      segment: best.segment,
      ...(details === undefined ? {} : { details }),
    };
  };
  return (subject: InputSubject, environment: CheckEnvironment): Detection | Promise<Detection> => {
    const indexes: number[] = [];
    const texts: string[] = [];
    subject.segments.forEach((segment: TextSegment, index) => {
      if (!wanted.has(segment.role) || segment.text === '') return;
      indexes.push(index);
      texts.push(segment.text);
    });
    const detections = detectAll(texts, environment.signal);
    return detections instanceof Promise
      ? detections.then((settled) => combine(indexes, settled))
      : combine(indexes, detections);
  };
}

/** A per-text detector over every chosen segment. */
function perSegment(roles: readonly string[], detect: (text: string) => Detection) {
  return perSegments(roles, (texts) => texts.map(detect));
}

export interface InputCheckEnvironment {
  /** The embedder of the topic check's embedding tier, created on first use. */
  embedder: () => Embedder;
}

export function buildInputCheck(config: InputCheckConfig, environment: InputCheckEnvironment): InputCheck {
  const roles =
    'roles' in config && config.roles !== undefined ? config.roles : (defaultRoles[config.type] ?? ['user']);
  const base = {
    stage: 'input' as const,
    id: config.id ?? config.type,
    type: config.type,
    action: config.action,
    threshold: config.threshold ?? defaultThresholds[config.type] ?? 0.5,
    when: config.when,
    blockReply: config.block_reply,
    fallbackModel: config.fallback_model,
    pseudonymize: config.type === 'pii' ? config.pseudonymize : false,
  };
  switch (config.type) {
    case 'pii': {
      const options = {
        threshold: base.threshold,
        ...(config.entities === undefined ? {} : { entities: new Set(config.entities) }),
      };
      const run = perSegment(roles, (text) => {
        const findings = detectPii(text, options);
        const score = findings.reduce((highest, finding) => Math.max(highest, finding.score), 0);
        return {
          score,
          findings,
          details: { entities: [...new Set(findings.map((finding) => finding.type))] },
        };
      });
      return { ...base, run };
    }
    case 'secrets': {
      const run = perSegment(roles, (text) => {
        const findings = detectSecrets(text);
        const score = findings.reduce((highest, finding) => Math.max(highest, finding.score), 0);
        return { score, findings, details: { types: [...new Set(findings.map((finding) => finding.type))] } };
      });
      return { ...base, run };
    }
    case 'injection': {
      const useRules = config.tiers.includes('rules');
      const useClassifier = config.tiers.includes('classifier');
      const run = perSegment(roles, (text) => {
        const rules = useRules ? scoreInjectionRules(text) : undefined;
        const classifier = useClassifier ? scoreInjectionClassifier(text) : undefined;
        return {
          score: Math.max(rules?.score ?? 0, classifier?.score ?? 0),
          findings: [],
          details: {
            ...(rules === undefined ? {} : { rules: rules.score, ...rules.details }),
            ...(classifier === undefined ? {} : { classifier: classifier.score }),
          },
        };
      });
      return { ...base, run };
    }
    case 'topic': {
      const options = {
        allow: config.allow,
        deny: config.deny,
        allowTopics: config.allow_topics,
        denyTopics: config.deny_topics,
        similarityThreshold: config.similarity_threshold,
      };
      const embeds = config.allow_topics.length + config.deny_topics.length > 0;
      const run = embeds
        ? perSegments(roles, createTopicDetector(options, environment.embedder))
        : perSegment(roles, createTopicMatcher(options));
      return { ...base, run };
    }
    case 'language': {
      const allowed = new Set(config.allow);
      const run = perSegment(roles, (text) => {
        const guess = detectLanguage(text);
        const outside = guess.language !== 'und' && !allowed.has(guess.language);
        return { score: outside ? Math.max(0.5, guess.confidence) : 0, findings: [], details: { ...guess } };
      });
      return { ...base, run };
    }
    case 'max_tokens': {
      const run = (subject: InputSubject): Detection => {
        const tokens = countRequestTokens(subject.request);
        return {
          score: tokens > config.limit ? 1 : 0,
          findings: [],
          details: { tokens, limit: config.limit },
        };
      };
      return { ...base, run };
    }
    case 'llm_judge': {
      const options = judgeOptions(config);
      const wanted = new Set(roles);
      return {
        ...base,
        run: (subject, environment) => {
          if (environment.complete === undefined) throw new Error('the LLM judge needs a model to call');
          const turns = judgeTurns(subject.segments.filter((segment) => wanted.has(segment.role)));
          return runJudge(turns, options, environment.complete, environment.signal);
        },
      };
    }
  }
}

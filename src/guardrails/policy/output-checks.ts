/**
 * Builds the output checks of a policy from config. `windowed` checks can judge a partial answer, so
 * streams run them on a sliding window as text arrives; the others (JSON, grounding, refusal, the
 * judge) run once the answer is complete.
 */
import type { OutputCheckConfig } from '../../config/guardrails-schema.js';
import { runJudge } from '../judge/llm-judge.js';
import { detectCanary } from '../output/canary.js';
import { scoreGrounding } from '../output/grounding.js';
import { checkJson } from '../output/json-output.js';
import { detectPromptLeak } from '../output/prompt-leak.js';
import { detectRefusal } from '../output/refusal.js';
import { createToxicityMatcher } from '../output/toxicity.js';
import { detectPii } from '../pii/detect-pii.js';
import { detectSecrets } from '../secrets/detect-secrets.js';
import type { Detection } from '../types.js';
import { messageText } from '../../usage/count-tokens.js';
import type { OutputCheck, OutputSubject } from './check.js';
import { judgeOptions, judgeTurns } from './judge-options.js';

const defaultThresholds: Readonly<Record<string, number>> = {
  json: 0.5,
  pii: 0.5,
  secrets: 0.5,
  canary: 0.5,
  prompt_leak: 0.3,
  toxicity: 0.5,
  refusal: 0.5,
  grounding: 0.5,
  llm_judge: 0.5,
};

function systemPrompt(subject: OutputSubject): string {
  return subject.request.messages
    .filter((message) => message.role === 'system' || message.role === 'developer')
    .map(messageText)
    .join('\n');
}

/** The request's schema, when it asks for JSON. */
function requestedSchema(subject: OutputSubject): { wantsJson: boolean; schema?: Record<string, unknown> } {
  const format = subject.request.response_format;
  if (format?.type === 'json_schema') {
    return {
      wantsJson: true,
      ...(format.json_schema.schema === undefined ? {} : { schema: format.json_schema.schema }),
    };
  }
  return { wantsJson: format?.type === 'json_object' };
}

function strongest(findings: { score: number }[]): number {
  return findings.reduce((highest, finding) => Math.max(highest, finding.score), 0);
}

export function buildOutputCheck(config: OutputCheckConfig): OutputCheck {
  const base = {
    stage: 'output' as const,
    id: config.id ?? config.type,
    type: config.type,
    action: config.action,
    threshold: config.threshold ?? defaultThresholds[config.type] ?? 0.5,
    when: config.when,
    blockReply: config.block_reply,
    fallbackModel: config.fallback_model,
    maxReasks: config.type === 'json' ? config.max_reasks : 0,
    onFail: config.type === 'json' ? config.on_fail : ('block' as const),
    windowed: false,
  };
  switch (config.type) {
    case 'json':
      return {
        ...base,
        run: (subject): Detection => {
          const requested = requestedSchema(subject);
          if (config.schema === undefined && config.only_when_requested && !requested.wantsJson) {
            return { score: 0, findings: [], details: { skipped: 'the request did not ask for JSON' } };
          }
          return checkJson(subject.text, config.schema ?? requested.schema);
        },
      };
    case 'pii': {
      const options = {
        threshold: base.threshold,
        ...(config.entities === undefined ? {} : { entities: new Set(config.entities) }),
      };
      return {
        ...base,
        windowed: true,
        run: (subject): Detection => {
          const findings = detectPii(subject.text, options);
          return { score: strongest(findings), findings };
        },
      };
    }
    case 'secrets':
      return {
        ...base,
        windowed: true,
        run: (subject): Detection => {
          const findings = detectSecrets(subject.text);
          return { score: strongest(findings), findings };
        },
      };
    case 'canary':
      return {
        ...base,
        windowed: true,
        run: (subject): Detection =>
          subject.canary === null ? { score: 0, findings: [] } : detectCanary(subject.text, subject.canary),
      };
    case 'prompt_leak':
      return { ...base, run: (subject) => detectPromptLeak(subject.text, systemPrompt(subject)) };
    case 'toxicity': {
      const detect = createToxicityMatcher({ extraTerms: config.extra_terms });
      return { ...base, windowed: true, run: (subject) => detect(subject.text) };
    }
    case 'refusal':
      return { ...base, run: (subject) => detectRefusal(subject.text) };
    case 'grounding': {
      const sources = new Set<string>(config.sources);
      return {
        ...base,
        run: (subject): Detection => {
          const context = subject.request.messages
            .filter((message) => sources.has(message.role))
            .map(messageText)
            .join('\n');
          return scoreGrounding(subject.text, context);
        },
      };
    }
    case 'llm_judge': {
      const options = judgeOptions(config);
      return {
        ...base,
        run: (subject, environment) => {
          if (environment.complete === undefined) throw new Error('the LLM judge needs a model to call');
          const conversation = subject.request.messages
            .filter((message) => message.role === 'user' || message.role === 'assistant')
            .map((message) => ({ role: message.role, text: messageText(message) }));
          const turns = judgeTurns([...conversation, { role: 'assistant', text: subject.text }]);
          return runJudge(turns, options, environment.complete, environment.signal);
        },
      };
    }
  }
}

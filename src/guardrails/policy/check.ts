/**
 * A check as a policy runs it: its config facts (id, action, threshold, cascade condition) and a
 * detector bound to its options. Types only.
 */
import type { ChatCompletionRequest } from '../../providers/canonical.js';
import type { CompleteText } from '../judge/llm-judge.js';
import type { Detection, GuardAction, GuardStage } from '../types.js';
import type { TextSegment } from './segments.js';

export interface CheckEnvironment {
  signal: AbortSignal;
  /** Calls a gateway model (for the LLM judge); absent where no model can be called. */
  complete: CompleteText | undefined;
}

export interface InputSubject {
  request: ChatCompletionRequest;
  segments: TextSegment[];
}

export interface OutputSubject {
  /** The answer's text (one choice). */
  text: string;
  /** The request as the model saw it (masked, with the canary). */
  request: ChatCompletionRequest;
  canary: string | null;
}

interface CheckBase {
  id: string;
  type: string;
  action: GuardAction;
  threshold: number;
  when: { check: string; min: number; max: number } | undefined;
  blockReply: string | undefined;
  fallbackModel: string | undefined;
}

export interface InputCheck extends CheckBase {
  stage: 'input';
  /** For `mask`: how a finding is replaced (PII placeholders, secret markers). */
  pseudonymize: boolean;
  run(subject: InputSubject, environment: CheckEnvironment): Detection | Promise<Detection>;
}

export interface OutputCheck extends CheckBase {
  stage: 'output';
  /** JSON re-asks: how many, and what to do once they are used up. */
  maxReasks: number;
  onFail: 'block' | 'fallback' | 'pass';
  /** Whether the check can judge a partial answer (stream windows) or needs the whole one. */
  windowed: boolean;
  run(subject: OutputSubject, environment: CheckEnvironment): Detection | Promise<Detection>;
}

export type AnyCheck = InputCheck | OutputCheck;

export type { GuardStage };
